using System.Net;
using Doudi.Server.Tests.Infrastructure;

namespace Doudi.Server.Tests.Prevention;

/// <summary>Retroactive assistance (I-15), post-hoc applications (温政办〔2020〕78号 第二十二条), statistics that unblock a rule.</summary>
public abstract class PreventionProcessTests(ServerFixture fx)
{
    [DbFact]
    public async Task An_identity_for_medical_spending_pays_back_its_look_back_window_once()
    {
        fx.At("2023-08-20T10:00:00");
        var op = await fx.As("operator");
        var p = await People.RegisterAsync(fx, "fuyang", null, name: "回溯甲");
        var tag = PreventionHelpers.Tag();
        // No identity yet: insurance only, assistance 0.
        Assert.Equal(0m, (await fx.Settle(new { id = tag + "-0", person = p, date = "2023-02-14", kind = "inpatient", total = 10000, inPolicy = 10000, basicPaid = 6000, criticalPaid = 0 })).Dec("assistance"));
        Assert.Equal(0m, (await fx.Settle(new { id = tag + "-1", person = p, date = "2023-03-01", kind = "inpatient", total = 10000, inPolicy = 10000, basicPaid = 6000, criticalPaid = 0 })).Dec("assistance"));

        // 富政办〔2022〕21号 二.3: 低保 for medical spending recognised 2023-08-15 → effective 2023-09-01 (I-1); window
        // 2023-02-15 .. 2023-08-31 (I-15). b1: base 10000 − 6000 = 4000 → 0.80 × 4000 = 3200 paid back; b0 is before the window.
        var (s, _, t) = await op.PostJson($"/api/persons/{p}/identities", new { category = "subsistence", department = "civil_affairs", recognized = "2023-08-15", forMedicalSpending = true });
        Assert.True(s == HttpStatusCode.Created, t);
        var (_, sup, _) = await op.GetJson($"/api/supplementary-payments?person={p}");
        var item = Assert.Single(sup.GetProperty("items").EnumerateArray());
        Assert.Equal(tag + "-1", item.Str("billId"));
        Assert.Equal(3200m, item.Dec("difference"));
        Assert.Contains(item.GetProperty("trace").EnumerateArray(), x => x.GetString()!.Contains("I-15") && x.GetString()!.Contains("富政办〔2022〕21号"));
        // The bill now counts with its new result: monitoring's in-policy burden (二.1) = b0 (10000 − 6000) 4000
        // + b1 (10000 − 6000 − 3200) 800 = 4800, and the 3200 counts against the person's annual limit.
        var (_, eval, _) = await op.GetJson($"/api/monitoring/persons/{p}/years/2023");
        Assert.Equal(4800m, eval.GetProperty("totals").Dec("inPolicyPersonalBurden"));
        var (_, year, _) = await op.GetJson($"/api/persons/{p}/years/2023");
        Assert.Contains(year.GetProperty("counted").EnumerateObject(), b => b.Value.GetDecimal() == 3200m);
        // Running the window again pays nothing more.
        var identityId = item.GetProperty("identityId").GetInt64();
        var (rs, again, rt) = await op.PostJson($"/api/persons/{p}/identities/{identityId}/retroactive", new { });
        Assert.True(rs == HttpStatusCode.OK, rt);
        Assert.Equal(0m, again.Dec("total"));
        // Posted to the medical assistance fund.
        var (_, books, _) = await op.GetJson("/api/funds/fuyang/medical_assistance");
        Assert.Contains(books.GetProperty("entries").EnumerateArray(), e => e.Dec("amount") == 3200m && e.Str("kind") == "payment");

        // The same through a civil-affairs name list (one row, 因病纳入 = true): the import pays back in its own transaction.
        var q = await People.RegisterAsync(fx, "fuyang", null, name: "回溯乙");
        var idNumber = (await op.GetJson($"/api/persons/{q}")).Body.Str("idNumber");
        await fx.Settle(new { id = tag + "-q", person = q, date = "2023-06-01", kind = "inpatient", total = 5000, inPolicy = 5000, basicPaid = 3000, criticalPaid = 0 });
        var list = new { rows = new[] { new { idNumber, name = "回溯乙", category = "marginal", recognized = "2023-08-10", forMedicalSpending = true } } };
        var (ns, _, nt) = await (await fx.As("civil")).PostJson("/api/name-lists?month=2023-08&region=fuyang&mode=changes", list);
        Assert.True(ns == HttpStatusCode.Created, nt);
        // 低边 70% (二.3): base 5000 − 3000 = 2000 → 1400.
        var q1 = Assert.Single((await op.GetJson($"/api/supplementary-payments?person={q}")).Body.GetProperty("items").EnumerateArray());
        Assert.Equal(1400m, q1.Dec("difference"));
        Assert.StartsWith("name_list:", q1.Str("origin"));
    }

