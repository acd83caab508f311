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
