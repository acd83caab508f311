using System.Data.Common;
using System.Text;
using Doudi.Server.Storage;

namespace Doudi.Server.Insights;

/// <summary>One row of the monthly aggregates, money in yuan.</summary>
public sealed record InsightRow(string Region, string Month, string Dimension, string Key, string Label, long Bills, long Assisted, long Quantity,
    decimal Total, decimal InPolicy, decimal Basic, decimal Critical, decimal Supplementary, decimal Assistance, decimal Tilted, decimal Burden, decimal SelfPay);

/// <summary>
/// The SQL of the monthly aggregates (<c>insight_monthly</c>): one multi-row upsert per settlement stored or reversed,
/// and grouped reads for the console's pages. Reads never touch the settlements table.
/// </summary>
public static class InsightStore
{
    public const string Region = "region", Township = "township", Category = "category", Kind = "kind",
        Institution = "institution", Diagnosis = "diagnosis", Item = "item";

    private const string Money = "total_fen, in_policy_fen, basic_fen, critical_fen, supplementary_fen, assistance_fen, tilted_fen, burden_fen, self_pay_fen";
    private static readonly string[] MoneyColumns = Money.Split(", ");

    /// <summary>
    /// Shards of a key's row (migration 0852): the region, township, category, kind, institution and diagnosis rows of a month
    /// take every settlement of the month, so each is split, and a transaction adds to the shard of its database connection
    /// (<see cref="Database.ConnectionSlot"/>): concurrent settlements of one server never wait on one row lock until commit.
    /// Reads sum over shards. Item rows (many keys) stay whole.
    /// </summary>
    public const int Shards = 64;

    public static int ShardOf(Database db, DbConnection c) => db.ConnectionSlot(c) % Shards;

    /// <summary>Adds (<paramref name="sign"/> = 1) or takes away (−1) one settlement, in the caller's transaction.</summary>
    public static async Task ApplyAsync(DbConnection c, DbTransaction tx, InsightFacts f, int sign, int shard)
    {
        foreach (var (sql, args) in ApplySql(f, sign, shard, "im_"))
            await c.ExecAsync(sql, tx, args);
    }

    /// <summary>
    /// The upserts of <see cref="ApplyAsync"/>, parameters named <paramref name="prefix"/>…, to send in a settlement's batch: first
    /// the rows of its region, township, category, kind, institution and diagnosis (a statement whose text depends only on whether
    /// the bill names an institution and a diagnosis, so it can join the settlement's other writes in one statement), then, when
    /// the bill lists items, its item codes' rows (a text that varies with their number).
    /// </summary>
    /// <remarks>Rows as VALUES, not arrays: for a few rows PostgreSQL's <c>unnest</c> of 18 arrays (a function scan each) costs
    /// more than the upsert itself.</remarks>
    public static List<(string Sql, (string, object?)[] Args)> ApplySql(InsightFacts f, int sign, int shard, string prefix)
    {
        var rows = RowsOf(f);
        var statements = new List<(string, (string, object?)[])> { ValuesSql(f, rows.Where(r => r.Dim != Item).ToList(), sign, shard, prefix) };
        if (rows.Where(r => r.Dim == Item).ToList() is { Count: > 0 } items) statements.Add(ValuesSql(f, items, sign, null, prefix + "i"));
        return statements;
    }

    /// <param name="shard">The shard of the rows; null: item rows (one shard, 0).</param>
    private static (string Sql, (string, object?)[] Args) ValuesSql(InsightFacts f,
        List<(string Dim, string Key, string Label, long Quantity, long[] Money, long Bills, long Assisted)> rows, int sign, int? shard, string p)
    {
        var sql = new StringBuilder($"INSERT INTO insight_monthly ({Columns}) VALUES ");
        var args = new List<(string, object?)>(3 + rows.Count * 15) { ($"{p}r", f.Region), ($"{p}m", f.Month) };
        if (shard is { } s) args.Add(($"{p}s", s));
        for (var i = 0; i < rows.Count; i++)
        {
            var (dim, key, label, qty, money, bills, ass) = rows[i];
            if (i > 0) sql.Append(", ");
            sql.Append($"(@{p}r, @{p}m, @{p}d{i}, @{p}k{i}, @{p}l{i}, {(shard is null ? "0" : $"@{p}s")}, @{p}b{i}, @{p}a{i}, @{p}q{i}");
            for (var j = 0; j < money.Length; j++) sql.Append($", @{p}v{i}_{j}");
            sql.Append(')');
            args.Add(($"{p}d{i}", dim)); args.Add(($"{p}k{i}", key)); args.Add(($"{p}l{i}", label));
            args.Add(($"{p}b{i}", bills * sign)); args.Add(($"{p}a{i}", ass * sign)); args.Add(($"{p}q{i}", qty * sign));
            for (var j = 0; j < money.Length; j++) args.Add(($"{p}v{i}_{j}", money[j] * sign));
        }
        sql.Append(OnConflict);
        return (sql.ToString(), args.ToArray());
    }

