using Doudi.Engine.Cases;
using Doudi.Engine.Results;
using Doudi.Engine.Settlement;
using Doudi.Engine.Tiers;
using Doudi.Engine.Tracing;
using Doudi.Policy.Parameters;
using Doudi.Policy.Periods;
using Doudi.Policy.Vocabulary;

namespace Doudi.Engine.Annual;

/// <summary>
/// A person's year, after every bill is settled: fuyang special assistance (二.4, I-8) and the cap on reasonable
/// burden, and wenzhou-2022's high-cost resolution (三.11). Each counts only the bills whose period carries the rule
/// (fuyang: the whole cost year 2023 on, I-18), that were settled under an assistance identity, and that the policy
/// does not exclude from assistance (a cost outside assistance is not a reasonable burden either).
/// </summary>
/// <remarks>
/// The trace lists every bill of the year against the annual amounts: the ones that entered them with what each
/// added (bill by bill, the admitted out-of-catalogue part shown), and the ones left out with the reason; each annual
/// step's basis names the bills it adds up, so that a program can recompute it (<c>doudi verify</c>).
/// </remarks>
internal static class PersonYearRules
{
    /// <param name="personIndex">the person's place in the case file, for the path of a problem (persons[i])</param>
    public static PersonYearResult Settle(string personId, int personIndex, int year, IReadOnlyList<(Bill Bill, BillResult Result, PolicyPeriod Period)> bills,
        List<SettlementProblem> problems)
    {
        var r = new PersonYearResult { Id = personId, Year = year };
        decimal burden = 0m;
        var all = new TraceBasis(TraceBasisOf.Bills, "personalBurden", "burden");
        foreach (var (_, res, _) in bills)
        {
            r.Assistance += res.Assistance;
            r.Tilted += res.Tilted;
            burden += res.PersonalBurden;
            all.Count(res.Id, res.PersonalBurden);
        }
        ListReasonable(r, bills);
        Special(r, bills);
        Cap(r, personIndex, bills, problems);
        Resolution(r, bills);
        r.PersonalBurden = burden - r.SpecialAssistance - r.CapRelief;
        r.Trace.Add(new TraceStep("personal_burden", r.PersonalBurden, bills[^1].Period.TiersCite, "I-14", Formulas.AnnualBurden,
            "各单个人负担合计 {0} − 特殊救助 {1} − 封顶/化解 {2}", burden, r.SpecialAssistance, r.CapRelief) { Basis = all });
        return r;
    }

    /// <summary>Why a bill is left out of an annual rule (a code and the reader's text), or null when it counts.</summary>
    private static (string Code, string Text)? LeftOut(Bill bill, BillResult res, PolicyPeriod period, bool hasRule)
    {
        if (!hasRule) return ("outside_rule_period", $"不在该年度规则的适用期内（{period.PolicyId} {period.From:yyyy-MM-dd}..{Show(period.To)} 无此规则） outside the rule's years");
        if (res.Category is null) return ("no_identity", "结算日期无救助身份 no assistance identity on its date");
        var reason = BillSettler.ExclusionOf(bill);
        if (reason != Exclusion.None && period.Exclusions[(int)reason] is { } cite)
            return ("excluded", $"{Codes.ToCode(reason)} 除外（{cite.Rule}{(cite.Interpretation is null ? "" : "，" + cite.Interpretation)}） excluded");
        return null;
    }

    private static string Show(DateOnly d) => d == DateOnly.MaxValue ? "…" : d.ToString("yyyy-MM-dd");

    /// <summary>Counts a bill into <paramref name="basis"/> or notes why it is left out; true when it counts.</summary>
    private static bool Note(TraceBasis basis, Bill bill, BillResult res, PolicyPeriod period, bool hasRule, decimal amount)
    {
        if (LeftOut(bill, res, period, hasRule) is { } why)
        {
            basis.Leave(res.Id, amount, why.Code);
            return false;
        }
        basis.Count(res.Id, amount);
        return true;
    }

