using System.Data.Common;
using System.Text;
using Doudi.Engine.Settlement;
using Doudi.Server.Storage;

namespace Doudi.Server.Settlements;

/// <summary>What one settled bill (or supplementary payment, or reversal) adds to a person's year: bucket → amount in yuan.</summary>
public sealed record LedgerDelta(string PersonId, int Year, IReadOnlyDictionary<string, decimal> Counted, int Sign = 1);

/// <summary>One stored running total: a person's year, one ledger bucket, the amount counted so far (yuan).</summary>
public sealed record LedgerTotal(string PersonId, int Year, string Bucket, decimal Amount);

/// <summary>
/// The one store of year-to-date ledger totals (issue 9 item 4, I-3): table <c>ledger_totals</c>, one row per person,
/// year and ledger bucket (the buckets of <see cref="PersonLedger"/>: annual-limit counts, the critical-illness base,
/// look-back deductions), amounts in fen so both databases add them exactly. Every reader of a person's year-to-date
/// counts (one-stop settlement, a held bill's release, bulk imports, the back office's person summary) reads it here,
/// and every writer keeps it, in its own transaction:
/// <list type="bullet">
/// <item><see cref="AddSql"/>/<see cref="AddAsync"/> — a settled bill adds its <c>counted_json</c>; a reversal subtracts it (Sign −1);
///   a supplementary payment (retroactive or late identity) adds its <c>counted_json</c> delta.</item>
/// <item><see cref="AddManyAsync"/> — many deltas at once (bulk paths), summed per row first: one statement (SQLite: one per 500 rows).</item>
/// <item><see cref="LoadAsync"/>/<see cref="LoadManyAsync"/>/<see cref="SelectSql"/> + <see cref="LedgerOf"/> — the ledger before a bill
///   of year Y: the year's totals after what year Y−1 carries into it (<see cref="PersonLedger.NextYear"/>, I-26).</item>
/// <item><see cref="RecomputeAsync"/>, <see cref="ReadAsync"/>, <see cref="SetAsync"/> — the rebuild command (LedgerRebuild).</item>
/// </list>
/// The definition the rebuild checks: a total is the sum of <c>counted_json</c> over the person's non-reversed settlements
/// of the year plus every supplementary payment of the year that was not reversed with its bill (P-1). Rows are never deleted (the app role has no DELETE): a
/// reversal leaves a zero, which the ledger ignores. Callers lock the person first (SettlementService.LockPersonAsync;
/// SQLite has one writer), so the read-settle-add of one person never interleaves.
/// </summary>
public static class LedgerTotals
{
    /// <summary>
    /// Buckets that are not the engine's but another reader's year-to-date measures (monitoring's in-policy and personal
    /// burden): kept in the same rows by the same writers, left out of the engine's ledger, and recomputed in a rebuild by
    /// the <see cref="ILedgerMeasureSource"/> that owns them.
    /// </summary>
    public const string MeasurePrefix = "measure.";

    public static bool IsMeasure(string bucket) => bucket.StartsWith(MeasurePrefix, StringComparison.Ordinal);

    /// <summary>Rows per statement in <see cref="AddManyAsync"/> (4 parameters each).</summary>
    public const int RowsPerStatement = 500;

    /// <summary>
    /// The query of a person's rows for a bill of year @y (years @y and @py = @y − 1), to embed in a batch;
    /// <paramref name="person"/> is an SQL expression of the person id (a parameter or a subquery). Columns: year, bucket, amount_fen.
    /// </summary>
    /// <remarks>Unordered: the reader puts the rows in order with <see cref="InOrder"/> (a sort of a few rows in C# costs less than
    /// PostgreSQL's Sort node on every execution).</remarks>
    public static string SelectSql(string person) =>
        $"SELECT year, bucket, amount_fen FROM ledger_totals WHERE person_id = {person} AND year IN (@y, @py)";

    /// <summary>
    /// Puts rows of <see cref="SelectSql"/> in order of year, then bucket by code point (as <c>ORDER BY year, bucket</c> on SQLite's
    /// BINARY and PostgreSQL's C.UTF-8 collation), in place: the ledger keeps its buckets in the order read, and the person's year
    /// summary shows them in that order, which must not depend on the order the rows were stored in (one-stop and import insert
    /// them differently).
    /// </summary>
    public static List<(int Year, string Bucket, long Fen)> InOrder(List<(int Year, string Bucket, long Fen)> rows)
    {
        if (rows.Count > 1)
            rows.Sort(static (a, b) => a.Year != b.Year ? a.Year.CompareTo(b.Year) : CodePointOrder.Compare(a.Bucket, b.Bucket));
        return rows;
    }