    private const string Columns = $"region, month, dimension, dim_key, label, shard, bills, assisted, quantity, {Money}";

    private static readonly string OnConflict =
        " ON CONFLICT (region, month, dimension, dim_key, shard) DO UPDATE SET " +
        "label = CASE WHEN excluded.label = '' THEN insight_monthly.label ELSE excluded.label END, " +
        string.Join(", ", new[] { "bills", "assisted", "quantity" }.Concat(MoneyColumns).Select(col => $"{col} = insight_monthly.{col} + excluded.{col}"));

    /// <summary>The rows one settlement adds to: its region, township, category and kind, institution, diagnosis, and each item code.</summary>
    private static List<(string Dim, string Key, string Label, long Quantity, long[] Money, long Bills, long Assisted)> RowsOf(InsightFacts f)
    {
        var rows = new List<(string Dim, string Key, string Label, long Quantity, long[] Money, long Bills, long Assisted)>();
        long[] all = [f.Total, f.InPolicy, f.Basic, f.Critical, f.Supplementary, f.Assistance, f.Tilted, f.Burden, f.SelfPay];
        long assisted = f.Assisted ? 1 : 0;
        rows.Add((Region, "", "", 0, all, 1, assisted));
        rows.Add((Township, f.Township ?? "", f.Township ?? "", 0, all, 1, assisted));
        rows.Add((Category, f.Category ?? "", "", 0, all, 1, assisted));
        rows.Add((Kind, f.Kind, "", 0, all, 1, assisted));
        if (f.Details.Institution is { } inst)
            rows.Add((Institution, inst.Code, inst.Name, 0, all, 1, assisted));
        if (f.Details.DiagnosisCode is { } dx)
            rows.Add((Diagnosis, dx, f.Details.DiagnosisName ?? "", 0, all, 1, assisted));
        // Items of one code on one bill are one row (a bill may list a drug twice).
        foreach (var g in f.Details.Items.GroupBy(i => i.Kind + ":" + i.Code, StringComparer.Ordinal))
        {
            var amount = g.Sum(i => InsightFacts.Fen(i.Amount));
            var outside = g.Where(i => !i.InCatalog).Sum(i => InsightFacts.Fen(i.Amount));
            var qty = (long)Math.Round(g.Sum(i => i.Quantity), MidpointRounding.AwayFromZero);
            rows.Add((Item, g.Key, g.First().Name, qty, [amount, amount - outside, 0, 0, 0, 0, 0, 0, outside], 1, 0));
        }
        return rows;
    }

    /// <summary>One summed row of <see cref="ApplyManyAsync"/>: the last non-empty label sent wins, as with one upsert after another.</summary>
    private sealed class Sum
    {
        public string Label = "";
        public long Bills, Assisted, Quantity;
        public readonly long[] Money = new long[9];
    }

    /// <summary>
    /// Adds many settlements at once (bulk imports), in the caller's transaction: the rows are summed in memory first (exact:
    /// integers of fen), then written by one upsert (PostgreSQL: the columns as arrays, <c>unnest</c>ed; SQLite: multi-row
    /// VALUES). The same totals as one <see cref="ApplyAsync"/> per settlement, at a fraction of the statements and locks.
    /// </summary>
    public static async Task ApplyManyAsync(DbConnection c, DbTransaction tx, IEnumerable<InsightFacts> facts, int sign, int shard)
    {
        var rows = Summed(facts, sign, shard);
        if (rows.Count == 0) return;
        if (c is Npgsql.NpgsqlConnection)
        {
            var (sql, args) = ApplyManySql(rows, "");
            await c.ExecAsync(sql, tx, args);
            return;
        }
        // SQLite: 50 rows (850 parameters) per statement.
        foreach (var part in rows.Chunk(50))
        {
            var sql = new StringBuilder($"INSERT INTO insight_monthly ({Columns}) VALUES ");
            var args = new List<(string, object?)>(part.Length * 17);
            for (var i = 0; i < part.Length; i++)
            {
                var ((region, month, dim, key, sh), s) = part[i];
                if (i > 0) sql.Append(", ");
                sql.Append($"(@r{i}, @m{i}, @d{i}, @k{i}, @l{i}, @s{i}, @b{i}, @a{i}, @q{i}");
                for (var j = 0; j < s.Money.Length; j++) sql.Append($", @v{i}_{j}");
                sql.Append(')');
                args.AddRange([($"r{i}", region), ($"m{i}", month), ($"d{i}", dim), ($"k{i}", key), ($"l{i}", s.Label), ($"s{i}", sh),
                    ($"b{i}", s.Bills), ($"a{i}", s.Assisted), ($"q{i}", s.Quantity)]);
                for (var j = 0; j < s.Money.Length; j++) args.Add(($"v{i}_{j}", s.Money[j]));
            }
            sql.Append(OnConflict);
            await c.ExecAsync(sql.ToString(), tx, args.ToArray());
        }
    }

