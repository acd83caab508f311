using Doudi.Engine.Cases;
using Doudi.Engine.Tracing;
using Doudi.Policy.Periods;

namespace Doudi.Engine.Tiers;

/// <summary>
/// Treatment outside the city where the policy settles it at the local standards (wenzhou-2020 第二十四条): the bill
/// is assisted like a bill treated in the city, and its trace says so, with whether the bill records the referral or
/// filing the clause asks for. The clause sets no other amount and names no exclusion for a bill without it (P-6), so
/// the step pays nothing itself and changes nothing that follows.
/// </summary>
internal static class OutOfCityRule
{
    /// <summary>The two steps a period may need (referred or filed; not recorded), made once per period; null when the rule is absent.</summary>
    public static (TraceStep Referred, TraceStep NotRecorded)? Steps(PolicyPeriod period) =>
        period.OutOfCityLocalStandard is { } cite
            ? (new TraceStep("out_of_city", 0m, cite, cite.Interpretation ?? "P-6", Formulas.None,
                    "市外就医，已转诊或备案：按本地就医的相应救助政策标准结算 treated outside the city, referred or filed: local standards"),
               new TraceStep("out_of_city", 0m, cite, cite.Interpretation ?? "P-6", Formulas.None,
                    "市外就医，单据未载转诊或备案：该条未规定不予救助，除外条款亦未列此情形，按本地就医标准结算 " +
                    "treated outside the city, no referral or filing recorded: the clause names no exclusion for it, local standards apply"))
            : null;

    /// <summary>Adds the step for a bill treated outside the city; nothing for one treated within it.</summary>
    public static void Trace(Bill bill, (TraceStep Referred, TraceStep NotRecorded)? steps, BillOutcome o)
    {
        if (bill.WithinCity || steps is not { } s) return;
        o.Trace.Add(bill.Referred ? s.Referred : s.NotRecorded);
    }
}
