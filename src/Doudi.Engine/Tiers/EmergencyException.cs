using Doudi.Engine.Cases;
using Doudi.Engine.Tracing;
using Doudi.Policy.Periods;
using Doudi.Policy.Vocabulary;

namespace Doudi.Engine.Tiers;

/// <summary>
/// An exclusion that an emergency lifts (wenzhou-2020 第十四条（二）: costs at a non-designated institution are outside
/// assistance "紧急情况除外"): a bill that says it was treated in an emergency is assisted like any other bill, and its
/// trace says why the exclusion did not apply (P-8). Where the policy names no such exception the flag changes nothing.
/// </summary>
internal static class EmergencyException
{
    /// <summary>True when <paramref name="reason"/> would exclude the bill but the policy lifts it for an emergency.</summary>
    public static bool Lifts(PolicyPeriod period, Bill bill, Exclusion reason) =>
        bill.Emergency && reason != Exclusion.None && period.EmergencyExcepted[(int)reason] is not null;

    /// <summary>The steps saying an exclusion was lifted, one per exclusion the period excepts (made once per period).</summary>
    public static TraceStep?[] Steps(PolicyPeriod period)
    {
        var steps = new TraceStep?[period.EmergencyExcepted.Length];
        for (int r = 0; r < steps.Length; r++)
            if (period.EmergencyExcepted[r] is { } cite)
                steps[r] = new TraceStep("exclusion", 0m, cite, cite.Interpretation ?? "P-8", Formulas.None,
                    $"{Codes.ToCode((Exclusion)r)}：紧急情况除外，不因此排除医疗救助 emergency: this exclusion does not apply");
        return steps;
    }
}
