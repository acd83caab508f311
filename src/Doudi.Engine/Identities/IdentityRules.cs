using Doudi.Engine.Cases;
using Doudi.Policy.Periods;
using Doudi.Policy.Vocabulary;

namespace Doudi.Engine.Identities;

/// <summary>A category a person may be settled under for one bill: held on the date, or reached back to by a look-back window.</summary>
public readonly record struct Candidate(Category Category, Identity Identity, bool LookBack);

/// <summary>
/// When identities count (I-1) and which ones a bill may use (I-2 picks the best of them later).
/// </summary>
public static class IdentityRules
{
    /// <summary>I-1: recognised on day d of month M → from day 1 of M+1; revoked in month M → to the last day of M.</summary>
    public static DateOnly EffectiveFrom(Identity id, PolicyPeriod period) =>
        period.IdentityNextMonth is null ? id.Recognized : FirstOfNextMonth(id.Recognized);

    public static DateOnly EffectiveTo(Identity id) =>
        id.Revoked is { } r ? new DateOnly(r.Year, r.Month, DateTime.DaysInMonth(r.Year, r.Month)) : DateOnly.MaxValue;

    public static bool HeldOn(Identity id, DateOnly date, PolicyPeriod period) =>
        EffectiveFrom(id, period) <= date && date <= EffectiveTo(id);

    /// <summary>
    /// I-15: a person recognised for medical spending reaches back <c>months</c> before the recognition date,
    /// up to the day before the identity takes effect, so no bill falls between the window and the identity. Only the
    /// categories the policy names reach back (those admitted for medical spending: subsistence and marginal); the flag
    /// on another category opens no window.
    /// </summary>
    public static bool InLookBack(Identity id, DateOnly date, PolicyPeriod period) =>
        id.ForMedicalSpending && period.Lookback is { } lb && (lb.Categories is null || lb.Categories.Contains(id.Category))
        && id.Recognized.AddMonths(-lb.Months.Value) <= date && date < EffectiveFrom(id, period);

    /// <summary>The first and last day of an identity's look-back window (I-15).</summary>
    public static (DateOnly Start, DateOnly End) LookBackWindow(Identity id, PolicyPeriod period) =>
        (id.Recognized.AddMonths(-period.Lookback!.Months.Value), EffectiveFrom(id, period).AddDays(-1));

    /// <summary>
    /// I-13: an identity held on a day for an annual test ("持有效期内…证" on 31 December): recognised on or before the
    /// day, and not ended before it (a revocation counts to its month's end, I-1). The next-month start of I-1 is for
    /// per-bill benefits only.
    /// </summary>
    public static bool CertificateHeldOn(Identity id, DateOnly date) => id.Recognized <= date && date <= EffectiveTo(id);

    public static void Collect(Person person, DateOnly date, PolicyPeriod period, List<Candidate> into)
    {
        into.Clear();
        foreach (var id in person.Identities)
        {
            if (!period.IsObject(id.Category)) continue;
            if (HeldOn(id, date, period)) into.Add(new Candidate(id.Category, id, false));
            else if (InLookBack(id, date, period)) into.Add(new Candidate(id.Category, id, true));
        }
    }

    private static DateOnly FirstOfNextMonth(DateOnly d) => new DateOnly(d.Year, d.Month, 1).AddMonths(1);
}
