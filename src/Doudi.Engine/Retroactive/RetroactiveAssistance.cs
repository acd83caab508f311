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
/// Retroactive assistance: when an identity recognised for medical spending arrives, the person's bills in its
/// look-back window (I-15: wenzhou-2020 第八条（三） 12 months, fuyang 二.3 6 months) are settled again with
/// the identity and the difference becomes a supplementary payment, traced to the window rule. Bills outside
/// the window are not reopened: what was paid on them stands.
/// </summary>
public static class RetroactiveAssistance
{
    /// <param name="file">the person's case as it was settled (identities before the new one, the year's bills)</param>
    /// <param name="paid">the stored results of <paramref name="file"/>'s bills, by bill id</param>
    public static IReadOnlyList<SupplementaryPayment> Compute(SettlementEngine engine, CaseFile file, string personId, Identity arrived,
        IReadOnlyDictionary<string, BillResult> paid)
    {
        if (!arrived.ForMedicalSpending) return [];
        var persons = file.Persons.Select(p => p.Id == personId ? p with { Identities = [.. p.Identities, arrived] } : p).ToList();
        var again = engine.SettleCase(file with { Persons = persons });

        var payments = new List<SupplementaryPayment>();
        for (int i = 0; i < file.Bills.Count; i++)
        {
            var bill = file.Bills[i];
            if (bill.Person != personId) continue;
            var period = engine.Catalog.Find(file.Region, bill.Date);
            if (period is null || !IdentityRules.InLookBack(arrived, bill.Date, period)) continue;
            var now = again.Bills[i];
            decimal before = paid.TryGetValue(bill.Id, out var old) ? old.Assistance + old.Tilted : 0m;
            decimal due = now.Assistance + now.Tilted;
            if (due <= before) continue;
            var trace = new List<TraceStep>(now.Trace)
            {
                new("retroactive", due - before, period.Lookback!.Months.Cite, "I-15", Formulas.Less,
                    "回溯期内重新结算：应付 {0} − 已付 {1} = 补付 {=}", due, before),
            };
            payments.Add(new SupplementaryPayment(bill.Id, personId, bill.Date, before, due, due - before, trace));
        }
        return payments;
    }
}
