using System.Net;
using Doudi.Server.Tests.Infrastructure;

namespace Doudi.Server.Tests.Prevention;

/// <summary>
/// Issue 9 item 5, gaps of issue 4 closed: a reversal re-evaluates monitoring at once; an identity entered late reopens
/// every bill dated on or after its effective date (any year) and pays the difference once; the premium list takes each
/// person's own insurance tier. Amounts by hand from 富政办〔2022〕21号 二.1/二.3 and 彭水府办发〔2023〕52号 二.(二).1.
/// </summary>
public abstract class KnownGapsTests(ServerFixture fx)
{
    [DbFact]
    public async Task A_reversal_takes_the_bill_out_of_the_monitoring_totals_at_once()
    {
        fx.At("2023-08-10T09:00:00");
        var op = await fx.As("operator");
        var p = await People.RegisterAsync(fx, "fuyang", "subsistence", name: "冲销甲");
        var tag = PreventionHelpers.Tag();
        // b1: 0.80 × (30000 − 10000) = 16000 → in-policy burden 30000 − 10000 − 16000 = 4000 (< 5000: no warning yet).
        await fx.Settle(new { id = tag + "-1", person = p, date = "2023-07-01", kind = "inpatient", total = 30000, inPolicy = 30000, basicPaid = 10000, criticalPaid = 0 });
        var (rs, _, rt) = await op.PostJson($"/api/settlements/{tag}-1/reversal", new { reason = "医院冲销重开" });
        Assert.True(rs == HttpStatusCode.OK, rt);
        // At once: the running total no longer holds b1.
        Assert.Equal(0, await fx.Count($"SELECT amount_fen FROM ledger_totals WHERE person_id = '{p}' AND year = 2023 AND bucket = 'measure.monitoring.inPolicyBurden'"));
        // b2: 0.80 × (20000 − 10000) = 8000 → 2000. With b1 still counted the total would be 4000 + 2000 = 6000 ≥ 5000 and
        // warn (二.1); what counts is 2000: no warning.
        await fx.Settle(new { id = tag + "-2", person = p, date = "2023-08-01", kind = "inpatient", total = 20000, inPolicy = 20000, basicPaid = 10000, criticalPaid = 0 });
        Assert.Equal(200000, await fx.Count($"SELECT amount_fen FROM ledger_totals WHERE person_id = '{p}' AND year = 2023 AND bucket = 'measure.monitoring.inPolicyBurden'"));
        var (_, pool, _) = await op.GetJson($"/api/risk-pool?person={p}");
        Assert.Empty(pool.GetProperty("items").EnumerateArray());
    }

    [DbFact]
    public async Task An_identity_entered_late_reopens_every_bill_after_it_took_effect_and_pays_once()
    {
        fx.At("2024-03-01T09:00:00");
        var op = await fx.As("operator");
        var p = await People.RegisterAsync(fx, "fuyang", null, name: "补录甲");
        var tag = PreventionHelpers.Tag();
        // Settled without an identity: insurance only, assistance 0.
        foreach (var (id, date, total, basic) in new[] { ("-0", "2023-08-20", 10000, 6000), ("-1", "2023-09-10", 10000, 6000), ("-2", "2024-02-01", 5000, 3000) })
            Assert.Equal(0m, (await fx.Settle(new { id = tag + id, person = p, date, kind = "inpatient", total, inPolicy = total, basicPaid = basic, criticalPaid = 0 })).Dec("assistance"));

        // 低保 recognised 2023-08-15 (not for medical spending), entered in 2024 → effective 2023-09-01 (I-1).
        // b0 (2023-08-20) is before it: stays. b1: 0.80 × (10000 − 6000) = 3200; b2 (the next year): 0.80 × (5000 − 3000) = 1600.
        var (s, _, t) = await op.PostJson($"/api/persons/{p}/identities", new { category = "subsistence", department = "civil_affairs", recognized = "2023-08-15" });
        Assert.True(s == HttpStatusCode.Created, t);
        var (_, sup, _) = await op.GetJson($"/api/supplementary-payments?person={p}");
        var items = sup.GetProperty("items").EnumerateArray().OrderBy(i => i.Str("billId")).ToList();
        Assert.Equal([tag + "-1", tag + "-2"], items.Select(i => i.Str("billId")));
        Assert.Equal([3200m, 1600m], items.Select(i => i.Dec("difference")));
        Assert.Equal(4800m, sup.Dec("total"));
        Assert.All(items, i => Assert.Contains(i.GetProperty("trace").EnumerateArray(), x => x.GetString()!.Contains("I-1") && x.GetString()!.Contains("富政办〔2022〕21号")));
        // Traced to the fund, and paid once: running it again pays nothing.
        var (_, books, _) = await op.GetJson("/api/funds/fuyang/medical_assistance");
        Assert.Equal(2, books.GetProperty("entries").EnumerateArray().Count(e => e.Str("kind") == "payment" && e.GetProperty("payee").GetString() == p));
        var (rs, again, rt) = await op.PostJson($"/api/persons/{p}/identities/{items[0].GetProperty("identityId").GetInt64()}/retroactive", new { });
        Assert.True(rs == HttpStatusCode.OK, rt);
        Assert.Equal(0m, again.Dec("total"));
        Assert.Equal(2, await fx.Count($"SELECT COUNT(*) FROM supplementary_payments WHERE person_id = '{p}'"));
        // A bill settled after the identity was entered already has it: nothing to pay back.
        Assert.Equal(1600m, (await fx.Settle(new { id = tag + "-3", person = p, date = "2024-02-20", kind = "inpatient", total = 5000, inPolicy = 5000, basicPaid = 3000, criticalPaid = 0 })).Dec("assistance"));
    }

