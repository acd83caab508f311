using Microsoft.Extensions.DependencyInjection.Extensions;
using Doudi.Server.Api;
using Microsoft.AspNetCore.DataProtection;
using Doudi.Server.Audit;
using Doudi.Server.Registry;
using Doudi.Server.Security;
using Doudi.Server.Settlements;
using Doudi.Server.Storage;

namespace Doudi.Server.Hosting;

/// <summary>Builds the web application: storage, engine, security, endpoints, conventions.</summary>
public static class ServerApp
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static WebApplication Build(string[] args)
    {
        var options = ServerOptions.Parse(args);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = options.HostArgs,
            // The server's own appsettings.json sits beside its assembly: load it wherever the server is started from,
            // unless a content root is given explicitly (--contentRoot, ASPNETCORE_CONTENTROOT).
            ContentRootPath = ExplicitContentRoot(options.HostArgs) ? null : AppContext.BaseDirectory,
        });
        if (options.Port is { } port) builder.Configuration["urls"] = $"http://127.0.0.1:{port}";
        var urls = builder.Configuration["urls"] is { Length: > 0 } u ? u : builder.Configuration["ASPNETCORE_URLS"] is { Length: > 0 } e ? e : DefaultUrl;
        builder.Configuration["urls"] = urls;
        builder.WebHost.UseUrls(urls);
        if (options.DataDirectory is not null) builder.Configuration["Doudi:DataDirectory"] = Path.GetFullPath(options.DataDirectory);
        builder.Configuration["Doudi:Demo"] ??= options.Demo ? "true" : null;
        LogSetup.Configure(builder.Logging);
        Configure(builder.Services, builder.Configuration);
        var app = builder.Build();
        MapAll(app);
        return app;
    }

    private static bool ExplicitContentRoot(string[] args) =>
        args.Any(a => a.TrimStart('-', '/').StartsWith("contentRoot", StringComparison.OrdinalIgnoreCase))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT"))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT"));

    public static void Configure(IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton(sp => DatabaseOptions.From(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton(sp => new Database(sp.GetRequiredService<DatabaseOptions>())
        {
            SettlementLockTimeout = TimeSpan.FromMilliseconds(sp.GetRequiredService<IConfiguration>().GetValue("Doudi:Database:SettlementLockTimeoutMs", 3000)),
        });
        services.AddSingleton<EngineHost>();
        services.AddSingleton<ISettlementCalculator>(sp => sp.GetRequiredService<EngineHost>());
        services.AddSingleton<SettlementService>();
        services.AddSingleton<OneStopGroups>();
        services.AddSingleton<Reconciliation.ReconciliationService>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => Settlements.PlausibilityOptions.From(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<Settlements.Plausibility>();
        services.AddSingleton<Settlements.HeldSettlements>();
        services.AddSingleton<Users>();
        services.AddSingleton<LoginThrottle>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<Imports.NameListProgress>();
        services.AddSingleton<Imports.NameListImporter>();
        services.AddSingleton<Settlements.BulkImport>();
        services.AddSingleton<Settlements.YearEnd>();
        services.AddSingleton<Settlements.LedgerRebuild>(); // issue 9 item 4: the running totals' rebuild
        services.ConfigureHttpJsonOptions(o => Json.Configure(o.SerializerOptions));
        // A query parameter that cannot be bound (page=abc) throws, so it is answered as a problem naming the parameter.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = Problems.Localize); // Chinese titles, English on request
        services.AddDoudiOpenApi(); // issue 9: schemas, security schemes, problems (Api/OpenApiSetup.cs)
        services.AddDoudiAuth();
        // Cookie keys under the data directory so staff stay logged in across restarts.
        var keys = config["Doudi:KeysDirectory"] ?? Path.Combine(ServerOptions.DataDirectoryFrom(config), "keys");
        services.AddDataProtection().SetApplicationName("doudi").PersistKeysToFileSystem(new DirectoryInfo(keys));
        services.AddHostedService<StartupService>();
        Prevention.PreventionSetup.AddPrevention(services); // issue 4
        // Issue 10: monthly aggregates for the web console, kept with each settlement and reversal.
        services.AddSingleton<Insights.ISettlementAggregateHook, Insights.InsightHooks>();
    }

    public static void MapAll(WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // Inside the exception handler, so request problems are answered here as problem+json (400/403/404/409/422).
        app.Use(async (ctx, next) =>
        {
            try { await next(); }
            catch (ApiProblemException e) when (!ctx.Response.HasStarted)
            {
                await Problems.ToResult(e, ctx).ExecuteAsync(ctx);
            }
            catch (BadHttpRequestException e) when (!ctx.Response.HasStarted)
            {
                var problem = TextRules.FromBindingFailure(e.Message) is { } field
                    ? ApiProblemException.Invalid([field])
                    : Problems.FromBadRequest(e);
                await Problems.ToResult(problem, ctx).ExecuteAsync(ctx);
            }
            catch (InvalidOperationException e) when (!ctx.Response.HasStarted && (e.Source == "System.Text.Json"
                || e.TargetSite?.DeclaringType?.Assembly == typeof(System.Text.Json.JsonElement).Assembly))
            {
                // A JSON value read as what it is not (a lone surrogate read as text, …): the request's fault. Logged, as it
                // means some endpoint reads a value it did not check first.
                ctx.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Doudi.Requests").LogWarning(e, "Unreadable JSON value");
                await Problems.ToResult(ApiProblemException.Invalid([new("$", new("JSON 中有无法读取的值", "a JSON value could not be read"))]), ctx).ExecuteAsync(ctx);
            }
            catch (Exception e) when (!ctx.Response.HasStarted && Busy.Of(e) is { } reason && !ctx.RequestAborted.IsCancellationRequested)
            {
                // A lock or statement timeout, a deadlock, a busy SQLite: the moment's fault, not the request's and not a
                // server error. Nothing was stored (the transaction rolled back); the client is told when to try again.
                ctx.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Doudi.Requests").LogWarning("Database busy ({Reason}) on {Path}", reason, ctx.Request.Path);
                await Problems.ToResult(Problems.Busy(reason), ctx).ExecuteAsync(ctx);
            }
            catch (Exception e) when (!ctx.Response.HasStarted && Database.IsUnstorableText(e))
            {
                // A last line of defence: text the database cannot store is the request's fault, not the server's.
                await Problems.ToResult(ApiProblemException.Invalid([new("$", new("含有无法保存的字符", "contains characters that cannot be stored"))]), ctx).ExecuteAsync(ctx);
            }
        });
        // Every query parameter and path value, on every endpoint: no control characters, bounded length.
        app.Use(async (ctx, next) =>
        {
            var problems = TextRules.CheckParameters(ctx);
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            await next();
        });
        WebConsole.ConsoleHosting.Use(app); // issue 10: the web console's files, before authentication
        app.UseAuthentication();
        RequestLog.Use(app);
        app.UseAuthorization();
        QueryParameters.Use(app); // a query parameter the endpoint does not take is refused by name (after authorization: no hints to strangers)
        OpenApiSetup.MapDoudiOpenApi(app);
        HealthEndpoints.Map(app);
        AuthEndpoints.Map(app);
        RegistryEndpoints.Map(app);
        Imports.NameListEndpoints.Map(app);
        SettlementEndpoints.Map(app);
        Settlements.BackOfficeEndpoints.Map(app);
        Settlements.YearEndEndpoints.Map(app); // issue 11 point 2: runs stored as rows, paged
        Settlements.NationalEndpoints.Map(app);
        Settlements.HeldSettlementEndpoints.Map(app);
        Settlements.LedgerRebuildEndpoints.Map(app); // issue 9 item 4
        AuditEndpoints.Map(app);
        Prevention.PreventionEndpoints.Map(app); // issue 4
        Reconciliation.ReconciliationEndpoints.Map(app); // issue 11
        Reform.ReformEndpoints.Map(app); // issue 11
        Insights.InsightEndpoints.Map(app); // issue 10
        Insights.PersonBillsEndpoints.Map(app);
        Prevention.PostHoc.PostHocListEndpoints.Map(app);
        PolicyBrowser.PolicyBrowserEndpoints.Map(app);
        WebConsole.ExportEndpoints.Map(app);
        WebConsole.ConsoleHosting.MapFallback(app);
    }

}
