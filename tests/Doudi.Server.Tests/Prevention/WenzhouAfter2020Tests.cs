using System.Net;
using Doudi.Server.Tests.Infrastructure;

namespace Doudi.Server.Tests.Prevention;

/// <summary>
/// P-2 (policies/interpretations.yaml): 温政办〔2020〕78号 lapsed after 2023-11-30 (第三十三条: 3 years from
/// 2020-12-01); its post-hoc procedure (第二十二条) and fund disclosure (第十八条) are carried forward under
/// 温政办〔2021〕78号 (to 2025-12-31), citing the lapsed clause as carried forward. Each follows the policy in force on
/// its date: the filing day, the disclosure period's last day. Before: from 2023-12-01 wenzhou took no post-hoc
/// application (422 no_posthoc_rule) and its disclosure cited nothing.
/// </summary>
public abstract class WenzhouAfter2020Tests(ServerFixture fx)
{
    [DbFact]
    public async Task Post_hoc_assistance_follows_the_policy_in_force_on_the_filing_day()
    {
        var anon = fx.Anonymous();
        var (s1, last, t1) = await anon.GetJson("/api/posthoc-applications/checklist?region=wenzhou&date=2023-11-30");
        Assert.True(s1 == HttpStatusCode.OK, t1);
        Assert.Equal(("wenzhou-2020", "温政办〔2020〕78号 第二十二条", 5), (last.Str("policy"), last.Str("cite"), last.GetProperty("documents").GetArrayLength()));
        var (s2, next, t2) = await anon.GetJson("/api/posthoc-applications/checklist?region=wenzhou&date=2023-12-01");
        Assert.True(s2 == HttpStatusCode.OK, t2);
        Assert.Equal(("wenzhou-2022", 5), (next.Str("policy"), next.GetProperty("documents").GetArrayLength()));
        Assert.Contains("第二十二条", next.Str("cite"));
        Assert.Contains("延续适用", next.Str("cite"));
        Assert.Contains("P-2", next.Str("cite"));
        // The plan's last day and the day after it.
        Assert.Equal("wenzhou-2022", (await anon.GetJson("/api/posthoc-applications/checklist?region=wenzhou&date=2025-12-31")).Body.Str("policy"));
        var (s3, none, _) = await anon.GetJson("/api/posthoc-applications/checklist?region=wenzhou&date=2026-01-01");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, s3);
        Assert.EndsWith("no_posthoc_rule", none.Str("type"));

        // Filed on 2023-11-30 under 第二十二条; on 2023-12-01 under it carried forward.
        var civil = await fx.As("civil");
        var p = await People.RegisterAsync(fx, "wenzhou", "subsistence", recognized: "2019-01-01", name: "事后丙");
        fx.At("2023-11-30T16:00:00");
        var (a1, app1, at1) = await civil.PostJson("/api/posthoc-applications", new { person = p, township = "鹿城区五马街道", claimedAmount = 900, documents = new[] { "id_card" } });
        Assert.True(a1 == HttpStatusCode.Created, at1);
        Assert.Equal("温政办〔2020〕78号 第二十二条", app1.Str("cite"));
        fx.At("2023-12-01T09:00:00");
        var (a2, app2, at2) = await civil.PostJson("/api/posthoc-applications", new { person = p, township = "鹿城区五马街道", claimedAmount = 900, documents = new[] { "id_card" } });
        Assert.True(a2 == HttpStatusCode.Created, at2);
        Assert.Contains("延续适用", app2.Str("cite"));
        Assert.Equal(["social_security_card", "medical_invoice", "discharge_record", "itemised_bill"],
            app2.GetProperty("missingDocuments").EnumerateArray().Select(x => x.GetString()));
        // The first application keeps the clause it was filed under.
        Assert.Equal("温政办〔2020〕78号 第二十二条", (await civil.GetJson($"/api/posthoc-applications/{app1.Str("id")}")).Body.Str("cite"));
    }

    [DbFact]
    public async Task The_fund_disclosure_cites_the_rule_in_force_on_the_periods_last_day()
    {
        var auditor = await fx.As("auditor");
        async Task<string?> CiteTo(string to)
        {
            var (s, d, t) = await auditor.GetJson($"/api/funds/wenzhou/medical_assistance/disclosure?from=2023-01-01&to={to}");
            Assert.True(s == HttpStatusCode.OK, t);
            return d.GetProperty("cite").GetString();
        }
        Assert.Equal("温政办〔2020〕78号 第十八条", await CiteTo("2023-11-30"));
        var carried = await CiteTo("2023-12-01");
        Assert.NotNull(carried);
        Assert.Contains("第十八条", carried);
        Assert.Contains("延续适用", carried);
        Assert.Null(await CiteTo("2026-01-01"));
        // The charity fund has no disclosure clause in wenzhou's files, before or after.
        var (cs, charity, ct) = await auditor.GetJson("/api/funds/wenzhou/charity/disclosure?from=2023-01-01&to=2024-12-31");
        Assert.True(cs == HttpStatusCode.OK, ct);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, charity.GetProperty("cite").ValueKind);
    }
}

public sealed class WenzhouAfter2020TestsSqlite(SqliteFixture fx) : WenzhouAfter2020Tests(fx), IClassFixture<SqliteFixture>;
public sealed class WenzhouAfter2020TestsPostgres(PostgresFixture fx) : WenzhouAfter2020Tests(fx), IClassFixture<PostgresFixture>, IPostgresTests;