    [DbFact]
    public async Task The_premium_list_takes_each_persons_own_tier()
    {
        fx.At("2023-07-20T09:00:00");
        var op = await fx.As("operator");
        async Task<string> Person(string name, string? tier)
        {
            var (st, body, text) = await op.PostJson("/api/persons", new { idNumber = People.UniqueIdNumber("500243"), name, region = "pengshui", insuranceTier = tier });
            Assert.True(st == HttpStatusCode.Created, text);
            var id = body.Str("id");
            Assert.Equal(HttpStatusCode.Created, (await op.PostJson($"/api/persons/{id}/identities", new { category = "subsistence", department = "civil_affairs", recognized = "2023-07-10" })).Status);
            return id;
        }
        var one = await Person("一档甲", "tier1");
        var two = await Person("二档乙", "tier2");
        var unknown = await Person("未登记丙", null);
        Assert.Equal("tier2", (await op.GetJson($"/api/persons/{two}")).Body.Str("insuranceTier"));
        Assert.Equal(HttpStatusCode.BadRequest, (await op.PostJson("/api/persons", new { idNumber = People.UniqueIdNumber("500243"), name = "错档", region = "pengshui", insuranceTier = "tier3" })).Status);

        // 二.(二).1: 低保 in tier 1 → 90% of the tier-1 standard 380 = 342.00; in tier 2 → 100% of it = 380.00.
        // The one whose tier is not recorded takes the request's tier (default tier1): 342.00.
        var (ls, list, lt) = await op.GetJson("/api/premium-lists/monthly?region=pengshui&year=2023&month=7&contribution=380&tier1Contribution=380&format=json");
        Assert.True(ls == HttpStatusCode.OK, lt);
        var rows = list.GetProperty("items").EnumerateArray().ToDictionary(r => r.Str("person"));
        Assert.Equal(("tier1", 342m), (rows[one].Str("tier"), rows[one].Dec("amount")));
        Assert.Equal(("tier2", 380m), (rows[two].Str("tier"), rows[two].Dec("amount")));
        Assert.Equal(("tier1", 342m), (rows[unknown].Str("tier"), rows[unknown].Dec("amount")));

        // The third chooses tier 2: recorded (and audited), the list takes it.
        var (ps, pv, pt) = await op.PutJson($"/api/persons/{unknown}/insurance-tier", new { insuranceTier = "tier2" });
        Assert.True(ps == HttpStatusCode.OK, pt);
        Assert.Equal("tier2", pv.Str("insuranceTier"));
        Assert.Equal(HttpStatusCode.BadRequest, (await op.PutJson($"/api/persons/{unknown}/insurance-tier", new { insuranceTier = "any" })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await op.PutJson("/api/persons/PNOBODY/insurance-tier", new { insuranceTier = "tier1" })).Status);
        var (_, list2, _) = await op.GetJson("/api/premium-lists/monthly?region=pengshui&year=2023&month=7&contribution=380&tier1Contribution=380&format=json");
        var again = list2.GetProperty("items").EnumerateArray().Single(r => r.Str("person") == unknown);
        Assert.Equal(("tier2", 380m), (again.Str("tier"), again.Dec("amount")));
        Assert.Equal(1, await fx.Count($"SELECT COUNT(*) FROM audit_log WHERE entity = 'insurance_tier' AND entity_id = '{unknown}'"));
    }
}

public sealed class KnownGapsTestsSqlite(SqliteFixture fx) : KnownGapsTests(fx), IClassFixture<SqliteFixture>;
public sealed class KnownGapsTestsPostgres(PostgresFixture fx) : KnownGapsTests(fx), IClassFixture<PostgresFixture>, IPostgresTests;
