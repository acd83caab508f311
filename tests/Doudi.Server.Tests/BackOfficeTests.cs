using System.Net;
using Doudi.Server.Tests.Infrastructure;

namespace Doudi.Server.Tests;

/// <summary>Bulk import of settlement records, year summaries and the year-end run, plus the service conventions.</summary>
public abstract class BackOfficeTests(ServerFixture fx)
{
    private async Task<long> SettlementCount() =>
        Convert.ToInt64(await fx.Db.ReadAsync(c => Doudi.Server.Storage.Sql.ScalarAsync(c, "SELECT COUNT(*) FROM settlements", null)));

    [DbFact]
    public async Task Bulk_import_settles_good_rows_reports_bad_rows_and_a_resend_adds_nothing()
    {
        var p = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var tag = Guid.NewGuid().ToString("N")[..6];
        // national names; row 3 has a broken amount and row 4 an unknown person
        var csv = "setl_id,psn_no,setl_time,med_type,insutype,medfee_sumamt,inscp_scp_amt,hifp_pay,hifmi_pay\n" +
                  $"{tag}-1,{p},2023-03-01 09:00:00,21,390,12000,10000,6000,0\n" +
                  $"{tag}-2,{p},2023-03-02 09:00:00,11,390,500,400,200,0\n" +
                  $"{tag}-3,{p},2023-03-03 09:00:00,21,390,abc,10000,6000,0\n" +
                  $"{tag}-4,NOBODY,2023-03-04 09:00:00,21,390,12000,10000,6000,0\n";
        var op = await fx.As("operator");
        var (status, report, text) = await op.PostRaw("/api/settlement-imports", csv, "text/csv");
        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Equal(4, report.GetProperty("rows").GetInt64());
        Assert.Equal(2, report.GetProperty("settled").GetInt64());
        Assert.Equal(2, report.GetProperty("rejected").GetInt64());
        var errors = report.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(3, errors[0].GetProperty("row").GetInt64());
        Assert.Equal(4, errors[0].GetProperty("line").GetInt64());
        Assert.True(errors[0].GetProperty("errors").TryGetProperty("medfee_sumamt", out _), text);
        Assert.True(errors[1].GetProperty("errors").TryGetProperty("psn_no", out _), text);

        // inpatient: base 10000 − 6000 = 4000 → 80% = 3200; outpatient: base 400 − 200 = 200 → 80% = 160 (二.3, same ratio)
        var (_, summary, _) = await op.GetJson($"/api/persons/{p}/years/2023");
        Assert.Equal(3360m, summary.Dec("assistance"));

        var (gs, stored, gt) = await op.GetJson($"/api/settlement-imports/{report.Str("id")}");
        Assert.True(gs == HttpStatusCode.OK, gt);
        Assert.Equal(2, stored.GetProperty("errors").GetArrayLength());
        Assert.Equal(2, stored.GetProperty("settled").GetInt64());

        var before = await SettlementCount();
        var (s2, again, t2) = await op.PostRaw("/api/settlement-imports", csv, "text/csv");
        Assert.Equal(0, again.GetProperty("settled").GetInt64());
        Assert.Equal(2, again.GetProperty("replayed").GetInt64());
        Assert.Equal(before, await SettlementCount());
    }

    [DbFact]
    public async Task A_large_import_commits_in_chunks_and_keeps_annual_limits_across_them()
    {
        var persons = new List<string>();
        for (var i = 0; i < 5; i++) persons.Add(await People.RegisterAsync(fx, "fuyang", "subsistence", name: "批量" + i));
        var tag = Guid.NewGuid().ToString("N")[..6];
        // 2,500 rows (three chunks of 1,000), 500 bills per person, each base 10000 − 6000 = 4000 → 80% = 3200.
        // 500 × 3200 = 1,600,000 > the annual limit of 150,000 (富政办〔2022〕21号 二.3): each person gets exactly 150,000.
        var sb = new System.Text.StringBuilder();
        for (var n = 0; n < 2500; n++)
            sb.Append($"{{\"id\":\"{tag}-{n}\",\"person\":\"{persons[n % 5]}\",\"date\":\"2023-{1 + n % 12:D2}-{1 + n % 28:D2}\",\"kind\":\"inpatient\",\"total\":12000,\"inPolicy\":10000,\"basicPaid\":6000,\"criticalPaid\":0}}\n");
        var op = await fx.As("operator");
        var (status, report, text) = await op.PostRaw("/api/settlement-imports?format=jsonl", sb.ToString(), "application/x-ndjson");
        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Equal(2500, report.GetProperty("settled").GetInt64());
        foreach (var p in persons)
        {
            var (_, summary, _) = await op.GetJson($"/api/persons/{p}/years/2023");
            Assert.Equal(150000m, summary.Dec("assistance"));
        }
    }

