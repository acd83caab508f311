using Doudi.Engine.Cases;
using Doudi.Engine.Settlement;
using Doudi.Engine.Tracing;
using Doudi.Policy.Periods;
using Doudi.Policy.Vocabulary;

namespace Doudi.Engine.Tiers;

/// <summary>
/// Pengshui's tilted assistance (倾斜救助): for a referred bill treated within the city, when the single-visit
/// in-policy remainder after the three tiers reaches the category's line, 60% of the part above it (I-6),
/// within an annual limit; only the categories with a line (I-16).
/// </summary>
internal static class TiltedTier
{
    public const string Key = "tilted";

    /// <summary>The step saying the conditions hold (made once per period): the auditor sees why the bill qualified.</summary>
    public static TraceStep? ConditionsStep(PolicyPeriod period) =>
        period.Tilted?.NeedsReferral is { } c
            ? new TraceStep("tilted_condition", 0m, c, "I-16", Formulas.None, "规范转诊且在市内就医 referred and treated within the city")
            : null;

    public static void Settle(PolicyPeriod period, Bill bill, Category category, PersonLedger ledger, BillOutcome o, BillPath path, List<SettlementProblem> problems,
        TraceStep? conditions)
    {
        if (period.Tilted is not { } t) return;
        if (!t.Kinds[(int)bill.Kind] || t.Line[(int)category] is not { } line) return;
        if (t.NeedsReferral is { } nr && !bill.Referred)
        {
            o.Trace.Add(new TraceStep("tilted", 0m, nr, "I-19", Formulas.None, "未规范转诊，不予倾斜救助 not referred"));
            return;
        }
        if (t.NeedsWithinCity is { } wc && !bill.WithinCity)
        {
            o.Trace.Add(new TraceStep("tilted", 0m, wc, "I-16", Formulas.None, "非市内就医，不予倾斜救助 not treated within the city"));
            return;
        }
        if (conditions is not null) o.Trace.Add(conditions);
        bool suppBefore = period.SupplementaryBeforeAssistance?.Value == true;
        decimal remainder = Math.Max(0m, bill.InPolicy - bill.BasicPaid - o.Critical - o.Assistance - (suppBefore ? bill.SupplementaryPaid : 0m));
        if (remainder < line.Value)
        {
            o.Trace.Add(new TraceStep("tilted", 0m, line.Cite, "I-6", Formulas.BelowLine,
                "三重保障后政策范围内自付 {0} 未达起付线 {1} below the line", remainder, line.Value));
            return;
        }
        decimal pay = Money.Round(t.Ratio.Value * (remainder - line.Value));
        o.Trace.Add(new TraceStep("tilted", pay, line.Cite, "I-6", Formulas.RatioOfExcess,
            "{0%}% × (自付 {1} − 起付线 {2})", t.Ratio.Value, remainder, line.Value));
        if (t.Limit.Value.Missing)
        {
            problems.Add(new(path, $"倾斜救助年度限额无取值 tilted.limit has no value ({t.Limit.Cite.Rule})"));
            return;
        }
        if (!t.Limit.Value.Unlimited)
        {
            decimal counted = ledger.Counted(Key);
            decimal left = Math.Max(0m, t.Limit.Value.Amount - counted);
            if (pay > left)
            {
                o.Trace.Add(new TraceStep("tilted_limit", left, t.Limit.Cite, period.Interpretation(Mechanisms.LimitOrder), Formulas.LimitLeft,
                    "倾斜救助年度限额 {0}，已救助 {1}，本单应付 {2}，最多 {=}", t.Limit.Value.Amount, counted, pay));
                pay = left;
            }
        }
        o.Tilted = pay;
        o.Count(Key, pay);
    }
}
