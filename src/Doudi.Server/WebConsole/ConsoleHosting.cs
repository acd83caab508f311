using Microsoft.Extensions.FileProviders;

namespace Doudi.Server.WebConsole;

/// <summary>
/// Serves the web console (src/Doudi.Web, built by the server's build into the output folder's <c>console/</c>) at
/// <c>/</c>, with the SPA fallback: any GET that is not an API, health or OpenAPI path answers index.html so a deep
/// link (/persons/P1) opens the right page. Without a built console the server runs as an API only.
/// </summary>
public static class ConsoleHosting
{
    public static string? Folder(IConfiguration config)
    {
        var dir = config["Doudi:Console"] ?? Path.Combine(AppContext.BaseDirectory, "console");
        return File.Exists(Path.Combine(dir, "index.html")) ? dir : null;
    }

    public static void Use(WebApplication app)
    {
        var dir = Folder(app.Configuration);
        if (dir is null)
        {
            app.Logger.LogWarning("Web console not built (no console/index.html beside the server); serving the API only");
            return;
        }
        var files = new PhysicalFileProvider(dir);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            // Hashed asset names never change content: cache them; index.html is always revalidated.
            OnPrepareResponse = ctx => ctx.Context.Response.Headers.CacheControl =
                ctx.File.Name == "index.html" ? "no-cache" : "public, max-age=31536000, immutable",
        });
    }

    public static void MapFallback(WebApplication app)
    {
        var dir = Folder(app.Configuration);
        if (dir is null) return;
        var index = Path.Combine(dir, "index.html");
        app.MapFallback(async (HttpContext http) =>
        {
            var path = http.Request.Path.Value ?? "/";
            if (!HttpMethods.IsGet(http.Request.Method) || path.StartsWith("/api/", StringComparison.Ordinal) || path.StartsWith("/openapi", StringComparison.Ordinal)
                || Path.HasExtension(path))
                return Results.NotFound();
            http.Response.Headers.CacheControl = "no-cache";
            return Results.File(index, "text/html; charset=utf-8");
        }).ExcludeFromDescription().AllowAnonymous();
    }
}
