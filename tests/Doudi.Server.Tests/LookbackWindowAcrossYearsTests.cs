using Doudi.Server.Tests.Infrastructure;
using Doudi.Server.Tests.Prevention;
using Microsoft.AspNetCore.Hosting;

namespace Doudi.Server.Tests;

/// <summary>
/// I-26 on the one-bill path: wenzhou-2020's category-4 household affordability is deducted once per look-back window,
/// also when the window spans New Year. Same hand arithmetic as tests/cases/wenzhou-2020/lookback-affordability-once-per-window.json
/// (p1), here through POST /api/settlements, so the server's ledger must carry the 2021 deduction into 2022.
/// </summary>
public abstract class LookbackWindowAcrossYearsTests(ServerFixture fx)
{
    [DbFact]
    public async Task Category4_affordability_is_deducted_once_per_window_across_New_Year()
    {
        // Recognised 2022-03-15 (低保，因病支出型) → look-back window 2021-03-15 .. 2022-03-31 (I-15).
        fx.At("2022-04-01T09:00:00");
        var p = await People.RegisterAsync(fx, "wenzhou", "subsistence", recognized: "2022-03-15", name: "回溯温", forMedicalSpending: true);
        var tag = PreventionHelpers.Tag();

        // Affordability 10000 (test local file, I-10). 2021-06-10: self-pay 10000 − 2000 = 8000 → deduct 8000 → 0.80 × 0 = 0.
        var a1 = await fx.Settle(new { id = tag + "-a1", person = p, date = "2021-06-10", kind = "inpatient", total = 10000, inPolicy = 10000, basicPaid = 2000, criticalPaid = 0 });
        Assert.Equal(0m, a1.Dec("assistance"));
        // 2022-01-20, same window: 10000 − 2000 = 8000 → deduct only what is left, 10000 − 8000 = 2000 → 0.80 × (8000 − 2000) = 4800
        // (deducting again per calendar year: 8000 − 8000 = 0 → 0).
        var a2 = await fx.Settle(new { id = tag + "-a2", person = p, date = "2022-01-20", kind = "inpatient", total = 10000, inPolicy = 10000, basicPaid = 2000, criticalPaid = 0 });
        Assert.Equal(4800m, a2.Dec("assistance"));
    }
}

/// <summary>The repository's policies with tests/cases/wenzhou-2020/local/affordability-10000.yaml in local/, read at start.</summary>
public static class AffordabilityPolicies
{
    public static string Folder() => FictionalRegion.PoliciesFolder(("affordability-10000.yaml",
        File.ReadAllText(Path.Combine(FictionalRegion.RepoRoot(), "tests", "cases", "wenzhou-2020", "local", "affordability-10000.yaml"))));
}

public sealed class AffordabilitySqliteFixture : SqliteFixture
{
    protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("Doudi:Policies", AffordabilityPolicies.Folder());
}

public sealed class AffordabilityPostgresFixture : PostgresFixture
{
    protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("Doudi:Policies", AffordabilityPolicies.Folder());
}

public sealed class LookbackWindowAcrossYearsTestsSqlite(AffordabilitySqliteFixture fx) : LookbackWindowAcrossYearsTests(fx), IClassFixture<AffordabilitySqliteFixture>;
public sealed class LookbackWindowAcrossYearsTestsPostgres(AffordabilityPostgresFixture fx) : LookbackWindowAcrossYearsTests(fx), IClassFixture<AffordabilityPostgresFixture>, IPostgresTests;
