using System.Net;
using Doudi.Server.Tests.Infrastructure;

namespace Doudi.Server.Tests.Prevention;

/// <summary>
/// 温政办〔2021〕78号 and 彭水府办发〔2023〕52号 end to end. Neither text gives a monitoring number: until the bureau sets one,
/// the rule is reported as a named problem (never a zero); once set, the re-scan puts the person in the pool.
/// Wenzhou then resolves the burden over 50,000 from the charity fund; pengshui has no year-end relief (its tilted
/// assistance is paid per bill) — its medical assistance fund discloses what settlement paid, and its premium list goes out.
/// </summary>
public abstract class WenzhouPengshuiScenarioTests(ServerFixture fx)
{
    [DbFact]
    public async Task Wenzhou_settlement_to_local_threshold_warning_to_50000_resolution()
    {
        fx.At("2023-05-02T09:00:00");
        var op = await fx.As("operator");
        var p = await People.RegisterAsync(fx, "wenzhou", "subsistence", recognized: "2019-01-01", name: "林温");
        var tag = PreventionHelpers.Tag();
        // 三.9: base = 200000 − 120000 − 20000 = 60000 → 0.80 × 60000 = 48000;
        // personal burden (I-14) = 300000 − 120000 − 20000 − 48000 = 112000, referred (三.11 "经规范转诊").
        var settled = await fx.Settle(new { id = tag, person = p, date = "2023-05-01", kind = "inpatient", total = 300000, inPolicy = 200000, basicPaid = 120000, criticalPaid = 20000, referred = true });
        Assert.Equal(48000m, settled.Dec("maf_pay"));

        Assert.Empty((await op.GetJson($"/api/risk-pool?person={p}")).Body.GetProperty("items").EnumerateArray());
        var (_, problems, _) = await op.GetJson("/api/monitoring/problems?region=wenzhou&year=2023");
        var missing = Assert.Single(problems.GetProperty("items").EnumerateArray());
        Assert.Equal("parameter_missing", missing.Str("code"));
        Assert.Equal("difficult_groups_burden", missing.Str("rule"));
        var (_, rules, _) = await op.GetJson("/api/monitoring/rules?region=wenzhou&year=2023");
        Assert.Equal("parameter_missing", rules.GetProperty("rules")[0].GetProperty("problem").Str("code"));

        // Only the administrator sets a local threshold, and only where the text gives none.
        var body = new { region = "wenzhou", rule = "difficult_groups_burden", threshold = 20000, basis = "温州市医保局局务会纪要（本地参数，示例）" };
        Assert.Equal(HttpStatusCode.Forbidden, (await op.PutJson("/api/monitoring/parameters", body)).Status);
        var admin = await fx.As("admin");
        var (ss, _, st) = await admin.PutJson("/api/monitoring/parameters", body);
        Assert.True(ss == HttpStatusCode.OK, st);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutJson("/api/monitoring/parameters", new { region = "fuyang", rule = "assistance_object_in_policy_burden", threshold = 1, basis = "x" })).Status);

        var (scs, scan, sct) = await op.PostJson("/api/monitoring/scans", new { region = "wenzhou", year = 2023 });
        Assert.True(scs == HttpStatusCode.Created, sct);
        Assert.Equal(1, scan.GetProperty("newEntries").GetInt32());
        Assert.Empty(scan.GetProperty("problems").EnumerateArray());
        var w = Assert.Single((await op.GetJson($"/api/risk-pool?person={p}")).Body.GetProperty("items").EnumerateArray());
        Assert.Equal(112000m, w.Dec("amount"));   // personal burden ≥ 20000
        Assert.Equal(20000m, w.Dec("threshold"));
        // A second scan finds the same person again and adds nothing.
        Assert.Equal(0, (await op.PostJson("/api/monitoring/scans", new { region = "wenzhou", year = 2023 })).Body.GetProperty("newEntries").GetInt32());

        // 三.11: 112000 − 50000 = 62000 resolved from the charity fund (慈善医疗救助共富基金), which raised 100000 first.
        Assert.Equal(HttpStatusCode.Created, (await (await fx.As("charity")).PostJson("/api/funds/wenzhou/charity/income", new { date = "2023-06-01", source = "donation", amount = 100000, memo = "慈善总会募集" })).Status);
        fx.At("2024-01-10T10:00:00");
        var (rs, run, rt) = await op.PostJson("/api/relief-runs", new { region = "wenzhou", year = 2023 });
        Assert.True(rs == HttpStatusCode.Created, rt);
        var report = FuyangScenarioTests.Report(run, "wenzhou_high_cost_resolution");
        var row = FuyangScenarioTests.Row(report, p);
        Assert.Equal(62000m, row.Dec("amount"));
        Assert.Contains(row.GetProperty("trace").EnumerateArray(), t => t.GetString()!.Contains("温政办〔2021〕78号 三.11"));
        Assert.Equal(0m, FuyangScenarioTests.Report((await op.PostJson("/api/relief-runs", new { region = "wenzhou", year = 2023 })).Body, "wenzhou_high_cost_resolution").Dec("newTotal"));

        // 第十八条 disclosure of the charity fund: income 100000 (donations), spending 62000 in 1 payment, closing 38000.
        var (ds, d, dt) = await (await fx.As("auditor")).GetJson("/api/funds/wenzhou/charity/disclosure?from=2023-01-01&to=2024-12-31");
        Assert.True(ds == HttpStatusCode.OK, dt);
        Assert.Equal(100000m, d.Dec("totalIncome"));
        Assert.Equal(62000m, d.Dec("totalPayments"));
        Assert.Equal(1, d.GetProperty("paymentCount").GetInt32());
        Assert.Equal(38000m, d.Dec("closingBalance"));
        Assert.Contains("社会捐赠：100000.00 元", d.Str("text"));
        Assert.DoesNotContain("林温", dt);   // no payee is named in a public disclosure
    }

    [DbFact]
    public async Task Pengshui_settlement_with_tilted_assistance_to_warning_fund_disclosure_and_premium_list()
    {
        fx.At("2023-07-01T09:00:00");
        var op = await fx.As("operator");
        var p = await People.RegisterAsync(fx, "pengshui", "subsistence", recognized: "2022-05-10", name: "冉彭");
        var tag = PreventionHelpers.Tag();
        // 二.三.2 special disease, 低保 80%: base = 60000 − 30000 − 0 = 30000 → 24000.
        // 二.三.3 tilted (I-6): remainder 60000 − 30000 − 24000 = 6000; 低保 line 4000 → 0.60 × (6000 − 4000) = 1200.
        // personal burden = 70000 − 30000 − 24000 − 1200 = 14800.
        var s = await fx.Settle(new { id = tag, person = p, date = "2023-07-01", kind = "inpatient", total = 70000, inPolicy = 60000, basicPaid = 30000, criticalPaid = 0,
            specialDisease = true, referred = true, withinCity = true, hospitalLevel = 2 });
        Assert.Equal(24000m, s.Dec("assistance"));
        Assert.Equal(1200m, s.Dec("tilted"));
        Assert.Equal(14800m, s.Dec("personalBurden"));

        // 二.(四).1 "结合实际确定监测标准": no number until the county sets one.
        var (_, problems, _) = await op.GetJson("/api/monitoring/problems?region=pengshui&year=2023");
        Assert.Equal("parameter_missing", Assert.Single(problems.GetProperty("items").EnumerateArray()).Str("code"));
        Assert.Equal(HttpStatusCode.OK, (await (await fx.As("admin")).PutJson("/api/monitoring/parameters",
            new { region = "pengshui", rule = "assistance_object_burden", threshold = 10000, basis = "彭水县医保局监测标准（本地参数，示例）" })).Status);
        Assert.Equal(1, (await op.PostJson("/api/monitoring/scans", new { region = "pengshui", year = 2023 })).Body.GetProperty("newEntries").GetInt32());
        var w = Assert.Single((await op.GetJson($"/api/risk-pool?person={p}")).Body.GetProperty("items").EnumerateArray());
        Assert.Equal(14800m, w.Dec("amount"));  // ≥ 10000
        // Self-application by an employer for a person below the line enters the same pool.
        var other = await People.RegisterAsync(fx, "pengshui", null, name: "向申");
        var (sa, app, sat) = await (await fx.As("civil")).PostJson("/api/risk-pool/self-applications",
            new { person = other, applicantKind = "employer", applicantName = "彭水某食品厂", statement = "职工子女白血病，家庭负担重", burden = 8000, year = 2023 });
        Assert.True(sa == HttpStatusCode.Created, sat);
        Assert.Equal("self_application", app.Str("source"));
        Assert.Contains("彭水府办发〔2023〕52号", app.Str("cite"));
        Assert.Equal(HttpStatusCode.BadRequest, (await op.PostJson("/api/risk-pool/self-applications", new { person = other, applicantKind = "person", applicantName = "x", statement = "" })).Status);

        // No year-end relief rule in pengshui: a problem that says so, nothing stored.
        var (rs, rp, _) = await op.PostJson("/api/relief-runs", new { region = "pengshui", year = 2023 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, rs);
        Assert.Contains("no_relief_rule", rp.Str("type"));

        // The medical assistance fund's 2023 spending includes what one-stop settlement paid: 24000 + 1200 = 25200.
        var (_, d, dt) = await op.GetJson("/api/funds/pengshui/medical_assistance/disclosure?from=2023-01-01&to=2023-12-31");
        Assert.Equal(25200m, d.Dec("totalPayments"));
        Assert.Equal(1, d.GetProperty("paymentCount").GetInt32());

        // 二.(二).1 premium subsidy, monthly list for the tax office: approved in June 2023 → subsidised in June, effective 2023-07-01.
        var d1 = await People.RegisterAsync(fx, "pengshui", "destitute", recognized: "2023-06-12", name: "特困甲");
        var d2 = await People.RegisterAsync(fx, "pengshui", "subsistence", recognized: "2023-06-20", name: "低保乙");
        var (ls, list, lt) = await op.GetJson("/api/premium-lists/monthly?region=pengshui&year=2023&month=6&contribution=380&tier1Contribution=380&format=json");
        Assert.True(ls == HttpStatusCode.OK, lt);
        var items = list.GetProperty("items").EnumerateArray().ToDictionary(x => x.Str("person"));
        Assert.Equal(380m, items[d1].Dec("amount"));   // 特困 100% × 380
        Assert.Equal(342m, items[d2].Dec("amount"));   // 低保 90% × 380 = 342
        Assert.Equal("2023-07-01", items[d2].Str("effectiveFrom"));
        Assert.Equal("2023-07-05", list.Str("due")); // by the 5th (Wednesday), 二.(四).2
        var csv = await op.GetAsync("/api/premium-lists/monthly?region=pengshui&year=2023&month=6&contribution=380&tier1Contribution=380");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        Assert.Contains("低保乙", await csv.Content.ReadAsStringAsync());
        // fuyang's basic-insurance amount follows Hangzhou rules the seed does not give: a named problem.
        await People.RegisterAsync(fx, "fuyang", "subsistence", recognized: "2023-06-05", name: "富甲");
        var (fs, fp, ft) = await op.GetJson("/api/premium-lists/monthly?region=fuyang&year=2023&month=6&contribution=380&supplementaryContribution=150&format=json");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, fs);
        Assert.Contains("premium_parameter_missing", fp.Str("type"));
    }
}

public sealed class WenzhouPengshuiScenarioTestsSqlite(SqliteFixture fx) : WenzhouPengshuiScenarioTests(fx), IClassFixture<SqliteFixture>;
public sealed class WenzhouPengshuiScenarioTestsPostgres(PostgresFixture fx) : WenzhouPengshuiScenarioTests(fx), IClassFixture<PostgresFixture>, IPostgresTests;
