using System.Net;
using Doudi.Server.Tests.Infrastructure;

namespace Doudi.Server.Tests;

/// <summary>Issue 11, reform simulation over a stored year: the report of policies/reforms/fuyang-cap-40000.yaml, nothing written.</summary>
public abstract class ReformSimulationTests(ServerFixture fx)
{
    private static string ReformText(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Doudi.slnx"))) return File.ReadAllText(Path.Combine(dir.FullName, "policies", "reforms", name));
        throw new InvalidOperationException("repository root not found");
    }

    private async Task<long> CountAsync(string table) =>
        Convert.ToInt64(await fx.Db.ReadAsync(c => Doudi.Server.Storage.Sql.ScalarAsync(c, $"SELECT COUNT(*) FROM {table}", null)));

    [DbFact]
    public async Task The_fuyang_cap_lowered_to_40000_costs_the_hand_computed_10000_on_the_stored_year_and_writes_nothing()
    {
        // fuyang-2023, subsistence, one inpatient bill of 600,000 (all in policy), basic 200,000, critical 100,000:
        //   assistance 80% × 300,000 = 240,000 → annual limit 150,000; burden 150,000; special assistance 50% = 75,000;
        //   cap 50,000 → relief 25,000; reform cap 40,000 → relief 35,000: +10,000.
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var op = await fx.As("operator");
        var (settled, _, text) = await op.PostJson("/api/settlements", new
        {
            id = "RF" + Guid.NewGuid().ToString("N")[..10], person, date = "2023-06-01", kind = "inpatient",
            total = 600000, inPolicy = 600000, basicPaid = 200000, criticalPaid = 100000, hospitalLevel = 3, referred = true,
        });
        Assert.True(settled == HttpStatusCode.Created, text);
        long settlements = await CountAsync("settlements"), runs = await CountAsync("year_end_runs"), audit = await CountAsync("audit_log");

        var (status, report, body) = await op.PostJson("/api/reform-simulations", new { region = "fuyang", year = 2023, reform = ReformText("fuyang-cap-40000.yaml") });
        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Equal(10000m, report.Dec("costChange"));
        var cap = report.GetProperty("tiers").EnumerateArray().Single(t => t.Str("tier") == "personal_cap");
        Assert.Equal((25000m, 35000m), (cap.Dec("before"), cap.Dec("after")));
        Assert.Equal(1, report.GetProperty("persons").GetProperty("betterOff").GetInt32());
        Assert.StartsWith("静态测算", report.Str("method"));
        Assert.Equal((settlements, runs, audit), (await CountAsync("settlements"), await CountAsync("year_end_runs"), await CountAsync("audit_log")));

        var xlsx = await op.PostAsync("/api/reform-simulations?format=xlsx", System.Net.Http.Json.JsonContent.Create(new { region = "fuyang", year = 2023, reform = ReformText("fuyang-cap-40000.yaml") }));
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
    }

    [DbFact]
    public async Task A_reform_with_a_bad_parameter_is_refused_with_its_line()
    {
        var op = await fx.As("operator");
        var reform = ReformText("fuyang-cap-40000.yaml").Replace("cap.personal: 40000", "cap.personal: -5");
        var (status, _, text) = await op.PostJson("/api/reform-simulations", new { region = "fuyang", year = 2023, reform });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("reform:14", text);
    }
}

public sealed class ReformSimulationTestsSqlite(SqliteFixture fx) : ReformSimulationTests(fx), IClassFixture<SqliteFixture>;
public sealed class ReformSimulationTestsPostgres(PostgresFixture fx) : ReformSimulationTests(fx), IClassFixture<PostgresFixture>, IPostgresTests;
