using System.Net;
using System.Text.Json;
using Doudi.Server.Tests.Infrastructure;

namespace Doudi.Server.Tests.Console;

/// <summary>
/// Issue 10: the monthly aggregates behind the console move with every settlement and reversal (so no page scans the
/// settlements table), the plans' targets come from their files, the policy browser finds a trace step's clause, and
/// the console's exports and map uploads refuse what they do not understand with its place named.
/// </summary>
public abstract class InsightTests(ServerFixture fx)
{
    // A month no other test of the class uses, so the figures are this test's alone.
    private static string Bill(string id, string person, string month) => $$"""
        {"setl_id":"{{id}}","psn_no":"{{person}}","setl_time":"{{month}}-15 10:00:00","med_type":"21","insutype":"390","medfee_sumamt":"12000",
         "inscp_scp_amt":"10000","hifp_pay":"6000","hifmi_pay":"0","fixmedins_code":"H33018399999","fixmedins_name":"测试医院","hosp_lv":"02",
         "dise_codg":"J18.900","dise_name":"肺炎",
         "feedetail":[{"med_list_codg":"XJ01TEST01","hilist_name":"阿莫西林胶囊","list_type":"101","chrgitm_lv":"01","cnt":"2","det_item_fee_sumamt":"800"},
                      {"med_list_codg":"ZZTEST01","hilist_name":"目录外耗材","list_type":"301","chrgitm_lv":"03","cnt":1,"det_item_fee_sumamt":"2000"}]}
        """;

    private static JsonElement Month(JsonElement dashboard, string month) =>
        dashboard.GetProperty("months").EnumerateArray().Single(m => m.Str("key") == month).GetProperty("figures");

    [DbFact]
    public async Task A_settlement_adds_to_the_monthly_figures_and_its_reversal_takes_them_away()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var op = await fx.As("operator");
        var (status, _, text) = await op.PostRaw("/api/settlements", Bill("AGG-1", person, "2023-07"), "application/json");
        Assert.True(status == HttpStatusCode.Created, text);

        var (s, d, t) = await op.GetJson("/api/insights/dashboard?region=fuyang&year=2023");
        Assert.True(s == HttpStatusCode.OK, t);
        var july = Month(d, "2023-07");
        // One bill: total 12000, basic 6000, assistance 80% × (10000 − 6000) = 3200, burden 12000 − 6000 − 3200 = 2800,
        // self-pay (outside the policy scope) 12000 − 10000 = 2000.
        Assert.Equal(1, july.GetProperty("bills").GetInt64());
        Assert.Equal(1, july.GetProperty("assisted").GetInt64());
        Assert.Equal(12000m, july.Dec("total"));
        Assert.Equal(3200m, july.Dec("assistance"));
        Assert.Equal(2800m, july.Dec("burden"));
        Assert.Equal(2000m, july.Dec("selfPay"));
        // 综合保障率 = (6000 + 0 + 0 + 3200 + 0) / 12000 = 0.7667; 个人负担率 = 2800 / 12000 = 0.2333
        Assert.Equal(0.7667m, july.Dec("coverageRate"));
        Assert.Equal(0.2333m, july.Dec("burdenRate"));

        var (_, items, _) = await op.GetJson("/api/insights/rankings?dimension=item&kind=consumable&region=fuyang&from=2023-07&to=2023-07");
        var outside = items.GetProperty("byAmount").EnumerateArray().Single(r => r.Str("code") == "ZZTEST01");
        Assert.Equal(2000m, outside.Dec("amount"));
        Assert.Equal(1m, outside.Dec("selfPayRate")); // out of catalogue: all of it is self-paid