    /// <summary>
    /// PostgreSQL: <see cref="ApplyManyAsync"/>'s one upsert, to send in a batch (parameters named by <paramref name="prefix"/>);
    /// null when there is nothing to add.
    /// </summary>
    public static (string Sql, (string, object?)[] Args)? ApplyManySql(IEnumerable<InsightFacts> facts, int sign, int shard, string prefix) =>
        Summed(facts, sign, shard) is { Count: > 0 } rows ? ApplyManySql(rows, prefix) : null;

    // The columns as arrays, unnested: one statement whatever the count.
    private static (string Sql, (string, object?)[] Args) ApplyManySql(List<KeyValuePair<(string Region, string Month, string Dim, string Key, int Shard), Sum>> rows, string p)
    {
        var args = new List<(string, object?)>
        {
            ($"{p}r", rows.Select(x => x.Key.Region).ToArray()), ($"{p}m", rows.Select(x => x.Key.Month).ToArray()),
            ($"{p}d", rows.Select(x => x.Key.Dim).ToArray()), ($"{p}k", rows.Select(x => x.Key.Key).ToArray()),
            ($"{p}l", rows.Select(x => x.Value.Label).ToArray()), ($"{p}s", rows.Select(x => (short)x.Key.Shard).ToArray()),
            ($"{p}b", rows.Select(x => x.Value.Bills).ToArray()), ($"{p}a", rows.Select(x => x.Value.Assisted).ToArray()),
            ($"{p}q", rows.Select(x => x.Value.Quantity).ToArray()),
        };
        for (var j = 0; j < MoneyColumns.Length; j++) { var jj = j; args.Add(($"{p}v{j}", rows.Select(x => x.Value.Money[jj]).ToArray())); }
        var names = string.Join(", ", args.Select(a => "@" + a.Item1));
        return ($"INSERT INTO insight_monthly ({Columns}) SELECT * FROM unnest({names}){OnConflict}", args.ToArray());
    }

    /// <summary>The rows of many settlements' facts summed in memory (exact: integers of fen), in key order: two writers (an import's
    /// two lanes) lock shared rows (items) in the same order, never in a cycle.</summary>
    private static List<KeyValuePair<(string Region, string Month, string Dim, string Key, int Shard), Sum>> Summed(IEnumerable<InsightFacts> facts, int sign, int shard)
    {
        var sums = new Dictionary<(string Region, string Month, string Dim, string Key, int Shard), Sum>();
        foreach (var f in facts)
            foreach (var (dim, key, label, qty, money, bills, ass) in RowsOf(f))
            {
                var k = (f.Region, f.Month, dim, key, dim == Item ? 0 : shard);
                if (!sums.TryGetValue(k, out var s)) sums[k] = s = new Sum();
                if (label.Length > 0) s.Label = label;
                s.Bills += bills * sign; s.Assisted += ass * sign; s.Quantity += qty * sign;
                for (var j = 0; j < money.Length; j++) s.Money[j] += money[j] * sign;
            }
        return sums.OrderBy(x => x.Key.Region, StringComparer.Ordinal).ThenBy(x => x.Key.Month, StringComparer.Ordinal)
            .ThenBy(x => x.Key.Dim, StringComparer.Ordinal).ThenBy(x => x.Key.Key, StringComparer.Ordinal).ThenBy(x => x.Key.Shard).ToList();
    }

