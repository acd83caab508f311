using Doudi.Engine.Cases;
using Doudi.Engine.Identities;
using Doudi.Policy.Periods;

namespace Doudi.Engine.Settlement;

/// <summary>
/// Which policy settles a bill (P-7): the one in force on the bill's own date (I-1: a bill belongs to its settlement
/// date), the region's earlier policy when the catalogue has it. A bill dated before every policy the catalogue holds
/// for the region is still settled when a look-back window reaches it (I-15): the look-back clause of the policy in
/// force when the person was recognised brings the costs of the months before recognition into assistance
/// ("认定前12个月内医疗费用自负部分", "认定前6个月…政策范围内医疗费分类纳入医疗救助范围") and names no start for them, so that
/// policy settles the bill. Any other bill without a policy is refused, as before.
/// </summary>
internal static class PolicyReach
{
    public static PolicyPeriod? For(PolicyCatalog catalog, string region, Person? person, DateOnly date)
    {
        var period = catalog.Find(region, date);
        if (period is not null || person is null) return period;
        PolicyPeriod? reached = null;
        var earliest = DateOnly.MaxValue;
        foreach (var id in person.Identities)
        {
            // The earliest recognition whose window reaches the date: one answer whatever order the identities are listed in.
            if (!id.ForMedicalSpending || id.Recognized >= earliest) continue;
            if (catalog.Find(region, id.Recognized) is { } at && at.IsObject(id.Category) && IdentityRules.InLookBack(id, date, at))
            {
                reached = at;
                earliest = id.Recognized;
            }
        }
        return reached;
    }

    /// <summary>True when <paramref name="period"/> settles a bill dated before it, reached by a look-back window.</summary>
    public static bool Reached(PolicyPeriod period, Bill bill) => bill.Date < period.From;
}