    [DbFact]
    public async Task All_or_nothing_and_dry_run_store_nothing()
    {
        var p = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var tag = Guid.NewGuid().ToString("N")[..6];
        var jsonl =
            $"{{\"id\":\"{tag}-1\",\"person\":\"{p}\",\"date\":\"2023-05-01\",\"kind\":\"inpatient\",\"total\":12000,\"inPolicy\":10000,\"basicPaid\":6000,\"criticalPaid\":0}}\n" +
            $"{{\"id\":\"{tag}-2\",\"person\":\"{p}\",\"date\":\"2023-05-02\",\"kind\":\"inpatient\",\"total\":12000,\"inPolicy\":10000,\"basicPaid\":6000,\"criticalPaid\":0}}\n" +
            "{\"id\": broken\n";
        var op = await fx.As("operator");
        var before = await SettlementCount();
        var (status, report, text) = await op.PostRaw("/api/settlement-imports?mode=all_or_nothing", jsonl, "application/x-ndjson");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.False(report.GetProperty("committed").GetBoolean());
        Assert.Equal(1, report.GetProperty("rejected").GetInt64());
        Assert.Equal(before, await SettlementCount());

        var good = string.Join("\n", jsonl.Split('\n').Take(2));
        var (s2, dry, t2) = await op.PostRaw("/api/settlement-imports?dryRun=true", good, "application/x-ndjson");
        Assert.True(s2 == HttpStatusCode.OK, t2);
        Assert.Equal(0, dry.GetProperty("rejected").GetInt64());
        Assert.False(dry.GetProperty("committed").GetBoolean());
        Assert.Equal(before, await SettlementCount());
    }

    [DbFact]
    public async Task The_year_end_run_pays_fuyang_special_assistance_and_the_50000_cap()
    {
        var p1 = await People.RegisterAsync(fx, "fuyang", "subsistence", name: "钱多");
        var p2 = await People.RegisterAsync(fx, "fuyang", "marginal", name: "孙少");
        var op = await fx.As("operator");
        var tag = Guid.NewGuid().ToString("N")[..6];
        // p1: base 100000 − 60000 = 40000 → 80% = 32000; reasonable burden = 100000 − 60000 − 32000 = 8000 ≥ 5000 (I-8)
        //     → special assistance 50% × 8000 = 4000 (富政办〔2022〕21号 二.4); burden left 4000 ≤ 50000 → no cap relief.
        Assert.Equal(HttpStatusCode.Created, (await op.PostJson("/api/settlements", new { id = tag + "-1", person = p1, date = "2023-07-01", kind = "inpatient", total = 100000, inPolicy = 100000, basicPaid = 60000, criticalPaid = 0 })).Status);
        // p2 (marginal 70%): base 400000 − 100000 = 300000 → 70% = 210000, annual limit 150000 → 150000;
        //     reasonable burden = 400000 − 100000 − 150000 = 150000 → special 50% × 150000 = 75000 (limit 100000);
        //     left 150000 − 75000 = 75000 > 50000 → cap relief 25000 (二.4 "2023年暂按…不超过5万元").
        Assert.Equal(HttpStatusCode.Created, (await op.PostJson("/api/settlements", new { id = tag + "-2", person = p2, date = "2023-08-01", kind = "inpatient", total = 400000, inPolicy = 400000, basicPaid = 100000, criticalPaid = 0 })).Status);

        var (status, run, text) = await op.PostJson("/api/year-end-runs", new { region = "fuyang", year = 2023 });
        Assert.True(status == HttpStatusCode.Created, text);
        var persons = run.GetProperty("persons").EnumerateArray().ToDictionary(x => x.Str("id"));
        Assert.Equal(4000m, persons[p1].Dec("specialAssistance"));
        Assert.Equal(0m, persons[p1].Dec("capRelief"));
        Assert.Equal(75000m, persons[p2].Dec("specialAssistance"));
        Assert.Equal(25000m, persons[p2].Dec("capRelief"));
        Assert.NotEmpty(persons[p2].GetProperty("trace").EnumerateArray());

        var (_, summary, _) = await op.GetJson($"/api/persons/{p2}/years/2023");
        Assert.Equal(run.Str("id"), summary.Str("yearEndRun"));
        Assert.Equal(25000m, summary.GetProperty("yearEnd").Dec("capRelief"));
        var household = summary.Str("household");
        var (hs, hh, ht) = await (await fx.As("charity")).GetJson($"/api/households/{household}/years/2023");
        Assert.True(hs == HttpStatusCode.OK, ht);
        Assert.Equal(150000m, hh.Dec("assistance"));
        Assert.Contains("**********", hh.GetProperty("members")[0].Str("idNumber"));
    }