        var (rs, _, rt) = await op.PostJson("/api/settlements/AGG-1/reversal", new { reason = "测试冲销" });
        Assert.True(rs == HttpStatusCode.OK, rt);
        var (_, after, _) = await op.GetJson("/api/insights/dashboard?region=fuyang&year=2023");
        var julyAfter = Month(after, "2023-07");
        Assert.Equal(0, julyAfter.GetProperty("bills").GetInt64());
        Assert.Equal(0m, julyAfter.Dec("total"));
        Assert.Equal(0m, julyAfter.Dec("assistance"));
        var (_, itemsAfter, _) = await op.GetJson("/api/insights/rankings?dimension=item&kind=consumable&region=fuyang&from=2023-07&to=2023-07");
        Assert.DoesNotContain(itemsAfter.GetProperty("byAmount").EnumerateArray(), r => r.Str("code") == "ZZTEST01" && r.Dec("amount") != 0m);
        var (_, dx, _) = await op.GetJson("/api/insights/rankings?dimension=diagnosis&region=fuyang&from=2023-07&to=2023-07");
        Assert.All(dx.GetProperty("byCount").EnumerateArray().Where(r => r.Str("code") == "J18.900"), r => Assert.Equal(0, r.GetProperty("count").GetInt64()));
    }

    [DbFact]
    public async Task The_dashboard_shows_the_plans_targets_from_their_files_against_the_figures()
    {
        var op = await fx.As("operator");
        var (_, d, _) = await op.GetJson("/api/insights/dashboard?region=fuyang&year=2023");
        var targets = d.GetProperty("targets").EnumerateArray().ToList();
        Assert.Contains(targets, t => t.Str("measure") == "coverage_rate" && t.Str("comparison") == "at_least" && t.Dec("value") == 0.85m && t.Str("cite").Contains("一.2"));
        Assert.Contains(targets, t => t.Str("measure") == "burden_rate" && t.Str("comparison") == "at_most" && t.Dec("value") == 0.15m);
        Assert.Contains(targets, t => t.Str("measure") == "institution_self_pay_rate" && t.Dec("value") == 0.10m && t.Str("cite").Contains("二.2"));
        var (_, j, _) = await op.GetJson("/api/insights/dashboard?region=jiande&year=2023");
        var jt = Assert.Single(j.GetProperty("targets").EnumerateArray());
        Assert.Equal(0.90m, jt.Dec("value"));
    }

    [DbFact]
    public async Task A_department_cannot_read_the_dashboard()
    {
        var dept = await fx.As("veterans");
        var r = await dept.GetAsync("/api/insights/dashboard?region=fuyang&year=2023");
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
    }

    [DbFact]
    public async Task The_policy_browser_finds_the_clause_a_trace_step_cites_and_marks_clauses_in_force()
    {
        var op = await fx.As("auditor");
        var (s, clause, t) = await op.GetJson("/api/policy-browser/lookup?rule=" + Uri.EscapeDataString("富政办〔2022〕21号 二.3（救助比例与限额）"));
        Assert.True(s == HttpStatusCode.OK, t);
        Assert.Equal("fuyang-2023", clause.Str("policy"));
        var (_, doc, _) = await op.GetJson("/api/policy-browser/documents/fuyang-2023?date=2022-06-01");
        var c = doc.GetProperty("clauses")[clause.GetProperty("index").GetInt32()];
        Assert.Equal("二.3（救助比例与限额）", c.Str("cite"));
        Assert.Contains("持有者救助80%", c.Str("text"));
        Assert.Contains(c.GetProperty("settings").EnumerateArray(), p => p.Str("key").StartsWith("assistance.inpatient.ratio", StringComparison.Ordinal));
        // Special assistance starts with the document on 2023-02-10 (I-18): not in force on 2022-06-01.
        var special = doc.GetProperty("clauses").EnumerateArray().First(x => x.Str("cite").StartsWith("二.4（特殊救助）", StringComparison.Ordinal));
        Assert.False(special.GetProperty("inForce").GetBoolean());
        var (bad, _, _) = await op.GetJson("/api/policy-browser/documents/fuyang-2023?date=2022-02-30");
        Assert.Equal(HttpStatusCode.BadRequest, bad);
    }

    [DbFact]
    public async Task Exports_and_map_uploads_refuse_bad_input_with_its_place()
    {
        var op = await fx.As("operator");
        var (s, body, _) = await op.PostJson("/api/exports/xlsx", new { sheet = "表", columns = new[] { "名称" }, rows = new object[] { new object[] { "好" }, new object[] { "坏\u0001" } } });
        Assert.Equal(HttpStatusCode.BadRequest, s);
        Assert.True(body.GetProperty("errors").TryGetProperty("rows[1][0]", out _));
        // A field the declared body (XlsxExportRequest) does not have is refused when the body is read, like in every body.
        var (xs, extra, _) = await op.PostJson("/api/exports/xlsx", new { sheet = "表", columns = new[] { "名称" }, rows = new object[] { new object[] { "好" } }, extra = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, xs);
        Assert.True(extra.GetProperty("errors").TryGetProperty("extra", out _));
        var ok = await op.PostAsync("/api/exports/xlsx", JsonContent("""{"sheet":"排名","columns":["名称","金额"],"rows":[["阿莫西林",1234.5]]}"""));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("PK"u8.ToArray(), (await ok.Content.ReadAsByteArrayAsync())[..2]);

        var admin = await fx.As("admin");
        var map = await admin.PutAsync("/api/insights/maps/fuyang", JsonContent("""{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[0,0]}}]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, map.StatusCode);
        var problem = JsonDocument.Parse(await map.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.True(problem.TryGetProperty("features[0].properties.name", out _));
        Assert.True(problem.TryGetProperty("features[0].geometry.type", out _));
        var forbidden = await op.PutAsync("/api/insights/maps/fuyang", JsonContent("""{"type":"FeatureCollection","features":[]}"""));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}

public sealed class InsightTestsSqlite(SqliteFixture fx) : InsightTests(fx), IClassFixture<SqliteFixture>;
public sealed class InsightTestsPostgres(PostgresFixture fx) : InsightTests(fx), IClassFixture<PostgresFixture>, IPostgresTests;
