using System.Net;
using System.Text.Json;
using Doudi.Server.Tests.Infrastructure;

namespace Doudi.Server.Tests;

/// <summary>
/// One-stop settlement over HTTP. Expected amounts are computed by hand from the seed text:
/// fuyang-2023 = 富政办〔2022〕21号 二.3 — base = in-policy − basic − critical − supplementary; subsistence 80%;
/// annual limit 150,000 per person.
/// </summary>
public abstract class SettlementTests(ServerFixture fx)
{
    private static object FuyangBill(string id, string person, decimal total = 12000, decimal inPolicy = 10000, decimal basic = 6000, string date = "2023-04-01") => new
    {
        id, person, date, kind = "inpatient", total, inPolicy, basicPaid = basic, criticalPaid = 0, supplementaryPaid = 0, hospitalLevel = 3, referred = true,
    };

    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];

    [DbFact]
    public async Task Fuyang_subsistence_inpatient_is_80_percent_of_the_base_with_trace()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var op = await fx.As("operator");
        var id = NewId("b");
        var (status, body, text) = await op.PostJson("/api/settlements", FuyangBill(id, person));
        Assert.True(status == HttpStatusCode.Created, text);
        // base = inPolicy 10000 − basic 6000 = 4000; 80% × 4000 = 3200 (富政办〔2022〕21号 二.3)
        Assert.Equal(4000m, body.Dec("assistanceBase"));
        Assert.Equal(3200m, body.Dec("assistance"));
        Assert.Equal(3200m, body.Dec("maf_pay"));
        // personal burden (I-14) = total 12000 − 6000 − 3200 = 2800
        Assert.Equal(2800m, body.Dec("personalBurden"));
        Assert.Equal("fuyang-2023", body.Str("policy"));
        Assert.Equal("subsistence", body.Str("category"));
        Assert.Equal("settled", body.Str("status"));
        Assert.Contains(body.GetProperty("trace").EnumerateArray(), t => t.Str("step") == "assistance" && t.Dec("amount") == 3200m && t.Str("rule").Contains("富政办〔2022〕21号"));
    }

    [DbFact]
    public async Task National_platform_field_names_settle_the_same_bill()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var op = await fx.As("operator");
        var setl = NewId("S");
        var (status, body, text) = await op.PostJson("/api/settlements", new Dictionary<string, object?>
        {
            ["setl_id"] = setl, ["psn_no"] = person, ["setl_time"] = "2023-04-01 10:22:33", ["med_type"] = "21", ["insutype"] = "390",
            ["medfee_sumamt"] = 12000, ["fulamt_ownpay_amt"] = 2000, ["inscp_scp_amt"] = 10000, ["hifp_pay"] = 5000, ["hifob_pay"] = 1000,
            ["hifmi_pay"] = 0, ["oth_pay"] = 0, ["hospitalLevel"] = 3, ["psn_name"] = "张三", ["fixmedins_code"] = "H33018300001",
        });
        Assert.True(status == HttpStatusCode.Created, text);
        // basicPaid = hifp_pay 5000 + hifob_pay 1000 = 6000; base = 10000 − 6000 = 4000; 80% = 3200
        Assert.Equal(setl, body.Str("id"));
        Assert.Equal(3200m, body.Dec("maf_pay"));
    }

    [DbFact]
    public async Task A_retry_returns_the_stored_answer_and_counts_once()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var op = await fx.As("operator");
        var id = NewId("b");
        var first = await op.PostJson("/api/settlements", FuyangBill(id, person));
        var second = await op.PostJson("/api/settlements", FuyangBill(id, person));
        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(first.Text, second.Text);

        var (sumStatus, summary, sumText) = await op.GetJson($"/api/persons/{person}/years/2023");
        Assert.True(sumStatus == HttpStatusCode.OK, sumText);
        Assert.Equal(3200m, summary.Dec("assistance"));
        Assert.Equal(1, summary.GetProperty("bills").GetArrayLength());
    }

    [DbFact]
    public async Task Retries_racing_each_other_store_one_settlement()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var (hospital, _) = await fx.HospitalAsync("富阳区妇幼保健院");
        var id = NewId("race");
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => hospital.PostJson("/api/settlements", FuyangBill(id, person))));
        Assert.Single(results, r => r.Status == HttpStatusCode.Created);
        Assert.Equal(5, results.Count(r => r.Status == HttpStatusCode.OK));
        Assert.Single(results.Select(r => r.Text).Distinct());
        var op = await fx.As("operator");
        var (_, summary, _) = await op.GetJson($"/api/persons/{person}/years/2023");
        Assert.Equal(3200m, summary.Dec("assistance")); // 80% × (10000 − 6000), once
    }

    [DbFact]
    public async Task The_same_id_with_a_different_bill_is_a_conflict_and_changes_nothing()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var op = await fx.As("operator");
        var id = NewId("b");
        Assert.Equal(HttpStatusCode.Created, (await op.PostJson("/api/settlements", FuyangBill(id, person))).Status);
        var (status, body, _) = await op.PostJson("/api/settlements", FuyangBill(id, person, inPolicy: 11000));
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("application/problem+json", (await op.PostAsync("/api/settlements", JsonContent(FuyangBill(id, person, inPolicy: 11000)))).Content.Headers.ContentType?.MediaType);
        var (_, stored, _) = await op.GetJson($"/api/settlements/{id}");
        Assert.Equal(3200m, stored.Dec("assistance"));
    }

    private static StringContent JsonContent(object o) => new(JsonSerializer.Serialize(o), System.Text.Encoding.UTF8, "application/json");

    [DbFact]
    public async Task Bad_bills_get_a_problem_naming_each_field_and_nothing_is_stored()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var op = await fx.As("operator");
        var id = NewId("b");
        var r = await op.PostAsync("/api/settlements", JsonContent(new
        {
            id, person, date = "2023-02-30", kind = "surgery", total = -5, inPolicy = "abc", basicPaid = 1.234, criticalPaid = 0, colour = "red",
        }));
        var (status, body, text) = await Http.Read(r);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        var errors = body.GetProperty("errors");
        foreach (var field in new[] { "date", "kind", "total", "inPolicy", "basicPaid", "colour" })
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {text}");
        Assert.Equal(HttpStatusCode.NotFound, (await op.GetAsync($"/api/settlements/{id}")).StatusCode);

        // inPolicy > total and basic + critical > inPolicy, with English text on request
        op.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        try
        {
            var (s2, b2, t2) = await op.PostJson("/api/settlements", new { id, person, date = "2023-04-01", kind = "inpatient", total = 100, inPolicy = 200, basicPaid = 150, criticalPaid = 100 });
            Assert.Equal(HttpStatusCode.BadRequest, s2);
            Assert.Contains("inPolicy exceeds total", b2.GetProperty("errors").GetProperty("inPolicy")[0].GetString());
            Assert.True(b2.GetProperty("errors").TryGetProperty("criticalPaid", out _), t2); // basic 150 + critical 100 > inPolicy 200, named at criticalPaid as doudi settle names it
        }
        finally { op.DefaultRequestHeaders.AcceptLanguage.Clear(); }

        var (s3, b3, t3) = await op.PostJson("/api/settlements", FuyangBill(id, "P-NO-SUCH-PERSON"));
        Assert.Equal(HttpStatusCode.BadRequest, s3);
        Assert.True(b3.GetProperty("errors").TryGetProperty("person", out _), t3);
        Assert.Equal(HttpStatusCode.NotFound, (await op.GetAsync($"/api/settlements/{id}")).StatusCode);

        var broken = await Http.Read(await op.PostAsync("/api/settlements", new StringContent("{\"id\": \"x\", ", System.Text.Encoding.UTF8, "application/json")));
        Assert.Equal(HttpStatusCode.BadRequest, broken.Status);
    }

    [DbFact]
    public async Task A_bill_dated_where_no_policy_is_in_force_is_unprocessable()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence", recognized: "2010-01-01");
        var op = await fx.As("operator");
        var id = NewId("b");
        var (status, body, text) = await op.PostJson("/api/settlements", FuyangBill(id, person, date: "2015-06-01"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("date", out _), text);
        Assert.Equal(HttpStatusCode.NotFound, (await op.GetAsync($"/api/settlements/{id}")).StatusCode);

        // in the national naming the same problem names setl_time
        var (s2, b2, t2) = await op.PostJson("/api/settlements", new Dictionary<string, object?>
        {
            ["setl_id"] = id, ["psn_no"] = person, ["setl_time"] = "2015-06-01 09:00:00", ["med_type"] = "21", ["insutype"] = "390",
            ["medfee_sumamt"] = 12000, ["inscp_scp_amt"] = 10000, ["hifp_pay"] = 6000, ["hifmi_pay"] = 0,
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, s2);
        Assert.True(b2.GetProperty("errors").TryGetProperty("setl_time", out _), t2);
    }

    [DbFact]
    public async Task Reversal_restores_the_totals_and_is_recorded()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var op = await fx.As("operator");
        var id = NewId("b");
        Assert.Equal(HttpStatusCode.Created, (await op.PostJson("/api/settlements", FuyangBill(id, person))).Status);
        var (status, body, text) = await op.PostJson($"/api/settlements/{id}/reversal", new { reason = "医院重新结算" });
        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Equal("reversed", body.Str("status"));
        Assert.Equal("operator", body.GetProperty("reversal").Str("by"));
        Assert.Equal("医院重新结算", body.GetProperty("reversal").Str("reason"));

        var (_, summary, _) = await op.GetJson($"/api/persons/{person}/years/2023");
        Assert.Equal(0m, summary.Dec("assistance"));
        Assert.Empty(summary.GetProperty("counted").EnumerateObject());
        Assert.Equal(1, summary.GetProperty("bills").GetArrayLength()); // kept, marked reversed

        var again = await op.PostJson($"/api/settlements/{id}/reversal", new { reason = "重复" });
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal("医院重新结算", again.Body.GetProperty("reversal").Str("reason"));

        var admin = await fx.As("admin");
        var (_, audit, _) = await admin.GetJson($"/api/audit?entity=settlement&entityId={id}");
        var actions = audit.GetProperty("items").EnumerateArray().Select(e => e.Str("action")).ToList();
        Assert.Equal(["settle", "reverse"], actions);
    }

    [DbFact]
    public async Task Parallel_settlements_of_one_person_never_break_the_annual_limit()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var hospitalA = (await fx.HospitalAsync("富阳区第一人民医院")).Client;
        var hospitalB = (await fx.HospitalAsync("富阳区中医院")).Client;
        // Each bill: base = 50000 − 0 = 50000; 80% = 40000. Annual limit 150,000 (富政办〔2022〕21号 二.3):
        // whatever the order, the assistance of 8 bills adds up to exactly 150,000 (40000 × 3 + 30000), never more.
        var ids = Enumerable.Range(0, 8).Select(i => NewId($"par{i}-")).ToList();
        var tasks = ids.Select((id, i) => (i % 2 == 0 ? hospitalA : hospitalB)
            .PostJson("/api/settlements", FuyangBill(id, person, total: 50000, inPolicy: 50000, basic: 0, date: "2023-06-01"))).ToList();
        var results = await Task.WhenAll(tasks);
        Assert.All(results, r => Assert.True(r.Status == HttpStatusCode.Created, r.Text));
        var paid = results.Select(r => r.Body.Dec("assistance")).ToList();
        Assert.Equal(150000m, paid.Sum());
        Assert.Equal(3, paid.Count(p => p == 40000m));
        Assert.Equal(1, paid.Count(p => p == 30000m));
        Assert.Equal(4, paid.Count(p => p == 0m));

        var op = await fx.As("operator");
        var (_, summary, _) = await op.GetJson($"/api/persons/{person}/years/2023");
        Assert.Equal(150000m, summary.Dec("assistance"));
    }

    [DbFact]
    public async Task Identities_count_from_the_month_after_recognition()
    {
        // I-1: recognised 2023-04-10 → effective from 2023-05-01. A bill of 2023-04-20 finds no identity in force
        // (no assistance); the same bill on 2023-05-02 is assisted at 80% of 4000 = 3200 (富政办〔2022〕21号 二.3).
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence", recognized: "2023-04-10");
        var op = await fx.As("operator");
        var (s1, april, t1) = await op.PostJson("/api/settlements", FuyangBill(NewId("b"), person, date: "2023-04-20"));
        var (s2, may, t2) = await op.PostJson("/api/settlements", FuyangBill(NewId("b"), person, date: "2023-05-02"));
        Assert.True(s1 == HttpStatusCode.Created, t1);
        Assert.Equal(0m, april.Dec("assistance"));
        Assert.Equal(JsonValueKind.Null, april.GetProperty("category").ValueKind);
        Assert.True(s2 == HttpStatusCode.Created, t2);
        Assert.Equal(3200m, may.Dec("assistance"));
    }

    [DbFact]
    public async Task National_codes_outside_the_mapping_and_a_wrong_region_are_named()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var op = await fx.As("operator");
        var (status, body, text) = await op.PostJson("/api/settlements", new Dictionary<string, object?>
        {
            ["setl_id"] = NewId("S"), ["psn_no"] = person, ["setl_time"] = "2023-04-01", ["med_type"] = "99", ["insutype"] = "410",
            ["medfee_sumamt"] = 100, ["inscp_scp_amt"] = 100, ["hifp_pay"] = 50,
        });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("med_type", out _), text);
        Assert.True(body.GetProperty("errors").TryGetProperty("insutype", out _), text);

        var id = NewId("b");
        var wrong = new { id, person, region = "wenzhou", date = "2023-04-01", kind = "inpatient", total = 100, inPolicy = 100, basicPaid = 50, criticalPaid = 0 };
        var (s2, b2, t2) = await op.PostJson("/api/settlements", wrong);
        Assert.Equal(HttpStatusCode.BadRequest, s2);
        Assert.True(b2.GetProperty("errors").TryGetProperty("region", out _), t2);
        Assert.Equal(HttpStatusCode.NotFound, (await op.GetAsync($"/api/settlements/{id}")).StatusCode);
    }

    [DbFact]
    public async Task Hospitals_see_only_their_own_settlements()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var (a, _) = await fx.HospitalAsync("医院甲");
        var (b, _) = await fx.HospitalAsync("医院乙");
        var id = NewId("h");
        Assert.Equal(HttpStatusCode.Created, (await a.PostJson("/api/settlements", FuyangBill(id, person))).Status);
        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync($"/api/settlements/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync($"/api/settlements/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.PostJson($"/api/settlements/{id}/reversal", new { reason = "x" })).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await b.PostJson("/api/settlements", FuyangBill(id, person))).Status);
    }
}

public sealed class SettlementTestsSqlite(SqliteFixture fx) : SettlementTests(fx), IClassFixture<SqliteFixture>;
public sealed class SettlementTestsPostgres(PostgresFixture fx) : SettlementTests(fx), IClassFixture<PostgresFixture>, IPostgresTests;
