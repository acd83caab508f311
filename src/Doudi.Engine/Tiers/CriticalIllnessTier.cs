using Doudi.Engine.Cases;
using Doudi.Engine.Settlement;
using Doudi.Engine.Tracing;
using Doudi.Policy.Periods;
using Doudi.Policy.Vocabulary;

namespace Doudi.Engine.Tiers;

/// <summary>
/// Critical-illness insurance (大病保险). Normally the upstream settlement has paid it and the bill says how
/// much; when the bill leaves it to the engine (<c>criticalPaid: null</c>), the base deductible, ratio and cap
/// come from a local parameter file (I-11) and the policy's preferences for difficult groups apply
/// (deductible −50%, ratio +5 points or at least 80%, no cap).
/// </summary>
internal static class CriticalIllnessTier
{
    public const string BaseKey = "critical.base";
    public const string PaidKey = "critical.paid";

    // The upstream payment is cited to the clause that orders the tiers (period.TiersCite, I-11); the usual plain 0 is a
    // step shared by the period's bills (BillSettler's shared steps).
    public static TraceStep Upstream(PolicyPeriod period, decimal paid) => new("critical_illness", paid, period.TiersCite, "I-11", Formulas.Upstream,
        "大病保险已由上游结算支付 paid by the upstream settlement: {0}", paid);

    private static Policy.Parameters.Citation? PreferenceCite(CriticalPreference? p) =>
        p is null ? null : (p.DeductibleFactor?.Cite ?? p.RatioBonus?.Cite ?? p.RatioFloor?.Cite ?? p.NoCap?.Cite);

    public static decimal Settle(PolicyPeriod period, Bill bill, Category? category, Settlement.PersonLedger ledger, BillOutcome o, BillPath path, List<SettlementProblem> problems,
        TraceStep noUpstream)
    {
        if (bill.CriticalPaid is { } upstream)
        {
            // Most bills had no critical illness upstream: one shared step for a plain 0 (TraceStep never changes).
            o.Trace.Add(upstream == 0m && upstream.Scale == 0 && !decimal.IsNegative(upstream)
                ? noUpstream : Upstream(period, upstream));
            return upstream;
        }
        var c = period.Critical;
        if (c?.Deductible is not { Value.Missing: false } deductible || c.Ratio is not { } ratio || c.Cap is not { Value.Missing: false } cap)
        {
            problems.Add(new(path + ".criticalPaid",
                $"未给出大病保险支付额，且 {period.Region} 无大病保险基础参数（起付线、比例、封顶线）; give criticalPaid or load a local parameter file (I-11)"));
            return 0m;
        }

        var pref = category is { } cat ? c.Preference[(int)cat] : null;
        decimal d = deductible.Value.Amount * (pref?.DeductibleFactor?.Value ?? 1m);
        decimal r = ratio.Value + (pref?.RatioBonus?.Value ?? 0m);
        if (pref?.RatioFloor is { } floor && r < floor.Value) r = floor.Value;
        if (r > 1m) r = 1m;

        // The deductible is annual: it is met by the running in-policy remainder after basic insurance.
        decimal before = ledger.Counted(BaseKey);
        decimal thisBase = Math.Max(0m, bill.InPolicy - bill.BasicPaid);
        decimal covered = Math.Max(0m, before + thisBase - d) - Math.Max(0m, before - d);
        decimal paid = Money.Round(covered * r);
        o.Count(BaseKey, thisBase);
        o.Trace.Add(new TraceStep("critical_illness", paid, PreferenceCite(pref) ?? ratio.Cite, "I-11", Formulas.CriticalBand,
            "起付线 {0}，此前累计基数 {1}，本单基数 {2}，超过起付线部分 × 比例 {3%}%", d, before, thisBase, r));

        bool noCap = pref?.NoCap?.Value == true || cap.Value.Unlimited;
        if (!noCap)
        {
            decimal left = Math.Max(0m, cap.Value.Amount - ledger.Counted(PaidKey));
            if (paid > left)
            {
                o.Trace.Add(new TraceStep("critical_illness_cap", left, cap.Cite, period.Interpretation(Mechanisms.Rounding), Formulas.LimitLeft,
                    "年度封顶 {0}，已付 {1}，本单应付 {2}，限 {=}", cap.Value.Amount, ledger.Counted(PaidKey), paid));
                paid = left;
            }
        }
        o.Count(PaidKey, paid);
        return paid;
    }
}