    /// <summary>Sums of one dimension per key (and per month when <paramref name="byMonth"/>), for regions (null: all) and months from..to.</summary>
    public static Task<List<InsightRow>> SumAsync(DbConnection c, string dimension, string? region, string from, string to, bool byMonth, string? keyPrefix = null)
    {
        var where = "dimension = @d AND month >= @from AND month <= @to" + (region is null ? "" : " AND region = @r") + (keyPrefix is null ? "" : " AND dim_key LIKE @kp");
        var month = byMonth ? "month" : "''";
        var sums = "SUM(bills) AS bills, SUM(assisted) AS assisted, SUM(quantity) AS quantity, " + string.Join(", ", MoneyColumns.Select(col => $"SUM({col}) AS {col}"));
        return c.ListAsync(
            $"SELECT {month} AS month, dim_key, MAX(label) AS label, {sums} FROM insight_monthly WHERE {where} GROUP BY {(byMonth ? "month, " : "")}dim_key ORDER BY {(byMonth ? "month, " : "")}dim_key",
            null, r => new InsightRow(region ?? "", r.S("month"), dimension, r.S("dim_key"), r.S("label"), r.L("bills"), r.L("assisted"), r.L("quantity"),
                Y(r, "total_fen"), Y(r, "in_policy_fen"), Y(r, "basic_fen"), Y(r, "critical_fen"), Y(r, "supplementary_fen"), Y(r, "assistance_fen"),
                Y(r, "tilted_fen"), Y(r, "burden_fen"), Y(r, "self_pay_fen")),
            ("d", dimension), ("from", from), ("to", to), ("r", region), ("kp", keyPrefix + "%"));
    }

    /// <summary>Persons registered per township (the denominator of assistance per head on the map).</summary>
    public static Task<List<(string Township, long Persons)>> PersonsByTownshipAsync(DbConnection c, string region) =>
        c.ListAsync("SELECT COALESCE(township, '') AS township, COUNT(*) AS n FROM persons WHERE region = @r GROUP BY township", null,
            r => (r.S("township"), r.L("n")), ("r", region));

    /// <summary>Risk-pool entries per township and state, for a region and year.</summary>
    public static Task<List<(string Township, string State, long Count)>> RiskPoolByTownshipAsync(DbConnection c, string? region, int year) =>
        c.ListAsync("SELECT COALESCE(p.township, '') AS township, e.state, COUNT(*) AS n FROM risk_entries e JOIN persons p ON p.id = e.person_id " +
                    "WHERE e.year = @y" + (region is null ? "" : " AND e.region = @r") + " GROUP BY p.township, e.state", null,
            r => (r.S("township"), r.S("state"), r.L("n")), ("y", year), ("r", region));

    /// <summary>The risk-pool entries of a township's persons (at most 1,000), ID numbers in full: the caller masks them.</summary>
    public static Task<List<TownshipRiskEntry>> TownshipRiskEntriesAsync(DbConnection c, string region, string township, int year) =>
        c.ListAsync(
            "SELECT e.id, e.person_id, p.name, p.id_number, e.household_id, e.amount, e.threshold, e.cite, e.state FROM risk_entries e JOIN persons p ON p.id = e.person_id " +
            "WHERE e.region = @r AND e.year = @y AND p.township = @t ORDER BY e.created_at, e.id LIMIT 1000", null,
            r => new TownshipRiskEntry(r.S("id"), r.S("person_id"), r.S("name"), r.S("id_number"), r.Str("household_id"),
                r.IsDBNull(r.GetOrdinal("amount")) ? null : r.M("amount"), r.IsDBNull(r.GetOrdinal("threshold")) ? null : r.M("threshold"),
                r.S("cite"), r.S("state")),
            ("r", region), ("y", year), ("t", township));

    public static Task<string?> MapAsync(DbConnection c, string region) =>
        c.FirstAsync("SELECT geojson FROM insight_maps WHERE region = @r", null, r => r.S("geojson"), ("r", region));

    public static Task SetMapAsync(DbConnection c, DbTransaction tx, string region, string geojson, string source, string by) =>
        c.ExecAsync("INSERT INTO insight_maps (region, geojson, source, set_at, set_by) VALUES (@r, @g, @s, @t, @by) " +
                    "ON CONFLICT (region) DO UPDATE SET geojson = excluded.geojson, source = excluded.source, set_at = excluded.set_at, set_by = excluded.set_by", tx,
            ("r", region), ("g", geojson), ("s", source), ("t", DateTimeOffset.UtcNow), ("by", by));

    private static decimal Y(DbDataReader r, string col) => r.L(col) / 100m;
}