    [DbFact]
    public async Task The_year_end_run_pays_a_jiande_household_above_its_line()
    {
        var household = "JD-" + Guid.NewGuid().ToString("N")[..8];
        var a = await People.RegisterAsync(fx, "jiande", "subsistence", recognized: "2022-03-01", name: "叶平", household: household);
        var b = await People.RegisterAsync(fx, "jiande", null, name: "叶小燕", household: household);
        var op = await fx.As("operator");
        var tag = Guid.NewGuid().ToString("N")[..6];
        // Jiande bills arrive with assistance already paid upstream. Personal burden (I-14):
        // a: 100000 − basic 40000 − assistance 20000 = 40000; b: 30000 − 20000 − 0 = 10000 → household 50000, nothing on the negative list.
        foreach (var (id, person, total, basic, paid) in new[] { ($"{tag}-a", a, 100000m, 40000m, 20000m), ($"{tag}-b", b, 30000m, 20000m, 0m) })
        {
            var (s, _, t) = await op.PostJson("/api/settlements", new { id, person, date = "2023-06-01", kind = "inpatient", total, inPolicy = total, basicPaid = basic, criticalPaid = 0, assistancePaid = paid });
            Assert.True(s == HttpStatusCode.Created, t);
        }
        // The household holds subsistence on 31 Dec 2023 (I-13): line 30000 (建政办函〔2024〕4号 二.3) → relief 50000 − 30000 = 20000.
        var (status, run, text) = await op.PostJson("/api/year-end-runs", new { region = "jiande", year = 2023 });
        Assert.True(status == HttpStatusCode.Created, text);
        var hh = run.GetProperty("households").EnumerateArray().Single(x => x.Str("id") == household);
        Assert.Equal(50000m, hh.Dec("reasonableBurden"));
        Assert.Equal(20000m, hh.Dec("capRelief"));

        var (_, summary, _) = await (await fx.As("charity")).GetJson($"/api/households/{household}/years/2023");
        Assert.Equal(20000m, summary.GetProperty("yearEnd").Dec("capRelief"));
        Assert.Equal(2, summary.GetProperty("members").GetArrayLength());
    }

    [DbFact]
    public async Task Health_readiness_openapi_and_paging()
    {
        var anon = fx.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await anon.GetAsync("/health")).StatusCode);
        var (status, ready, text) = await anon.GetJson("/ready");
        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Equal("ready", ready.Str("status"));
        var (os, openapi, _) = await anon.GetJson("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, os);
        Assert.True(openapi.GetProperty("paths").TryGetProperty("/api/settlements", out _));

        for (var i = 0; i < 3; i++) await People.RegisterAsync(fx, "pengshui", null, name: "分页" + i);
        var op = await fx.As("operator");
        var (_, page, _) = await op.GetJson("/api/persons?region=pengshui&pageSize=2&page=1");
        Assert.Equal(2, page.GetProperty("items").GetArrayLength());
        Assert.True(page.GetProperty("total").GetInt64() >= 3);
        Assert.Equal(1, page.GetProperty("page").GetInt32());
        var (bad, problem, _) = await op.GetJson("/api/persons?pageSize=0");
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.True(problem.GetProperty("errors").TryGetProperty("pageSize", out _));
    }
}

public sealed class BackOfficeTestsSqlite(SqliteFixture fx) : BackOfficeTests(fx), IClassFixture<SqliteFixture>;
public sealed class BackOfficeTestsPostgres(PostgresFixture fx) : BackOfficeTests(fx), IClassFixture<PostgresFixture>, IPostgresTests;
