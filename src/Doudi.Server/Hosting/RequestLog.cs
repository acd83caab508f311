using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Doudi.Server.Hosting;

/// <summary>
/// The access log: method, path and query with ID numbers masked (3303**********1234), status, actor and time.
/// The framework's own request log, which would print query strings in full, is turned down in appsettings.json.
/// </summary>
public static partial class RequestLog
{
    [GeneratedRegex("(\\d{4})\\d{10}(\\d{3}[\\dXx])")]
    private static partial Regex IdNumber();

    public static string Mask(string text) => IdNumber().Replace(text, "$1**********$2");

    public static void Use(WebApplication app)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Doudi.Requests");
        app.Use(async (ctx, next) =>
        {
            var start = Stopwatch.GetTimestamp();
            try { await next(); }
            finally
            {
                if (log.IsEnabled(LogLevel.Information))
                    log.LogInformation("{Method} {Path} → {Status} by {Actor} in {Ms:F1} ms", ctx.Request.Method,
                        Mask(ctx.Request.Path + ctx.Request.QueryString), ctx.Response.StatusCode, ctx.User.Identity?.Name ?? "-",
                        Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        });
    }
}
