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

    /// <summary>Adds (<paramref name="sign"/> = 1) or takes away (−1) one settlement, in the caller's transaction.</summary>
    public static Task ApplyAsync(DbConnection c, DbTransaction tx, InsightFacts f, int sign) => UpsertAsync(c, tx, RowsOf(f, sign));

    /// <summary>
    /// Adds many settlements (bulk import): their rows summed per key first, then upserted in a few statements, in the order
    /// one settlement writes its dimensions (region, township, …), so concurrent writers take the rows' locks alike.
    /// </summary>
    public static async Task ApplyManyAsync(DbConnection c, DbTransaction tx, IEnumerable<InsightFacts> facts)
    {
        var sums = new Dictionary<(string, string, string, string), Delta>();
        var order = new List<(string, string, string, string)>();
        foreach (var f in facts)
            foreach (var d in RowsOf(f, +1))
            {
                var key = (d.Region, d.Month, d.Dim, d.Key);
                if (sums.TryGetValue(key, out var had)) sums[key] = had.Plus(d);
                else { sums[key] = d; order.Add(key); }
            }
        var rows = order.Select(k => sums[k]).OrderBy(d => Array.IndexOf(DimensionOrder, d.Dim)).ThenBy(d => d.Region, StringComparer.Ordinal)
            .ThenBy(d => d.Month, StringComparer.Ordinal).ThenBy(d => d.Key, StringComparer.Ordinal).ToList();
        for (var i = 0; i < rows.Count; i += RowsPerStatement) await UpsertAsync(c, tx, rows.GetRange(i, Math.Min(RowsPerStatement, rows.Count - i)));
    }

    private const int RowsPerStatement = 500;
    private static readonly string[] DimensionOrder = [Region, Township, Category, Kind, Institution, Diagnosis, Item];

    /// <summary>One row's change: counts and money (fen) already signed.</summary>
    private sealed record Delta(string Region, string Month, string Dim, string Key, string Label, long Bills, long Assisted, long Quantity, long[] Money)
    {
        public Delta Plus(Delta o) => this with
        {
            Label = o.Label.Length > 0 ? o.Label : Label, Bills = Bills + o.Bills, Assisted = Assisted + o.Assisted, Quantity = Quantity + o.Quantity,
            Money = Money.Zip(o.Money, (a, b) => a + b).ToArray(),
        };
    }

    private static List<Delta> RowsOf(InsightFacts f, int sign)
    {
        var rows = new List<Delta>();
        long[] all = [f.Total * sign, f.InPolicy * sign, f.Basic * sign, f.Critical * sign, f.Supplementary * sign, f.Assistance * sign, f.Tilted * sign, f.Burden * sign, f.SelfPay * sign];
        long assisted = (f.Assisted ? 1 : 0) * sign;
        Delta Row(string dim, string key, string label, long qty, long[] money, long bills, long ass) => new(f.Region, f.Month, dim, key, label, bills, ass, qty, money);
        rows.Add(Row(Region, "", "", 0, all, sign, assisted));
        rows.Add(Row(Township, f.Township ?? "", f.Township ?? "", 0, all, sign, assisted));
        rows.Add(Row(Category, f.Category ?? "", "", 0, all, sign, assisted));
        rows.Add(Row(Kind, f.Kind, "", 0, all, sign, assisted));
        if (f.Details.Institution is { } inst)
            rows.Add(Row(Institution, inst.Code, inst.Name, 0, all, sign, assisted));
        if (f.Details.DiagnosisCode is { } dx)
            rows.Add(Row(Diagnosis, dx, f.Details.DiagnosisName ?? "", 0, all, sign, assisted));
        // Items of one code on one bill are one row (a bill may list a drug twice).
        foreach (var g in f.Details.Items.GroupBy(i => i.Kind + ":" + i.Code, StringComparer.Ordinal))
        {
            var amount = g.Sum(i => InsightFacts.Fen(i.Amount));
            var outside = g.Where(i => !i.InCatalog).Sum(i => InsightFacts.Fen(i.Amount));
            var qty = (long)Math.Round(g.Sum(i => i.Quantity), MidpointRounding.AwayFromZero);
            rows.Add(Row(Item, g.Key, g.First().Name, qty * sign, [amount * sign, (amount - outside) * sign, 0, 0, 0, 0, 0, 0, outside * sign], sign, 0));
        }
        return rows;
    }

    private static Task UpsertAsync(DbConnection c, DbTransaction tx, IReadOnlyList<Delta> rows)
    {
        var sql = new StringBuilder($"INSERT INTO insight_monthly (region, month, dimension, dim_key, label, bills, assisted, quantity, {Money}) VALUES ");
        var args = new List<(string, object?)>();
        for (var i = 0; i < rows.Count; i++)
        {
            var d = rows[i];
            if (i > 0) sql.Append(", ");
            sql.Append($"(@r{i}, @m{i}, @d{i}, @k{i}, @l{i}, @b{i}, @a{i}, @q{i}");
            for (var j = 0; j < d.Money.Length; j++) sql.Append($", @v{i}_{j}");
            sql.Append(')');
            args.Add(($"r{i}", d.Region)); args.Add(($"m{i}", d.Month));
            args.Add(($"d{i}", d.Dim)); args.Add(($"k{i}", d.Key)); args.Add(($"l{i}", d.Label));
            args.Add(($"b{i}", d.Bills)); args.Add(($"a{i}", d.Assisted)); args.Add(($"q{i}", d.Quantity));
            for (var j = 0; j < d.Money.Length; j++) args.Add(($"v{i}_{j}", d.Money[j]));
        }
        sql.Append(" ON CONFLICT (region, month, dimension, dim_key) DO UPDATE SET ");
        sql.Append("label = CASE WHEN excluded.label = '' THEN insight_monthly.label ELSE excluded.label END, ");
        sql.Append(string.Join(", ", new[] { "bills", "assisted", "quantity" }.Concat(MoneyColumns).Select(col => $"{col} = insight_monthly.{col} + excluded.{col}")));
        return c.ExecAsync(sql.ToString(), tx, args.ToArray());
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

    public static Task<string?> MapAsync(DbConnection c, string region) =>
        c.FirstAsync("SELECT geojson FROM insight_maps WHERE region = @r", null, r => r.S("geojson"), ("r", region));

    public static Task SetMapAsync(DbConnection c, DbTransaction tx, string region, string geojson, string source, string by) =>
        c.ExecAsync("INSERT INTO insight_maps (region, geojson, source, set_at, set_by) VALUES (@r, @g, @s, @t, @by) " +
                    "ON CONFLICT (region) DO UPDATE SET geojson = excluded.geojson, source = excluded.source, set_at = excluded.set_at, set_by = excluded.set_by", tx,
            ("r", region), ("g", geojson), ("s", source), ("t", DateTimeOffset.UtcNow), ("by", by));

    private static decimal Y(DbDataReader r, string col) => r.L(col) / 100m;
}
