using Doudi.Engine.Cases;
using Doudi.Engine.Results;
using Doudi.Policy.Vocabulary;

namespace Doudi.Server.Insights;

/// <summary>An institution as the national platform sends it with a settlement (定点医药机构).</summary>
public sealed record InstitutionFact(string Code, string Name, int? Level, string? Township);

/// <summary>One itemised cost (费用明细): national catalogue code, kind drug/consumable/service, in or out of catalogue.</summary>
public sealed record ItemFact(string Code, string Name, string Kind, decimal Quantity, decimal Amount, bool InCatalog);

/// <summary>What a settlement carries beyond the bill the engine reads: who treated it, for what, itemised.</summary>
public sealed record SettlementDetails(InstitutionFact? Institution, string? DiagnosisCode, string? DiagnosisName, IReadOnlyList<ItemFact> Items)
{
    public static readonly SettlementDetails None = new(null, null, null, []);

    /// <summary>What the bill said beside the engine's inputs (Doudi.Cases' BillDocument): institution, diagnosis, item lines.</summary>
    public static SettlementDetails From(Doudi.Cases.BillDocument d)
    {
        var items = new List<ItemFact>(d.Bill.Items.Count);
        for (var i = 0; i < d.Bill.Items.Count; i++)
        {
            var item = d.Bill.Items[i];
            var line = i < d.Lines.Count ? d.Lines[i] : null;
            if (line?.Code is not { Length: > 0 } code) continue; // an item without a catalogue code cannot be ranked
            items.Add(new ItemFact(code, line.Name ?? "", Codes.ToCode(item.Kind), line.Quantity ?? 0m, item.Amount, item.InCatalog));
        }
        var inst = d.Institution is { Code: { Length: > 0 } ic } x ? new InstitutionFact(ic, x.Name ?? "", x.Level, x.Township) : null;
        return new SettlementDetails(inst, d.Diagnosis?.Code, d.Diagnosis?.Name, items);
    }

    /// <summary>The same, read back from what the settlement stored (settlement_context, settlement_items), for a reversal.</summary>
    public static async Task<SettlementDetails> LoadAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction? tx, string settlementId)
    {
        var ctx = await Doudi.Server.Storage.Sql.FirstAsync(c, "SELECT * FROM settlement_context WHERE settlement_id = @id", tx,
            r => new Tuple<InstitutionFact?, string?, string?>(
                Doudi.Server.Storage.Sql.Str(r, "institution_code") is { Length: > 0 } code
                    ? new InstitutionFact(code, Doudi.Server.Storage.Sql.Str(r, "institution_name") ?? "", r.IsDBNull(r.GetOrdinal("institution_level")) ? null : Doudi.Server.Storage.Sql.I(r, "institution_level"), Doudi.Server.Storage.Sql.Str(r, "township"))
                    : null,
                Doudi.Server.Storage.Sql.Str(r, "diagnosis_code"), Doudi.Server.Storage.Sql.Str(r, "diagnosis_name")), ("id", settlementId));
        var items = await Doudi.Server.Storage.Sql.ListAsync(c, "SELECT code, name, kind, in_catalog, quantity, amount FROM settlement_items WHERE settlement_id = @id AND code IS NOT NULL ORDER BY line", tx,
            r => new ItemFact(Doudi.Server.Storage.Sql.S(r, "code"), Doudi.Server.Storage.Sql.Str(r, "name") ?? "", Doudi.Server.Storage.Sql.S(r, "kind"),
                r.IsDBNull(r.GetOrdinal("quantity")) ? 0m : Doudi.Server.Storage.Sql.M(r, "quantity"), Doudi.Server.Storage.Sql.M(r, "amount"), Doudi.Server.Storage.Sql.B(r, "in_catalog")),
            ("id", settlementId));
        return new SettlementDetails(ctx?.Item1, ctx?.Item2, ctx?.Item3, items);
    }
}

/// <summary>
/// The figures one settlement adds to (or, reversed, takes from) the monthly aggregates, in fen. Self-pay (自费) is the
/// cost outside the policy scope (total − in-policy), the measure of fuyang's institution assessment (二.2).
/// </summary>
public sealed record InsightFacts(string Region, string Month, string? Township, string? Category, string Kind, bool Assisted,
    long Total, long InPolicy, long Basic, long Critical, long Supplementary, long Assistance, long Tilted, long Burden, long SelfPay,
    SettlementDetails Details)
{
    public static InsightFacts From(string region, string? township, Bill bill, BillResult result, SettlementDetails? details) => new(
        region, bill.Date.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), township,
        result.Category is { } cat ? Codes.ToCode(cat) : null, Codes.ToCode(bill.Kind), result.Assistance + result.Tilted > 0,
        Fen(bill.Total), Fen(bill.InPolicy), Fen(bill.BasicPaid), Fen(result.CriticalIllness), Fen(result.Supplementary),
        Fen(result.Assistance), Fen(result.Tilted), Fen(result.PersonalBurden), Fen(Math.Max(0m, bill.Total - bill.InPolicy)),
        details ?? SettlementDetails.None);

    public static long Fen(decimal yuan) => (long)decimal.Round(yuan * 100m, 0, MidpointRounding.AwayFromZero);
}