    /// <summary>Reads one row of <see cref="SelectSql"/>.</summary>
    public static (int Year, string Bucket, long Fen) Row(DbDataReader r) => (r.GetInt32(0), r.GetString(1), Convert.ToInt64(r.GetValue(2)));

    /// <summary>
    /// The person's ledger before a bill of <paramref name="year"/> from its rows of that year and the one before: the year's
    /// totals, after what the previous year carries into it (<see cref="PersonLedger.NextYear"/>: a look-back window's
    /// deduction spans New Year, I-26).
    /// </summary>
    public static PersonLedger LedgerOf(int year, IEnumerable<(int Year, string Bucket, long Fen)> rows)
    {
        var before = new PersonLedger(year - 1);
        var counted = new PersonLedger(year);
        foreach (var (y, bucket, fen) in rows)
            if (IsMeasure(bucket)) continue;
            else if (y == year) counted.Add(bucket, fen / 100m);
            else if (y == year - 1) before.Add(bucket, fen / 100m);
        var ledger = before.NextYear(year);
        ledger.Add(counted.All);
        return ledger;
    }

    /// <summary>The measure buckets (<see cref="MeasurePrefix"/>) of <paramref name="year"/> among the rows: bucket → yuan.</summary>
    public static Dictionary<string, decimal> MeasuresOf(int year, IEnumerable<(int Year, string Bucket, long Fen)> rows)
    {
        var measures = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (y, bucket, fen) in rows)
            if (y == year && IsMeasure(bucket)) measures[bucket] = measures.GetValueOrDefault(bucket) + fen / 100m;
        return measures;
    }

    /// <summary>The person's ledger before a bill of <paramref name="year"/> (see <see cref="LedgerOf"/>).</summary>
    public static async Task<PersonLedger> LoadAsync(DbConnection c, DbTransaction? tx, string personId, int year) =>
        LedgerOf(year, InOrder(await c.ListAsync(SelectSql("@p"), tx, Row, ("p", personId), ("y", year), ("py", year - 1))));

    /// <summary>The ledgers of many persons before a bill of <paramref name="year"/> (bulk paths: one query per 1,000 persons).</summary>
    public static async Task<Dictionary<string, PersonLedger>> LoadManyAsync(DbConnection c, DbTransaction? tx, IReadOnlyCollection<string> personIds, int year)
    {
        var rows = new Dictionary<string, List<(int, string, long)>>(StringComparer.Ordinal);
        foreach (var chunk in personIds.Distinct(StringComparer.Ordinal).Chunk(1000))
        {
            var args = new List<(string, object?)> { ("y", year), ("py", year - 1) };
            var names = new StringBuilder();
            for (int i = 0; i < chunk.Length; i++)
            {
                if (i > 0) names.Append(", ");
                names.Append("@p").Append(i);
                args.Add(($"p{i}", chunk[i]));
            }
            await using var cmd = c.Command($"SELECT person_id, year, bucket, amount_fen FROM ledger_totals WHERE person_id IN ({names}) AND year IN (@y, @py) ORDER BY person_id, year, bucket", tx, args.ToArray());
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                var p = r.GetString(0);
                if (!rows.TryGetValue(p, out var list)) rows[p] = list = [];
                list.Add((r.GetInt32(1), r.GetString(2), Convert.ToInt64(r.GetValue(3))));
            }
        }
        return personIds.Distinct(StringComparer.Ordinal).ToDictionary(p => p, p => LedgerOf(year, rows.GetValueOrDefault(p) ?? []), StringComparer.Ordinal);
    }

    /// <summary>
    /// The upsert that adds one delta (to append to a settlement's or reversal's batch), or "" when it adds nothing;
    /// with its parameters, named <paramref name="prefix"/>…. Exact: integer fen on both databases.
    /// </summary>
    /// <remarks>Rows as VALUES, not arrays: for a few rows PostgreSQL's <c>unnest</c> of arrays (a function scan per array) costs more.</remarks>
    public static (string Sql, (string, object?)[] Args) AddSql(LedgerDelta delta, string prefix = "lt_") =>
        UpsertSql([.. Fen(delta)], prefix, add: true);

    /// <summary>Adds one delta (a settled bill, a reversal with Sign −1, a supplementary payment) in the caller's transaction.</summary>
    public static Task AddAsync(DbConnection c, DbTransaction tx, LedgerDelta delta)
    {
        var (sql, args) = AddSql(delta);
        return sql.Length == 0 ? Task.CompletedTask : c.ExecAsync(sql, tx, args);
    }

    /// <summary>Adds many deltas (bulk paths), summed per person, year and bucket first, in the caller's transaction.</summary>
    public static async Task AddManyAsync(DbConnection c, DbTransaction tx, IEnumerable<LedgerDelta> deltas)
    {
        var rows = Summed(deltas);
        if (rows.Count == 0) return;
        if (c is Npgsql.NpgsqlConnection)
        {
            var (sql, args) = AddManySql(rows, "");
            await c.ExecAsync(sql, tx, args);
            return;
        }
        foreach (var chunk in rows.Select(kv => (kv.Key.Item1, kv.Key.Item2, kv.Key.Item3, kv.Value)).Chunk(RowsPerStatement))
        {
            var (sql, args) = UpsertSql(chunk, "lt_", add: true);
            await c.ExecAsync(sql, tx, args);
        }
    }

    /// <summary>
    /// PostgreSQL: <see cref="AddManyAsync"/>'s one statement, to send in a batch (parameters named by <paramref name="prefix"/>);
    /// null when the deltas change nothing.
    /// </summary>
    public static (string Sql, (string, object?)[] Args)? AddManySql(IEnumerable<LedgerDelta> deltas, string prefix) =>
        Summed(deltas) is { Count: > 0 } rows ? AddManySql(rows, prefix) : null;

    // The columns sent as four arrays: one statement whatever the count, no parameter per value to bind.
    private static (string Sql, (string, object?)[] Args) AddManySql(List<KeyValuePair<(string, int, string), long>> rows, string prefix) =>
        ($"INSERT INTO ledger_totals (person_id, year, bucket, amount_fen) SELECT * FROM unnest(@{prefix}p, @{prefix}y, @{prefix}b, @{prefix}a)" + OnConflictAdd,
            [($"{prefix}p", rows.Select(r => r.Key.Item1).ToArray()), ($"{prefix}y", rows.Select(r => r.Key.Item2).ToArray()),
             ($"{prefix}b", rows.Select(r => r.Key.Item3).ToArray()), ($"{prefix}a", rows.Select(r => r.Value).ToArray())]);

    /// <summary>Deltas summed per person, year and bucket, the zeros left out, in key order: concurrent writers lock the rows in one order.</summary>
    private static List<KeyValuePair<(string, int, string), long>> Summed(IEnumerable<LedgerDelta> deltas)
    {
        var sums = new Dictionary<(string, int, string), long>();
        foreach (var d in deltas)
            foreach (var (p, y, b, fen) in Fen(d))
                sums[(p, y, b)] = sums.GetValueOrDefault((p, y, b)) + fen;
        return sums.Where(kv => kv.Value != 0).OrderBy(kv => kv.Key.Item1, StringComparer.Ordinal).ThenBy(kv => kv.Key.Item2)
            .ThenBy(kv => kv.Key.Item3, StringComparer.Ordinal).ToList();
    }

    private const string OnConflictAdd = " ON CONFLICT (person_id, year, bucket) DO UPDATE SET amount_fen = ledger_totals.amount_fen + excluded.amount_fen";

    /// <summary>Sets totals to recomputed values (the rebuild's <c>--apply</c>), in the caller's transaction.</summary>
    public static async Task SetAsync(DbConnection c, DbTransaction tx, IEnumerable<LedgerTotal> totals)
    {
        foreach (var chunk in totals.Select(t => (t.PersonId, t.Year, t.Bucket, ToFen(t.Amount))).Chunk(RowsPerStatement))
        {
            var (sql, args) = UpsertSql(chunk, "lt_", add: false);
            await c.ExecAsync(sql, tx, args);
        }
    }

    /// <summary>
    /// The stored totals of persons of a region (null: all) and a year (null: all), person's current region from the registry.
    /// </summary>
    public static Task<List<LedgerTotal>> ReadAsync(DbConnection c, DbTransaction? tx, string? region, int? year) =>
        c.ListAsync("SELECT x.person_id, x.year, x.bucket, x.amount_fen FROM ledger_totals x" + Scope(region, year) + " ORDER BY x.person_id, x.year, x.bucket", tx,
            r => new LedgerTotal(r.GetString(0), r.GetInt32(1), r.GetString(2), Convert.ToInt64(r.GetValue(3)) / 100m),
            ScopeArgs(region, year));

    private static (string, object?)[] ScopeArgs(string? region, int? year, params (string, object?)[] more) =>
        [.. more, .. year is null ? [] : new (string, object?)[] { ("y", year) }, .. region is null ? [] : new (string, object?)[] { ("r", region) }];

    /// <summary>The persons and years of a rebuild's scope that have a non-reversed settlement (for measure sources).</summary>
    public static Task<List<(string Person, int Year)>> PersonYearsAsync(DbConnection c, DbTransaction? tx, string? region, int? year) =>
        c.ListAsync($"SELECT DISTINCT x.person_id, x.year FROM settlements x{Scope(region, year)} AND x.status = @s", tx,
            r => (r.GetString(0), r.GetInt32(1)), ScopeArgs(region, year, ("s", StoredSettlement.Settled)));

    /// <summary>Join and condition of a rebuild's scope on table alias x: persons of @r (registry region) and year @y, each when given.</summary>
    private static string Scope(string? region, int? year) =>
        (region is null ? "" : " JOIN persons p ON p.id = x.person_id") + " WHERE 1 = 1" +
        (year is null ? "" : " AND x.year = @y") + (region is null ? "" : " AND p.region = @r");

    /// <summary>
    /// The engine's totals (no measures) recomputed from the stored rows (the definition above): non-reversed settlements' and supplementary
    /// payments' (not reversed with their bill, P-1) <c>counted_json</c>, summed per person, year and bucket, for persons of a region (null: all) and a year (null: all).
    /// </summary>
    public static async Task<List<LedgerTotal>> RecomputeAsync(DbConnection c, DbTransaction? tx, string? region, int? year)
    {
        var sums = new Dictionary<(string, int, string), decimal>();
        var scope = Scope(region, year);
        foreach (var sql in new[]
                 {
                     $"SELECT x.person_id, x.year, x.counted_json FROM settlements x{scope} AND x.status = @s",
                     $"SELECT x.person_id, x.year, x.counted_json FROM supplementary_payments x{scope} AND x.reversed_at IS NULL",
                 })
        {
            await using var cmd = c.Command(sql, tx, ScopeArgs(region, year, ("s", StoredSettlement.Settled)));
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                var (p, y) = (r.GetString(0), r.GetInt32(1));
                foreach (var (bucket, amount) in Api.Json.Deserialize<Dictionary<string, decimal>>(r.GetString(2)))
                    if (!IsMeasure(bucket)) sums[(p, y, bucket)] = sums.GetValueOrDefault((p, y, bucket)) + amount;
            }
        }
        return sums.Select(kv => new LedgerTotal(kv.Key.Item1, kv.Key.Item2, kv.Key.Item3, kv.Value)).ToList();
    }

    private static IEnumerable<(string, int, string, long)> Fen(LedgerDelta d) =>
        d.Counted.Where(kv => kv.Value != 0m).Select(kv => (d.PersonId, d.Year, kv.Key, d.Sign * ToFen(kv.Value)));

    /// <summary>Ledger amounts are whole fen (the engine rounds every tier, I-4); anything finer is a defect, not a rounding.</summary>
    public static long ToFen(decimal yuan)
    {
        var fen = yuan * 100m;
        if (fen != decimal.Truncate(fen)) throw new InvalidOperationException($"ledger amount {yuan} is not a whole number of fen");
        return (long)fen;
    }

    private static (string, (string, object?)[]) UpsertSql(IReadOnlyList<(string Person, int Year, string Bucket, long Fen)> rows, string prefix, bool add)
    {
        if (rows.Count == 0) return ("", []);
        var sql = new StringBuilder("INSERT INTO ledger_totals (person_id, year, bucket, amount_fen) VALUES ");
        var args = new (string, object?)[rows.Count * 4];
        for (int i = 0; i < rows.Count; i++)
        {
            if (i > 0) sql.Append(", ");
            sql.Append($"(@{prefix}p{i}, @{prefix}y{i}, @{prefix}b{i}, @{prefix}a{i})");
            args[4 * i] = ($"{prefix}p{i}", rows[i].Person);
            args[4 * i + 1] = ($"{prefix}y{i}", rows[i].Year);
            args[4 * i + 2] = ($"{prefix}b{i}", rows[i].Bucket);
            args[4 * i + 3] = ($"{prefix}a{i}", rows[i].Fen);
        }
        sql.Append(add
            ? OnConflictAdd
            : " ON CONFLICT (person_id, year, bucket) DO UPDATE SET amount_fen = excluded.amount_fen");
        return (sql.ToString(), args);
    }
}

/// <summary>
/// The owner of some measure buckets in the running totals (<see cref="LedgerTotals.MeasurePrefix"/> + its prefix):
/// recomputes them from the stored settlements for a rebuild.
/// </summary>
public interface ILedgerMeasureSource
{
    /// <summary>The buckets it owns start with this (itself starting with <see cref="LedgerTotals.MeasurePrefix"/>).</summary>
    string Prefix { get; }

    /// <summary>Its buckets' values recomputed for the persons and years of the scope (region and year, null: all).</summary>
    Task<List<LedgerTotal>> RecomputeAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx, string? region, int? year);
}