    /// <summary>
    /// The bills behind fuyang's special assistance and cap (I-14: each bill's in-policy remainder plus the out-of-catalogue
    /// cost the expert panel admitted): one step per bill, counted or left out, when the year has either rule.
    /// </summary>
    private static void ListReasonable(PersonYearResult r, IReadOnlyList<(Bill Bill, BillResult Result, PolicyPeriod Period)> bills)
    {
        // Only a year in which some bill counts gets the listing (as only such a year gets the rules' steps).
        Citation? rule = null;
        foreach (var (bill, res, p) in bills)
            if ((p.Special?.Threshold.Cite ?? p.PersonalCap?.Cite) is { } c && res.Category is not null && !BillSettler.IsExcluded(p, bill)) rule = c;
        if (rule is null) return;
        foreach (var (bill, res, period) in bills)
        {
            bool hasRule = period.Special is not null || period.PersonalCap is not null;
            var cite = period.Special?.Threshold.Cite ?? period.PersonalCap?.Cite ?? rule;
            if (LeftOut(bill, res, period, hasRule) is { } why)
            {
                r.Trace.Add(BillListing.Left("annual_bill", cite, "I-14", res.Id, "reasonableBurden", res.ReasonableBurden, why.Code,
                    $"单据 {bill.Id}（{bill.Date:yyyy-MM-dd}）未计入年度合理个人负担：{why.Text} (bill left out)"));
                continue;
            }
            decimal inPolicy = res.ReasonableBurden - bill.ReasonableOutOfPolicy;
            r.Trace.Add(BillListing.Counted("annual_bill", cite, "I-14", res.Id, "reasonableBurden", res.ReasonableBurden,
                $"单据 {bill.Id}（{bill.Date:yyyy-MM-dd}，{CategoryOf(res)}）计入年度合理个人负担：政策范围内个人负担 {TraceStep.Show(inPolicy)} + 专家认定的目录外合理费用 {TraceStep.Show(bill.ReasonableOutOfPolicy)} (bill counted: in-policy remainder + admitted out-of-catalogue)"));
        }
    }

    private static string CategoryOf(BillResult res) => res.Category is { } c ? Codes.ToCode(c) : "-";

    private static void Special(PersonYearResult r, IReadOnlyList<(Bill Bill, BillResult Result, PolicyPeriod Period)> bills)
    {
        Special? rule = null;
        decimal reasonable = 0m;
        Cited<decimal>? ratio = null;
        Category? ratioCategory = null;
        string? ratioBill = null;
        var basis = new TraceBasis(TraceBasisOf.Bills, "reasonableBurden", "value");
        foreach (var (bill, res, period) in bills)
        {
            if (!Note(basis, bill, res, period, period.Special is not null, res.ReasonableBurden)) continue;
            var s = period.Special!;
            var cat = res.Category!.Value;
            rule = s;
            reasonable += res.ReasonableBurden;
            if (s.Ratio[(int)cat] is { } cr && (ratio is null || cr.Value > ratio.Value.Value)) { ratio = cr; ratioCategory = cat; ratioBill = bill.Id; }
        }
        if (rule is null) return;
        if (ratio is not { } rt)
        {
            r.Trace.Add(new TraceStep("special_assistance", 0m, rule.Threshold.Cite, "I-8", Formulas.None,
                "本年度所持身份无特殊救助比例 no special-assistance ratio for the year's categories") { Basis = basis });
            return;
        }
        if (reasonable < rule.Threshold.Value)
        {
            r.Trace.Add(new TraceStep("special_assistance", 0m, rule.Threshold.Cite, "I-8", Formulas.BelowLine,
                "年度合理个人负担 {0} 未达 {1} below the threshold", reasonable, rule.Threshold.Value) { Basis = basis });
            return;
        }
        r.Trace.Add(new TraceStep("special_assistance_threshold", 0m, rule.Threshold.Cite, "I-8", Formulas.ReachesLine,
            "年度合理个人负担 {0} ≥ {1}，负担仍然较重 the year's reasonable burden reaches the line", reasonable, rule.Threshold.Value));
        // I-2: the year's ratio is that of the best category any counted bill was settled under.
        r.Trace.Add(new TraceStep("special_assistance_category", 0m, rt.Cite, "I-2", Formulas.Ratio,
            BillListing.Literal($"比例取本年度计入单据所用类别中最高者：{Codes.ToCode(ratioCategory!.Value)}（首见于单据 {ratioBill}）") + "{0%}% " +
            "(the ratio of the best category the year's counted bills were settled under)", rt.Value));
        decimal pay = Money.Round(rt.Value * reasonable);
        basis.TotalInput = "base";
        r.Trace.Add(new TraceStep("special_assistance", pay, rt.Cite, "I-8", Formulas.RatioOfBase, "{0%}% × 年度合理个人负担 {1}", rt.Value, reasonable) { Basis = basis });
        if (!rule.Limit.Value.Unlimited && pay > rule.Limit.Value.Amount)
        {
            r.Trace.Add(new TraceStep("special_assistance_limit", rule.Limit.Value.Amount, rule.Limit.Cite, "I-8", Formulas.Capped,
                "特殊救助 {0}，年度限额 {1}", pay, rule.Limit.Value.Amount));
            pay = rule.Limit.Value.Amount;
        }
        r.SpecialAssistance = pay;
    }

