using System.Text;
using Doudi.Server.Registry;
using Doudi.Server.Settlements;
using Doudi.Server.Storage;
using Doudi.Server.Tests.Infrastructure;

namespace Doudi.Server.Tests;

/// <summary>
/// The one-stop read batch leaves out its ORDER BYs (a Sort node per execution on PostgreSQL) and puts the few rows in order in
/// C#: <see cref="RegistryStore.InOrder"/> (identities by recognized, then id) and <see cref="LedgerTotals.InOrder"/> (totals by
/// year, then bucket by code point, as SQLite's BINARY and PostgreSQL's C collations sort). These check that C#'s order is the
/// order the SQL gave.
/// </summary>
public sealed class CodePointOrderTests
{
    private static int Utf8Compare(string a, string b) => Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b));

    [Fact]
    public void Text_sorts_as_its_UTF8_bytes_sort_also_where_ordinal_UTF16_order_differs()
    {
        // U+FF21 (Ａ, one UTF-16 unit) against U+1F600 (a surrogate pair): by code point and by UTF-8 bytes FF21 comes first,
        // by UTF-16 units the surrogate D83D does.
        Assert.True(string.CompareOrdinal("\uFF21", "\U0001F600") > 0);
        Assert.True(CodePointOrder.Compare("\uFF21", "\U0001F600") < 0);
        Assert.True(Utf8Compare("\uFF21", "\U0001F600") < 0);

        string[] palette = ["a", "b", "A", ".", "_", "-", "0", "9", "é", "张", "\uE000", "\uFFFD", "\uFF21", "\U0001F600", "\U00020000", "limit.", "measure."];
        var random = new Random(20261130);
        var texts = Enumerable.Range(0, 3000)
            .Select(_ => string.Concat(Enumerable.Range(0, random.Next(0, 5)).Select(_ => palette[random.Next(palette.Length)]))).ToList();
        var ours = texts.OrderBy(t => t, CodePointOrder.Instance).ToList();
        var bytes = texts.OrderBy(t => t, Comparer<string>.Create(Utf8Compare)).ToList();
        Assert.Equal(bytes, ours);
        Assert.Equal(0, CodePointOrder.Compare("limit.annual", "limit.annual"));
        Assert.True(CodePointOrder.Compare("limit", "limit.annual") < 0);
    }

    [Fact]
    public void Identities_with_equal_dates_are_ordered_by_id()
    {
        IdentityRecord Identity(long id, string recognized) =>
            new(id, "P1", Doudi.Policy.Vocabulary.Category.Subsistence, "civil_affairs", DateOnly.Parse(recognized), null, false, null, null);
        var list = new List<IdentityRecord> { Identity(9, "2023-03-01"), Identity(4, "2023-03-01"), Identity(12, "2022-01-01"), Identity(7, "2023-03-01"), Identity(2, "2024-01-01") };
        Assert.Equal([12L, 4, 7, 9, 2], RegistryStore.InOrder(list).Select(i => i.Id));
    }
}

public abstract class ReadOrderTests(ServerFixture fx)
{
    [DbFact]
    public async Task Identities_put_in_order_in_CSharp_come_in_the_order_of_ORDER_BY_recognized_id()
    {
        var person = await People.RegisterAsync(fx, "fuyang", category: null);
        // Stored out of date order, three on one day.
        await fx.Db.WriteAsync(async (c, tx) =>
        {
            foreach (var (category, day) in new[] { (Doudi.Policy.Vocabulary.Category.Subsistence, "2023-03-01"), (Doudi.Policy.Vocabulary.Category.Destitute, "2022-01-01"),
                         (Doudi.Policy.Vocabulary.Category.Marginal, "2023-03-01"), (Doudi.Policy.Vocabulary.Category.Subsistence, "2021-06-30"),
                         (Doudi.Policy.Vocabulary.Category.Destitute, "2023-03-01") })
                await RegistryStore.InsertIdentityAsync(c, tx, person, category, "civil_affairs", DateOnly.Parse(day), null, false, null, "test");
            return 0;
        });
        var ordered = await fx.Db.ReadAsync(c => RegistryStore.IdentitiesAsync(c, null, person));
        var unordered = await fx.Db.ReadAsync(c => c.ListAsync("SELECT * FROM identities WHERE person_id = @p", null, RegistryStore.MapIdentity, ("p", person)));
        Assert.Equal(5, ordered.Count);
        Assert.Equal(ordered.Select(i => i.Id), RegistryStore.InOrder(unordered).Select(i => i.Id));
        Assert.Equal(["2021-06-30", "2022-01-01", "2023-03-01", "2023-03-01", "2023-03-01"], ordered.Select(i => i.Recognized.ToString("yyyy-MM-dd")));
    }

    [DbFact]
    public async Task Running_totals_put_in_order_in_CSharp_come_in_the_order_of_ORDER_BY_year_bucket()
    {
        var person = await People.RegisterAsync(fx, "fuyang", category: null);
        string[] buckets = ["limit.general_outpatient", "measure.monitoring.personalBurden", "limit.annual", "lookback.deduction.2022-10-01", "limit_annual",
            "limit-annual", "Limit.annual", "limit.年度", "limit.\uFF21", "limit.\U0001F600", "limit.\uE000"];
        await fx.Db.WriteAsync(async (c, tx) =>
        {
            var fen = 100;
            foreach (var year in new[] { 2023, 2022 })
                foreach (var b in buckets)
                    await c.ExecAsync("INSERT INTO ledger_totals (person_id, year, bucket, amount_fen) VALUES (@p, @y, @b, @a)", tx, ("p", person), ("y", year), ("b", b), ("a", fen++));
            return 0;
        });
        // PostgreSQL: code point order is the C collation's (the database's own may be a locale's); SQLite: BINARY.
        var collate = fx.Dialect == Dialect.Postgres ? " COLLATE \"C\"" : "";
        var sql = $"SELECT year, bucket, amount_fen FROM ledger_totals WHERE person_id = @p AND year IN (@y, @py)";
        (string, object?)[] args = [("p", person), ("y", 2023), ("py", 2022)];
        var ordered = await fx.Db.ReadAsync(c => c.ListAsync(sql + $" ORDER BY year, bucket{collate}", null, LedgerTotals.Row, args));
        var unordered = await fx.Db.ReadAsync(c => c.ListAsync(LedgerTotals.SelectSql("@p"), null, LedgerTotals.Row, args));
        Assert.Equal(2 * buckets.Length, ordered.Count);
        Assert.Equal(ordered, LedgerTotals.InOrder(unordered));
        // The ledger keeps the order read: what 2022 carries over (its look-back deduction, I-26), then 2023's buckets (measures left out).
        var ledger = await fx.Db.ReadAsync(c => LedgerTotals.LoadAsync(c, null, person, 2023));
        Assert.Equal(["lookback.deduction.2022-10-01", .. ordered.Where(r => r.Year == 2023 && !LedgerTotals.IsMeasure(r.Bucket) && !r.Bucket.StartsWith("lookback.")).Select(r => r.Bucket)],
            ledger.All.Keys);
    }
}

public sealed class ReadOrderTestsSqlite(SqliteFixture fx) : ReadOrderTests(fx), IClassFixture<SqliteFixture>;
public sealed class ReadOrderTestsPostgres(PostgresFixture fx) : ReadOrderTests(fx), IClassFixture<PostgresFixture>, IPostgresTests;
