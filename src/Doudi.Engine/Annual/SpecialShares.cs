using Doudi.Engine.Results;
using Doudi.Engine.Tiers;
using Doudi.Engine.Tracing;
using Doudi.Policy.Parameters;
using Doudi.Policy.Periods;
using Doudi.Policy.Vocabulary;

namespace Doudi.Engine.Annual;

/// <summary>
/// The ratio of fuyang's special assistance (二.4) follows the certificate held when each cost arose (P-5): each bill's
/// reasonable burden takes the ratio of the category the bill was settled under (I-1, I-2, P-3), so a year with a
/// change of certificate is split into shares, one per ratio, each rounded to the fen (I-4) and then added up. The
/// threshold ("负担仍然较重", I-8) and the annual limit stay on the whole year.
/// </summary>
internal static class SpecialShares
{
    /// <summary>The bills of one ratio (null: categories with no special-assistance ratio) and their reasonable burden.</summary>
    internal sealed class Share(Cited<decimal>? ratio)
    {
        public Cited<decimal>? Ratio { get; } = ratio;
        public decimal Reasonable { get; set; }
        public List<Category> Categories { get; } = [];
        public HashSet<string> Bills { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>The year's counted bills grouped by the ratio of their category: highest ratio first, then glossary order.</summary>
    public static List<Share> Of(IReadOnlyList<YearBill> bills)
    {
        var shares = new List<Share>(2);
        var scratch = new TraceBasis(TraceBasisOf.Bills, "reasonableBurden", "value");
        foreach (var bill in bills)
        {
            if (PersonYearRules.Left(scratch, bill, bill.Period.Special is not null)) continue;
            var cat = bill.Category!.Value;
            var ratio = bill.Period.Special!.Ratio[(int)cat];
            var share = shares.Find(s => s.Ratio?.Value == ratio?.Value);
            if (share is null) shares.Add(share = new Share(ratio));
            share.Reasonable += bill.ReasonableBurden;
            share.Bills.Add(bill.Id);
            if (!share.Categories.Contains(cat)) share.Categories.Add(cat);
        }
        foreach (var s in shares) s.Categories.Sort();
        shares.Sort((a, b) => a.Ratio?.Value != b.Ratio?.Value
            ? (b.Ratio?.Value ?? -1m).CompareTo(a.Ratio?.Value ?? -1m)
            : a.Categories[0].CompareTo(b.Categories[0]));
        return shares;
    }

    /// <summary>Adds the steps of the shares and returns what they pay together (before the annual limit).</summary>
    public static decimal Trace(PersonYearResult r, List<Share> shares, IReadOnlyList<YearBill> bills, decimal reasonable, TraceBasis basis, Special rule)
    {
        if (shares.Count == 1)
        {
            // One certificate all year (the usual case): one step over the whole year, as the seed reads.
            var only = shares[0];
            if (only.Ratio is not { } rt)
            {
                r.Trace.Add(new TraceStep("special_assistance", 0m, rule.Threshold.Cite, "P-5", Formulas.None,
                    "本年度所持身份无特殊救助比例 no special-assistance ratio for the year's categories") { Basis = basis });
                return 0m;
            }
            r.Trace.Add(CategoryStep(only, rt));
            decimal pay = Money.Round(rt.Value * reasonable);
            basis.TotalInput = "base";
            r.Trace.Add(new TraceStep("special_assistance", pay, rt.Cite, "I-8", Formulas.RatioOfBase,
                "{0%}% × 年度合理个人负担 {1}", rt.Value, reasonable) { Basis = basis });
            return pay;
        }

        // Several certificates in the year: one share per ratio, each over its own bills, then their sum.
        var paid = new List<(decimal Amount, Citation Cite)>(shares.Count);
        foreach (var share in shares)
        {
            var own = new TraceBasis(TraceBasisOf.Bills, "reasonableBurden", "base");
            foreach (var bill in bills)
            {
                if (PersonYearRules.Left(own, bill, bill.Period.Special is not null)) continue;
                if (share.Bills.Contains(bill.Id)) own.Count(bill.Id, bill.ReasonableBurden, PersonYearRules.Reasonable(bill));
                else own.Leave(bill.Id, bill.ReasonableBurden, "other_category",
                    $"{bill.Date:yyyy-MM-dd}，{Codes.ToCode(bill.Category!.Value)}：属另一比例的份额 in the share of another ratio (P-5)");
            }
            if (share.Ratio is not { } rt)
            {
                own.TotalInput = "value";
                r.Trace.Add(new TraceStep("special_assistance_share", 0m, rule.Threshold.Cite, "P-5", Formulas.Total,
                    TraceText.Literal($"{Names(share)} 无特殊救助比例 no special-assistance ratio: ") + "{0}", share.Reasonable) { Basis = own });
                paid.Add((0m, rule.Threshold.Cite));
                continue;
            }
            r.Trace.Add(CategoryStep(share, rt));
            decimal amount = Money.Round(rt.Value * share.Reasonable);
            r.Trace.Add(new TraceStep("special_assistance_share", amount, rt.Cite, "P-5", Formulas.RatioOfBase,
                TraceText.Literal(Names(share)) + "：{0%}% × 合理个人负担 {1}", rt.Value, share.Reasonable) { Basis = own });
            paid.Add((amount, rt.Cite));
        }
        // The sum, two at a time, so that every step stays a formula a program recomputes.
        decimal total = paid[0].Amount;
        for (int i = 1; i < paid.Count; i++)
        {
            bool last = i == paid.Count - 1;
            decimal sum = total + paid[i].Amount;
            r.Trace.Add(new TraceStep(last ? "special_assistance" : "special_assistance_subtotal", sum, paid[i].Cite, "P-5", Formulas.SumOfTwo,
                "各份额合计 {0} + {1} the shares added up", total, paid[i].Amount));
            total = sum;
        }
        return total;
    }

    private static TraceStep CategoryStep(Share share, Cited<decimal> ratio) =>
        new("special_assistance_category", 0m, ratio.Cite, "P-5", Formulas.None,
            TraceText.Literal($"比例按各单据结算所用类别（持证类别）：{Names(share)} {TraceStep.Show(Money.Pct(ratio.Value))}% ") +
            "(each bill takes the ratio of the category it was settled under)");

    private static string Names(Share share) => string.Join("、", share.Categories.Select(Codes.ToCode));
}
