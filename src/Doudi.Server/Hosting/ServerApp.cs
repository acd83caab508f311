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
        var demo = args.Contains("--demo");
        var builder = WebApplication.CreateBuilder(args.Where(a => a != "--demo").ToArray());
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            builder.WebHost.UseUrls(DefaultUrl);
        builder.Configuration["Doudi:Demo"] ??= demo ? "true" : null;
        Configure(builder.Services, builder.Configuration);
        var app = builder.Build();
        MapAll(app);
        return app;
    }

    public static void Configure(IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton(sp => DatabaseOptions.From(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton(sp => new Database(sp.GetRequiredService<DatabaseOptions>()));
        services.AddSingleton<EngineHost>();
        services.AddSingleton<ISettlementCalculator>(sp => sp.GetRequiredService<EngineHost>());
        services.AddSingleton<SettlementService>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => Settlements.PlausibilityOptions.From(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<Settlements.Plausibility>();
        services.AddSingleton<Settlements.HeldSettlements>();
        services.AddSingleton<Users>();
        services.AddSingleton<Imports.NameListImporter>();
        services.AddSingleton<Settlements.BulkImport>();
        services.AddSingleton<Settlements.YearEnd>();
        services.ConfigureHttpJsonOptions(o => Json.Configure(o.SerializerOptions));
        services.AddProblemDetails();
        services.AddOpenApi();
        services.AddDoudiAuth();
        // Cookie keys under ./data/keys so staff stay logged in across restarts.
        var keys = config["Doudi:KeysDirectory"] ?? Path.Combine(config["Doudi:DataDirectory"] ?? Path.Combine(Directory.GetCurrentDirectory(), "data"), "keys");
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
                await Problems.ToResult(new ApiProblemException(e.StatusCode, new("请求无效：" + e.Message, "bad request: " + e.Message)), ctx).ExecuteAsync(ctx);
            }
        });
        WebConsole.ConsoleHosting.Use(app); // issue 10: the web console's files, before authentication
        app.UseAuthentication();
        RequestLog.Use(app);
        app.UseAuthorization();
        app.MapOpenApi();
        HealthEndpoints.Map(app);
        AuthEndpoints.Map(app);
        RegistryEndpoints.Map(app);
        Imports.NameListEndpoints.Map(app);
        SettlementEndpoints.Map(app);
        Settlements.BackOfficeEndpoints.Map(app);
        Settlements.NationalEndpoints.Map(app);
        Settlements.HeldSettlementEndpoints.Map(app);
        AuditEndpoints.Map(app);
        Prevention.PreventionEndpoints.Map(app); // issue 4
        Insights.InsightEndpoints.Map(app); // issue 10
        Insights.PersonBillsEndpoints.Map(app);
        Prevention.PostHoc.PostHocListEndpoints.Map(app);
        PolicyBrowser.PolicyBrowserEndpoints.Map(app);
        WebConsole.ExportEndpoints.Map(app);
        WebConsole.ConsoleHosting.MapFallback(app);
    }

}