    private static void Cap(PersonYearResult r, int personIndex, IReadOnlyList<(Bill Bill, BillResult Result, PolicyPeriod Period)> bills, List<SettlementProblem> problems)
    {
        Cited<Limit>? cap = null;
        decimal reasonable = 0m;
        var basis = new TraceBasis(TraceBasisOf.Bills, "reasonableBurden", "reasonable");
        foreach (var (bill, res, period) in bills)
        {
            if (!Note(basis, bill, res, period, period.PersonalCap is not null, res.ReasonableBurden)) continue;
            cap = period.PersonalCap!.Value;  // the cap in force at the person's last counted bill of the year
            reasonable += res.ReasonableBurden;
        }
        if (cap is not { } cp) return;
        if (cp.Value.Missing)
        {
            problems.Add(new($"persons[{personIndex}]", $"{r.Year} 年个人负担封顶额无取值 cap.personal has no value for {r.Year} ({cp.Cite.Rule}): set it in a local parameter file (I-10)"));
            return;
        }
        decimal after = reasonable - r.SpecialAssistance;
        decimal relief = cp.Value.Unlimited ? 0m : Math.Max(0m, after - cp.Value.Amount);
        r.CapRelief += relief;
        r.Trace.Add(cp.Value.Unlimited
            ? new TraceStep("cap_relief", relief, cp.Cite, "I-14", Formulas.None, "个人负担不设封顶 no cap") { Basis = basis }
            : new TraceStep("cap_relief", relief, cp.Cite, "I-14", Formulas.CapExcess,
                "合理个人负担 {0} − 特殊救助 {1}，超过封顶 {2} 的部分", reasonable, r.SpecialAssistance, cp.Value.Amount) { Basis = basis });
    }

    private static void Resolution(PersonYearResult r, IReadOnlyList<(Bill Bill, BillResult Result, PolicyPeriod Period)> bills)
    {
        Resolution? rule = null;
        foreach (var (bill, res, period) in bills)
            if (period.Resolution is { } rs && res.Category is not null && !BillSettler.IsExcluded(period, bill)) rule = rs;
        if (rule is null) return;
        decimal burden = 0m;
        var basis = new TraceBasis(TraceBasisOf.Bills, "personalBurden", "value");
        foreach (var (bill, res, period) in bills)
        {
            var cite = (period.Resolution ?? rule).Threshold.Cite;
            var why = LeftOut(bill, res, period, period.Resolution is not null);
            if (why is null && period.Resolution is { NeedsReferral: { } nr } && !bill.Referred)
                why = ("not_referred", $"未经规范转诊（{nr.Rule}） not referred");
            if (why is { } w)
            {
                basis.Leave(res.Id, res.PersonalBurden, w.Code);
                r.Trace.Add(BillListing.Left("annual_bill", cite, "I-14", res.Id, "personalBurden", res.PersonalBurden, w.Code,
                    $"单据 {bill.Id}（{bill.Date:yyyy-MM-dd}）未计入化解基数：{w.Text} (bill left out)"));
                continue;
            }
            burden += res.PersonalBurden;
            basis.Count(res.Id, res.PersonalBurden);
            r.Trace.Add(BillListing.Counted("annual_bill", cite, "I-14", res.Id, "personalBurden", res.PersonalBurden,
                $"单据 {bill.Id}（{bill.Date:yyyy-MM-dd}，{CategoryOf(res)}，经规范转诊）计入化解基数：四重保障后个人负担 {TraceStep.Show(res.PersonalBurden)} (bill counted: referred, personal burden after the four tiers)"));
        }
        decimal relief = Math.Max(0m, burden - rule.Threshold.Value);
        r.CapRelief += relief;
        r.Trace.Add(new TraceStep("resolution", relief, rule.Threshold.Cite, "I-14", Formulas.ExcessOverLine,
            "经规范转诊费用四重保障后个人负担 {0}，超过 {1} 的部分化解", burden, rule.Threshold.Value) { Basis = basis });
    }
}
