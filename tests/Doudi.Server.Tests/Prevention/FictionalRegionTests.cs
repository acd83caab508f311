using System.Net;
using Doudi.Server.Tests.Infrastructure;

namespace Doudi.Server.Tests.Prevention;

/// <summary>
/// A county added from files alone (tests/Doudi.Server.Tests/data/fictional-region, put in policies/local/ and read at
/// start): registry, settlement, early warning, a premium list and a year-end run of "qingshan" through the HTTP API,
/// with no line of code naming it. Amounts computed by hand from the fictional 青政办〔2025〕1号.
/// </summary>
public abstract class FictionalRegionTests(ServerFixture fx)
{
    [DbFact]
    public async Task A_county_from_files_alone_settles_monitors_lists_premiums_and_runs_its_year_end()
    {
        fx.At("2025-04-20T09:00:00");
        var op = await fx.As("operator");
        // The region exists because its policy file does; a region no file defines is still refused.
        var (bad, problem, _) = await op.PostJson("/api/persons", new { idNumber = People.UniqueIdNumber(), name = "无名", region = "nowhere" });
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Contains("qingshan", problem.ToString());

        var a = await People.RegisterAsync(fx, "qingshan", "subsistence", recognized: "2024-11-10", name: "青甲"); // effective 2024-12-01 (I-1)
        var b = await People.RegisterAsync(fx, "qingshan", "subsistence", recognized: "2024-11-10", name: "青乙");
        var tag = PreventionHelpers.Tag();

        // 第四条 低保 70%, limit 60000. A: 0.70 × (100000 − 50000) = 35000; burden 100000 − 50000 − 35000 = 15000.
        var sa = await fx.Settle(new { id = tag + "-a", person = a, date = "2025-03-01", kind = "inpatient", total = 100000, inPolicy = 100000, basicPaid = 50000, criticalPaid = 0 });
        Assert.Equal(35000m, sa.Dec("assistance"));
        Assert.Equal("qingshan-2025", sa.Str("policy"));
        // B: 0.70 × (300000 − 150000) = 105000 > limit 60000 → 60000; burden 300000 − 150000 − 60000 = 90000.
        var sb = await fx.Settle(new { id = tag + "-b", person = b, date = "2025-06-01", kind = "inpatient", total = 300000, inPolicy = 300000, basicPaid = 150000, criticalPaid = 0 });
        Assert.Equal(60000m, sb.Dec("assistance"));

        // 第五条: in-policy burden ≥ 10000 → warning. A 15000, B 90000.
        var (rs, rules, rt) = await op.GetJson("/api/monitoring/rules?region=qingshan&year=2025");
        Assert.True(rs == HttpStatusCode.OK, rt);
        Assert.Equal("qingshan-2025", rules.Str("policy"));
        Assert.Equal(10000m, rules.GetProperty("rules")[0].Dec("threshold"));
        // A year before the rules: they are shown, and a person's year is "not in force" (not a 404).
        var (rs24, rules24, _) = await op.GetJson("/api/monitoring/rules?region=qingshan&year=2024");
        Assert.Equal((HttpStatusCode.OK, "qingshan-2025"), (rs24, rules24.Str("policy")));
        var (es, eval24, et) = await op.GetJson($"/api/monitoring/persons/{a}/years/2024");
        Assert.True(es == HttpStatusCode.OK, et);
        Assert.False(eval24.GetProperty("inForce").GetBoolean());
        var (_, pool, _) = await op.GetJson($"/api/risk-pool?region=qingshan&year=2025&person={a}");
        var w = Assert.Single(pool.GetProperty("items").EnumerateArray());
        Assert.Equal(("object_in_policy_burden", 15000m), (w.Str("rule"), w.Dec("amount")));
        Assert.Contains("青政办〔2025〕1号 第五条", w.Str("cite"));

        // 第八条: a 特困 person approved in April 2025 → 100% of the own contribution 380 = 380.00, effective 2025-05-01.
        var c = await People.RegisterAsync(fx, "qingshan", "destitute", recognized: "2025-04-10", name: "青丙");
        var (ls, list, lt) = await op.GetJson("/api/premium-lists/monthly?region=qingshan&year=2025&month=4&contribution=380&format=json");
        Assert.True(ls == HttpStatusCode.OK, lt);
        Assert.Equal("qingshan-2025", list.Str("policy"));
        var row = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal((c, 380m, "2025-05-01"), (row.Str("person"), row.Dec("amount"), row.Str("effectiveFrom")));
        // Due by the 10th of the next month (list_due_day of its premium file, not a number in code): 2025-05-10 is a
        // Saturday → postponed to Monday 2025-05-12 (before: the 5th for every region, 劳动节 off to 05-05 → 2025-05-06).
        Assert.Equal("2025-05-12", list.Str("due"));
        Assert.Contains("青政办〔2025〕1号 第八条", list.Str("dueCite"));
        // The calendar's monthly deadline without a day takes the region's list due day, with its clause …
        var (ms, md, mt) = await op.GetJson("/api/calendar/monthly-deadline?year=2025&month=5&region=qingshan");
        Assert.True(ms == HttpStatusCode.OK, mt);
        Assert.Equal((10, "2025-05-12"), (md.GetProperty("day").GetInt32(), md.Str("due")));
        Assert.Contains("青政办〔2025〕1号 第八条", md.Str("cite"));
        // … and without a region the one day every region's rules in force agree on: here they differ (10 and the 5th of
        // 彭水府办发〔2023〕52号 二.（四）.2), so the day is asked for by name rather than guessed.
        var (dds, dp, _) = await op.GetJson("/api/calendar/monthly-deadline?year=2025&month=5");
        Assert.Equal(HttpStatusCode.BadRequest, dds);
        Assert.Contains("\"day\"", dp.GetRawText());
        Assert.Equal("2025-05-06", (await op.GetJson("/api/calendar/monthly-deadline?year=2025&month=5&region=pengshui")).Body.Str("due"));

        // Year-end (第六条, 第七条). A: special 0.50 × 15000 = 7500; 15000 − 7500 = 7500 ≤ 15000 → no cap relief.
        // B: special 0.50 × 90000 = 45000 > limit 20000 → 20000; 90000 − 20000 = 70000 > 15000 → cap relief 55000.
        Assert.Equal(HttpStatusCode.Created, (await op.PostJson("/api/funds/qingshan/charity/income", new { date = "2025-12-01", source = "donation", amount = 60000, memo = "慈善捐赠" })).Status);
        fx.At("2026-01-15T10:00:00");
        var (rr, run, rrt) = await op.PostJson("/api/relief-runs", new { region = "qingshan", year = 2025 });
        Assert.True(rr == HttpStatusCode.Created, rrt);
        var special = FuyangScenarioTests.Report(run, "special_assistance"); // a new county publishes the generic kind codes
        Assert.Equal(("medical_assistance", 27500m), (special.Str("fund"), special.Dec("newTotal"))); // 7500 + 20000
        Assert.Equal("qingshan-2025:2025:special_assistance", special.Str("runKey"));
        var cap = FuyangScenarioTests.Report(run, "burden_cap");
        Assert.Equal(55000m, FuyangScenarioTests.Row(cap, b).Dec("amount"));
        Assert.Equal(5000m, (await op.GetJson("/api/funds/qingshan/charity")).Body.Dec("balance")); // 60000 − 55000
        var csv = await op.GetAsync($"/api/relief-runs/{run.Str("id")}/reports/burden_cap.csv");
        Assert.Contains($"{b},青乙,55000.00", await csv.Content.ReadAsStringAsync());

        // The year-end rules of the back office run for it too.
        var (ys, ye, yt) = await op.PostJson("/api/year-end-runs", new { region = "qingshan", year = 2025 });
        Assert.True(ys == HttpStatusCode.Created, yt);
        Assert.Equal(2, ye.GetProperty("persons").GetArrayLength());

        // The plan target of the county's local targets/ file is on the dashboard: read from disk by the policy loader
        // (before, a second reader took only the files built into the server, and qingshan had none).
        var (ds, dash, dt) = await op.GetJson("/api/insights/dashboard?region=qingshan&year=2025");
        Assert.True(ds == HttpStatusCode.OK, dt);
        var target = Assert.Single(dash.GetProperty("targets").EnumerateArray());
        Assert.Equal(("qingshan-2025", "burden_rate", "at_most", 0.12m), (target.Str("policy"), target.Str("measure"), target.Str("comparison"), target.Dec("value")));
    }
}

