using Doudi.Engine.Cases;
using Doudi.Engine.Identities;
using Doudi.Engine.Results;
using Doudi.Engine.Settlement;
using Doudi.Engine.Tracing;

namespace Doudi.Engine.Retroactive;

/// <summary>A supplementary payment owed on a bill already settled, after an identity reached back to it.</summary>
public sealed record SupplementaryPayment(string BillId, string Person, DateOnly Date, decimal PaidBefore, decimal DueNow, decimal Difference,
    IReadOnlyList<TraceStep> Trace);

/// <summary>
/// Retroactive assistance: when an identity is entered late, the person's bills it covers are settled again with it
/// and the difference becomes a supplementary payment, traced to its rule. It covers the bills dated on or after the
/// day it takes effect (I-1) — settled before it was entered, without it — and, for an identity recognised for medical
/// spending, the bills of its look-back window (I-15: wenzhou-2020 12 months, fuyang 6 months). Other bills are not
/// reopened: what was paid on them stands.
/// </summary>
public static class RetroactiveAssistance
{
    /// <param name="file">the person's case as it was settled (identities before the new one, the bills of every year it touches)</param>
    /// <param name="paid">the stored results of <paramref name="file"/>'s bills, by bill id</param>
    public static IReadOnlyList<SupplementaryPayment> Compute(SettlementEngine engine, CaseFile file, string personId, Identity arrived,
        IReadOnlyDictionary<string, BillResult> paid)
    {
        var persons = file.Persons.Select(p => p.Id == personId ? p with { Identities = [.. p.Identities, arrived] } : p).ToList();
        var again = engine.SettleBills(file with { Persons = persons });

        var payments = new List<SupplementaryPayment>();
        for (int i = 0; i < file.Bills.Count; i++)
        {
            var bill = file.Bills[i];
            if (bill.Person != personId) continue;
            var period = engine.Catalog.Find(file.Region, bill.Date);
            if (period is null) continue;
            bool lookBack = IdentityRules.InLookBack(arrived, bill.Date, period);
            bool held = period.IsObject(arrived.Category) && IdentityRules.HeldOn(arrived, bill.Date, period);
            if (!lookBack && !held) continue;
            var now = again[i];
            decimal before = paid.TryGetValue(bill.Id, out var old) ? old.Assistance + old.Tilted : 0m;
            decimal due = now.Assistance + now.Tilted;
            if (due <= before) continue;
            // A look-back bill is reopened by the window (I-15); any other by the identity's own start date (I-1).
            var step = lookBack
                ? new TraceStep("retroactive", due - before, period.Lookback!.Months.Cite, "I-15", Formulas.Less,
                    "回溯期内重新结算：应付 {0} − 已付 {1} = 补付 {=}", due, before)
                : new TraceStep("retroactive", due - before, (period.IdentityNextMonth ?? period.Objects[(int)arrived.Category])!, "I-1",
                    Formulas.Less, "身份生效后、补录前结算的单据按该身份重新结算：应付 {0} − 已付 {1} = 补付 {=}", due, before);
            payments.Add(new SupplementaryPayment(bill.Id, personId, bill.Date, before, due, due - before, [.. now.Trace, step]));
        }
        return payments;
    }
}
