using System.Net;
using Doudi.Server.Tests.Infrastructure;

namespace Doudi.Server.Tests.Prevention;

/// <summary>
/// P-1 (policies/interpretations.yaml): a bill reversed (冲销) takes its supplementary (retroactive) payments with it —
/// they stop counting against the annual limit and their money is recovered to the medical assistance fund — so a bill
/// reversed and settled again ("冲销重开") pays what is due once, and the running totals equal their rebuild.
/// Amounts by hand from 富政办〔2022〕21号 二.3 (fuyang-2023): subsistence 80% of base = in-policy − basic; annual
/// limit 150,000 per person. Before the fix the reversed bill's 80,000 kept counting: the re-settled bill got 70,000
/// and the next one 0 (150,000 − 80,000 − 80,000 &lt; 0) while the fund kept the 80,000 paid on a void bill.
/// </summary>
public abstract class SupplementaryReversalTests(ServerFixture fx)
{
    private static object Bill(string id, string person, string date) => new
    {
        id, person, date, kind = "inpatient", total = 100000, inPolicy = 100000, basicPaid = 0, criticalPaid = 0, hospitalLevel = 3, referred = true,
    };

    private async Task<decimal> LimitBucketAsync(string person) =>
        await fx.Count($"SELECT COALESCE(MAX(amount_fen), 0) FROM ledger_totals WHERE person_id = '{person}' AND year = 2023 AND bucket NOT LIKE 'measure.%'") / 100m;

    [DbFact]
    public async Task A_reversed_bill_takes_its_supplementary_payment_with_it_and_the_limit_is_counted_once()
    {
        fx.At("2023-09-01T09:00:00");
        var op = await fx.As("operator");
        var p = await People.RegisterAsync(fx, "fuyang", null, name: "冲销补付甲");
        var tag = PreventionHelpers.Tag();
        // b1 settled without an identity: assistance 0.
        Assert.Equal(0m, (await fx.Settle(Bill(tag + "-1", p, "2023-07-10"))).Dec("assistance"));
        // 低保 recognised 2023-06-10 → effective 2023-07-01 (I-1): b1 reopened, 0.80 × (100000 − 0) = 80000 paid back.
        var (s, _, t) = await op.PostJson($"/api/persons/{p}/identities", new { category = "subsistence", department = "civil_affairs", recognized = "2023-06-10" });
        Assert.True(s == HttpStatusCode.Created, t);
        var (_, sup, _) = await op.GetJson($"/api/supplementary-payments?person={p}");
        Assert.Equal(80000m, sup.Dec("total"));
        Assert.Equal(80000m, await LimitBucketAsync(p));

        // The hospital reverses b1 (冲销重开): the 80000 no longer counts and is recovered, once.
        var (rs, _, rt) = await op.PostJson($"/api/settlements/{tag}-1/reversal", new { reason = "冲销重开" });
        Assert.True(rs == HttpStatusCode.OK, rt);
        Assert.Equal(HttpStatusCode.OK, (await op.PostJson($"/api/settlements/{tag}-1/reversal", new { reason = "重复冲销" })).Status);
        Assert.Equal(0m, await LimitBucketAsync(p));
        (_, sup, _) = await op.GetJson($"/api/supplementary-payments?person={p}");
        var item = Assert.Single(sup.GetProperty("items").EnumerateArray());
        Assert.Equal(80000m, item.Dec("difference"));
        Assert.NotNull(item.Str("reversedAt"));
        Assert.Equal(0m, sup.Dec("total"));
        var (_, books, _) = await op.GetJson("/api/funds/fuyang/medical_assistance");
        var mine = books.GetProperty("entries").EnumerateArray().Where(e => e.Str("payee") == p).ToList();
        Assert.Equal([("payment", 80000m), ("recovery", -80000m)], mine.Select(e => (e.Str("kind"), e.Dec("amount"))).OrderBy(x => x.Item2 < 0));
        Assert.Equal(0m, mine.Sum(e => e.Dec("amount")));

        // Settled again under a new id: 0.80 × 100000 = 80000 (the limit holds 0 before it).
        Assert.Equal(80000m, (await fx.Settle(Bill(tag + "-1b", p, "2023-07-10"))).Dec("assistance"));
        // The next bill: 0.80 × 100000 = 80000, capped at 150000 − 80000 = 70000.
        Assert.Equal(70000m, (await fx.Settle(Bill(tag + "-2", p, "2023-08-10"))).Dec("assistance"));
        Assert.Equal(150000m, await LimitBucketAsync(p));

        // The running totals are what the rebuild recomputes from the rows.
        var (bs, report, bt) = await (await fx.As("admin")).PostJson("/api/ledger-totals/rebuild", new { region = "fuyang", year = 2023 });
        Assert.True(bs == HttpStatusCode.OK, bt);
        Assert.Equal(0, report.GetProperty("differenceCount").GetInt32());
        // Running the identity's look-back again pays nothing: the reversed bill is not reopened, the new ones have the identity.
        var identity = item.GetProperty("identityId").GetInt64();
        var (ag, again, at) = await op.PostJson($"/api/persons/{p}/identities/{identity}/retroactive", new { });
        Assert.True(ag == HttpStatusCode.OK, at);
        Assert.Equal(0m, again.Dec("total"));
    }
}

public sealed class SupplementaryReversalTestsSqlite(SqliteFixture fx) : SupplementaryReversalTests(fx), IClassFixture<SqliteFixture>;
public sealed class SupplementaryReversalTestsPostgres(PostgresFixture fx) : SupplementaryReversalTests(fx), IClassFixture<PostgresFixture>, IPostgresTests;