public sealed class FictionalRegionTestsSqlite(FictionalRegionSqliteFixture fx) : FictionalRegionTests(fx), IClassFixture<FictionalRegionSqliteFixture>;
public sealed class FictionalRegionTestsPostgres(FictionalRegionPostgresFixture fx) : FictionalRegionTests(fx), IClassFixture<FictionalRegionPostgresFixture>, IPostgresTests;

/// <summary>A bad file in policies/local/ is refused at start with its file and line; nothing is settled under half a policy.</summary>
public abstract class BrokenLocalPolicyTests(ServerFixture fx)
{
    [DbFact]
    public async Task The_server_is_not_ready_and_names_the_file_and_line()
    {
        var r = await fx.Anonymous().GetAsync("/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode);
        var text = await r.Content.ReadAsStringAsync();
        Assert.Contains("local/relief/qingshan-2025.yaml:7", text);
        Assert.Contains("unknown key 'txt'", text);
    }
}

public sealed class BrokenLocalPolicyTestsSqlite(BrokenLocalPolicySqliteFixture fx) : BrokenLocalPolicyTests(fx), IClassFixture<BrokenLocalPolicySqliteFixture>;
public sealed class BrokenLocalPolicyTestsPostgres(BrokenLocalPolicyPostgresFixture fx) : BrokenLocalPolicyTests(fx), IClassFixture<BrokenLocalPolicyPostgresFixture>, IPostgresTests;
