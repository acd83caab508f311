using Doudi.Prevention.Calendar;
using Doudi.Server.Prevention.Common;

namespace Doudi.Server.Prevention;

/// <summary>Issue 4 in the server: early warning, deadlines, tiered reduction, relief runs, retroactive assistance, post-hoc applications, premium lists, funds.</summary>
public static class PreventionSetup
{
    public static IServiceCollection AddPrevention(this IServiceCollection services)
    {
        services.AddSingleton(_ => WorkdayCalendar.BuiltIn());
        services.AddSingleton<PreventionClock>();
        services.AddSingleton<PreventionCatalog>();
        services.AddSingleton<Monitoring.MonitoringSettings>();
        services.AddSingleton<Monitoring.MonitoringService>();
        services.AddSingleton<ISettlementStoredHook>(sp => sp.GetRequiredService<Monitoring.MonitoringService>());
        services.AddSingleton<Settlements.ILedgerMeasureSource>(sp => sp.GetRequiredService<Monitoring.MonitoringService>());
        services.AddSingleton<ISettlementReversedHook>(sp => sp.GetRequiredService<Monitoring.MonitoringService>());
        services.AddSingleton<PreventionEngine>();
        services.AddSingleton<Retroactive.RetroactiveService>();
        services.AddSingleton<IIdentityAddedHook>(sp => sp.GetRequiredService<Retroactive.RetroactiveService>());
        // A reversal takes the bill's supplementary payments with it (P-1); monitoring recomputes its measures from the settlements.
        services.AddSingleton<ISettlementReversedHook>(sp => sp.GetRequiredService<Retroactive.RetroactiveService>());
        services.AddSingleton<Reduction.ReductionService>();
        services.AddSingleton<Relief.ReliefService>();
        services.AddSingleton<PostHoc.PostHocService>();
        services.AddSingleton<Funds.FundService>();
        var auth = services.AddAuthorizationBuilder();
        PreventionPolicies.Add(auth);
        Reduction.ReductionEndpoints.AddPolicies(auth);
        return services;
    }
}

public static class PreventionEndpoints
{
    public static void Map(WebApplication app)
    {
        Calendar.CalendarEndpoints.Map(app);
        Monitoring.MonitoringEndpoints.Map(app);
        Monitoring.RiskPoolEndpoints.Map(app);
        Reduction.ReductionEndpoints.Map(app);
        Relief.ReliefEndpoints.Map(app);
        Retroactive.RetroactiveEndpoints.Map(app);
        PostHoc.PostHocEndpoints.Map(app);
        Premium.PremiumEndpoints.Map(app);
        Funds.FundEndpoints.Map(app);
    }
}