    [DbFact]
    public async Task Post_hoc_application_checklist_reviews_payment_and_the_applicants_view()
    {
        fx.At("2023-03-01T09:00:00");
        var op = await fx.As("operator");
        var p = await People.RegisterAsync(fx, "wenzhou", "subsistence", recognized: "2019-01-01", name: "事后甲");
        var idNumber = (await op.GetJson($"/api/persons/{p}")).Body.Str("idNumber");
        var civil = await fx.As("civil");
        var (s, app, t) = await civil.PostJson("/api/posthoc-applications", new
        {
            person = p, township = "鹿城区五马街道", claimedAmount = 1500,
            documents = new[] { "id_card", "social_security_card", "medical_invoice", "discharge_record" },
        });
        Assert.True(s == HttpStatusCode.Created, t);
        var id = app.Str("id");
        Assert.Equal(["itemised_bill"], app.GetProperty("missingDocuments").EnumerateArray().Select(x => x.GetString()));

        async Task<System.Text.Json.JsonElement> Step(HttpClient c, string path, object body)
        {
            var (st, b, tt) = await c.PostJson($"/api/posthoc-applications/{id}/{path}", body);
            Assert.True(st == HttpStatusCode.OK, tt);
            return b;
        }
        // Township review of an incomplete file returns it; the applicant is told what to bring, without an account.
        Assert.Equal("returned_for_documents", (await Step(civil, "township-review", new { materialTrue = true, eligible = true })).Str("state"));
        var anon = fx.Anonymous();
        var (vs, view, vt) = await anon.GetJson($"/api/posthoc-applications/{id}/status?idNumber={idNumber}");
        Assert.True(vs == HttpStatusCode.OK, vt);
        Assert.Contains("医疗明细清单", view.Str("status"));
        Assert.Equal(HttpStatusCode.NotFound, (await anon.GetAsync($"/api/posthoc-applications/{id}/status?idNumber=330183195001010011")).StatusCode);

        await Step(civil, "supplement", new { documents = new[] { "itemised_bill" } });
        Assert.Equal("township_approved", (await Step(civil, "township-review", new { materialTrue = true, eligible = true })).Str("state"));
        // County review without a reason for rejecting is refused; approval sets the amount.
        Assert.Equal(HttpStatusCode.BadRequest, (await op.PostJson($"/api/posthoc-applications/{id}/county-review", new { approve = false })).Status);
        Assert.Equal("county_approved", (await Step(op, "county-review", new { approve = true, amount = 1200 })).Str("state"));
        // Paying twice is refused by the process (paid → paid is no transition).
        Assert.Equal("paid", (await Step(op, "payment", new { reference = "温州医保 2023-031" })).Str("state"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await op.PostJson($"/api/posthoc-applications/{id}/payment", new { reference = "again" })).Status);
        var (_, paid, _) = await anon.GetJson($"/api/posthoc-applications/{id}/status?idNumber={idNumber}");
        Assert.Equal("救助金 1200.00 元已支付。", paid.Str("status"));
        Assert.Equal(1200m, (await op.GetJson("/api/funds/wenzhou/medical_assistance")).Body.Dec("payments"));
        // The application follows wenzhou's clause from policies/posthoc/; a region whose files set no post-hoc assistance takes none.
        Assert.Equal("温政办〔2020〕78号 第二十二条", app.Str("cite"));
        var (cs, checklist, _) = await anon.GetJson("/api/posthoc-applications/checklist?region=wenzhou&date=2023-03-01");
        Assert.Equal((HttpStatusCode.OK, 5, "wenzhou-2020"), (cs, checklist.GetProperty("documents").GetArrayLength(), checklist.Str("policy")));
        // Without a region: the one region with post-hoc assistance that day; after wenzhou-2020 expired it is carried forward
        // under wenzhou-2022 (P-2) to 2025-12-31; after that, none (an empty list).
        Assert.Equal("wenzhou", (await anon.GetJson("/api/posthoc-applications/checklist")).Body.Str("region"));
        Assert.Equal("wenzhou-2022", (await anon.GetJson("/api/posthoc-applications/checklist?date=2024-01-01")).Body.Str("policy"));
        Assert.Equal(0, (await anon.GetJson("/api/posthoc-applications/checklist?date=2026-01-01")).Body.GetProperty("documents").GetArrayLength());
        var elsewhere = await People.RegisterAsync(fx, "pengshui", "subsistence", recognized: "2019-01-01", name: "事后乙");
        var (ns, np, _) = await civil.PostJson("/api/posthoc-applications", new { person = elsewhere, township = "汉葭街道", claimedAmount = 800, documents = new[] { "id_card" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, ns);
        Assert.EndsWith("no_posthoc_rule", np.Str("type"));
        // A department may not handle post-hoc applications.
        Assert.Equal(HttpStatusCode.Forbidden, (await (await fx.As("veterans")).GetAsync($"/api/posthoc-applications/{id}")).StatusCode);
    }

    [DbFact]
    public async Task A_missing_statistic_is_a_named_problem_until_the_published_figure_is_entered()
    {
        fx.At("2023-09-01T09:00:00");
        var op = await fx.As("operator");
        // A resident who is not an assistance object: 富政办〔2022〕21号 二.1 三是 compares with 60% of last year's rural net income.
        var p = await People.RegisterAsync(fx, "fuyang", null, name: "居民丙");
        var tag = PreventionHelpers.Tag();
        // personal burden = 50000 − 20000 = 30000 (no assistance).
        await fx.Settle(new { id = tag, person = p, date = "2023-08-01", kind = "inpatient", total = 50000, inPolicy = 40000, basicPaid = 20000, criticalPaid = 0 });
        var (_, scan, _) = await op.PostJson("/api/monitoring/scans", new { region = "fuyang", year = 2023 });
        var problem = Assert.Single(scan.GetProperty("problems").EnumerateArray());
        Assert.Equal("statistic_missing", problem.Str("code"));
        Assert.Contains("fuyang 2022 年 农村居民人均纯收入", problem.Str("message"));
        Assert.Empty((await op.GetJson($"/api/risk-pool?person={p}")).Body.GetProperty("items").EnumerateArray());
        var (_, eval, _) = await op.GetJson($"/api/monitoring/persons/{p}/years/2023");
        Assert.Equal(30000m, eval.GetProperty("totals").Dec("personalBurden"));
        Assert.Equal("statistic_missing", eval.GetProperty("problems")[0].Str("code"));

        // The administrator enters the published figure with its source (a sample value in this test): 60% × 40000 = 24000 < 30000.
        var (ss, _, st) = await (await fx.As("admin")).PutJson("/api/monitoring/statistics",
            new { region = "fuyang", year = 2022, statistic = "rural_net_income", value = 40000, source = "测试用示例值 sample value for the test" });
        Assert.True(ss == HttpStatusCode.OK, st);
        var (_, scan2, _) = await op.PostJson("/api/monitoring/scans", new { region = "fuyang", year = 2023 });
        Assert.Empty(scan2.GetProperty("problems").EnumerateArray());
        var w = Assert.Single((await op.GetJson($"/api/risk-pool?person={p}")).Body.GetProperty("items").EnumerateArray());
        Assert.Equal("resident_burden", w.Str("rule"));
        Assert.Equal(24000m, w.Dec("threshold"));
        Assert.Contains("测试用示例值", w.Str("thresholdBasis"));
    }
}

public sealed class PreventionProcessTestsSqlite(SqliteFixture fx) : PreventionProcessTests(fx), IClassFixture<SqliteFixture>;
public sealed class PreventionProcessTestsPostgres(PostgresFixture fx) : PreventionProcessTests(fx), IClassFixture<PostgresFixture>, IPostgresTests;
