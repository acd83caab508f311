using System.Data.Common;
using System.Text;
using Doudi.Cases;
using Doudi.Policy.Vocabulary;
using Doudi.Server.Storage;

namespace Doudi.Server.Settlements;

/// <summary>
/// What a bill said beside the engine's inputs, stored with its settlement for the bureau's dashboards: the institution
/// (code, name, level, township), the main diagnosis (ICD-10) and the item lines with their catalogue codes.
/// Written in the settlement's transaction; never changed afterwards (a reversal keeps them, like the settlement row).
/// </summary>
public static class SettlementContext
{
    private const int ItemsPerStatement = 400;

    public static bool HasContext(BillDocument d) => d.Institution is not null || d.Diagnosis is not null;

    /// <summary>The statement that stores the institution and diagnosis (to send with the settlement's writes), or "".</summary>
    public static string Sql(BillDocument d) => HasContext(d)
        ? $"INSERT INTO settlement_context ({ContextColumns}) " +
          "VALUES (@id, @ctx_ic, @ctx_in, @ctx_il, @ctx_t, @ctx_dc, @ctx_dn)"
        : "";

    public static (string, object?)[] Parameters(BillDocument d) => HasContext(d)
        ? [("ctx_ic", d.Institution?.Code), ("ctx_in", d.Institution?.Name), ("ctx_il", d.Institution?.Level), ("ctx_t", d.Institution?.Township),
           ("ctx_dc", d.Diagnosis?.Code), ("ctx_dn", d.Diagnosis?.Name)]
        : [];

    /// <summary>The item lines, several hundred per statement.</summary>
    public static async Task WriteItemsAsync(DbConnection c, DbTransaction tx, BillDocument d)
    {
        foreach (var (sql, args) in ItemsSql(d))
            await c.ExecAsync(sql, tx, [("id", d.Bill.Id), .. args]);
    }

    /// <summary>
    /// The statements that store the item lines, several hundred per statement, to send in the settlement's batch: they read
    /// the settlement id from parameter @id (not among their parameters, which are named by line: l0, c0, …).
    /// </summary>
    public static IEnumerable<(string Sql, (string, object?)[] Args)> ItemsSql(BillDocument d)
    {
        var items = ItemRows(d).ToList();
        for (int start = 0; start < items.Count; start += ItemsPerStatement)
        {
            int end = Math.Min(items.Count, start + ItemsPerStatement);
            var sql = new StringBuilder($"INSERT INTO settlement_items ({ItemColumns}) VALUES ");
            var args = new List<(string, object?)>((end - start) * 8);
            for (int i = start; i < end; i++)
            {
                if (i > start) sql.Append(',');
                sql.Append($"(@id, @l{i}, @c{i}, @n{i}, @k{i}, @x{i}, @g{i}, @q{i}, @a{i})");
                var row = items[i];
                args.Add(($"l{i}", row[1])); args.Add(($"c{i}", row[2])); args.Add(($"n{i}", row[3])); args.Add(($"k{i}", row[4]));
                args.Add(($"x{i}", row[5])); args.Add(($"g{i}", row[6])); args.Add(($"q{i}", row[7])); args.Add(($"a{i}", row[8]));
            }
            yield return (sql.ToString(), args.ToArray());
        }
    }

    public const string ItemColumns = "settlement_id, line, code, name, kind, item_class, in_catalog, quantity, amount";
    public const string ContextColumns = "settlement_id, institution_code, institution_name, institution_level, township, diagnosis_code, diagnosis_name";

    /// <summary>The item lines as rows of <see cref="ItemColumns"/> (the bulk import copies them).</summary>
    public static IEnumerable<object?[]> ItemRows(BillDocument d)
    {
        var items = d.Bill.Items;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var line = i < d.Lines.Count ? d.Lines[i] : null;
            yield return [d.Bill.Id, i, line?.Code, line?.Name, Codes.ToCode(item.Kind), item.Class == ItemClass.None ? null : Codes.ToCode(item.Class),
                item.InCatalog, line?.Quantity, item.Amount];
        }
    }

    /// <summary>The institution and diagnosis as a row of <see cref="ContextColumns"/>, or null.</summary>
    public static object?[]? ContextRow(BillDocument d) => HasContext(d)
        ? [d.Bill.Id, d.Institution?.Code, d.Institution?.Name, d.Institution?.Level, d.Institution?.Township, d.Diagnosis?.Code, d.Diagnosis?.Name]
        : null;
}
