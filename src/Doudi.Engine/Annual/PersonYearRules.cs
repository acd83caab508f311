using Doudi.Engine.Cases;
using Doudi.Engine.Results;
using Doudi.Engine.Settlement;
using Doudi.Engine.Tiers;
using Doudi.Engine.Tracing;
using Doudi.Policy.Periods;
using Doudi.Policy.Vocabulary;

namespace Doudi.Engine.Annual;

/// <summary>
/// A person's year, after every bill is settled: fuyang special assistance (二.4, I-8) and the 50,000 cap
/// on reasonable burden, and wenzhou-2022's high-cost resolution (三.11). Each counts only the bills whose
/// period carries the rule (fuyang: from 2023-02-10, I-18), that were settled under an assistance identity, and
/// that the policy does not exclude from assistance (a cost outside assistance is not a reasonable burden either).
/// </summary>
internal static class PersonYearRules
{
    /// <param name="personIndex">the person's place in the case file, for the path of a problem (persons[i])</param>
    public static PersonYearResult Settle(string personId, int personIndex, int year, IReadOnlyList<(Bill Bill, BillResult Result, PolicyPeriod Period)> bills,
        List<SettlementProblem> problems)
    {
        var r = new PersonYearResult { Id = personId, Year = year };
        decimal burden = 0m;
        foreach (var (_, res, _) in bills)
        {
            r.Assistance += res.Assistance;
            r.Tilted += res.Tilted;
            burden += res.PersonalBurden;
        }
        Special(r, bills);
        Cap(r, personIndex, bills, problems);
        Resolution(r, bills);
        r.PersonalBurden = burden - r.SpecialAssistance - r.CapRelief;
        var all = new TraceBasis(TraceBasisOf.Bills, "personalBurden", "burden");
        foreach (var (_, res, _) in bills) all.Count(res.Id, res.PersonalBurden);
        r.Trace.Add(new TraceStep("personal_burden", r.PersonalBurden, bills[^1].Period.Document + " 个人负担", "I-14", Formulas.AnnualBurden,
            "各单个人负担合计 {0} − 特殊救助 {1} − 封顶/化解 {2}", burden, r.SpecialAssistance, r.CapRelief) { Basis = all });
        return r;
    }

    private static void Special(PersonYearResult r, IReadOnlyList<(Bill Bill, BillResult Result, PolicyPeriod Period)> bills)
    {
        Special? rule = null;
        decimal reasonable = 0m;
        Policy.Parameters.Cited<decimal>? ratio = null;
        var basis = new TraceBasis(TraceBasisOf.Bills, "reasonableBurden", "value");
        foreach (var (bill, res, period) in bills)
        {
            if (Left(basis, bill, res, period, period.Special is not null)) continue;
            var s = period.Special!;
            var cat = res.Category!.Value;
            basis.Count(res.Id, res.ReasonableBurden);
            rule = s;
            reasonable += res.ReasonableBurden;
            if (s.Ratio[(int)cat] is { } cr && (ratio is null || cr.Value > ratio.Value.Value)) ratio = cr; // I-2: the best category of the year
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
        decimal pay = Money.Round(rt.Value * reasonable);
        basis.TotalInput = "base";
        r.Trace.Add(new TraceStep("special_assistance", pay, rt.Cite, "I-8", Formulas.RatioOfBase, "{0%}% × 年度合理个人负担 {1}", rt.Value, reasonable) { Basis = basis });
        if (!rule.Limit.Value.Unlimited && pay > rule.Limit.Value.Amount)
        {
            r.Trace.Add(new TraceStep("special_assistance_limit", rule.Limit.Value.Amount, rule.Limit.Cite, null, Formulas.Capped,
                "特殊救助 {0}，年度限额 {1}", pay, rule.Limit.Value.Amount));
            pay = rule.Limit.Value.Amount;
        }
        r.SpecialAssistance = pay;
    }

    private static void Cap(PersonYearResult r, int personIndex, IReadOnlyList<(Bill Bill, BillResult Result, PolicyPeriod Period)> bills, List<SettlementProblem> problems)
    {
        Policy.Parameters.Cited<Policy.Parameters.Limit>? cap = null;
        decimal reasonable = 0m;
        var basis = new TraceBasis(TraceBasisOf.Bills, "reasonableBurden", "reasonable");
        foreach (var (bill, res, period) in bills)
        {
            if (Left(basis, bill, res, period, period.PersonalCap is not null)) continue;
            cap = period.PersonalCap!.Value;  // the cap in force at the person's last counted bill of the year
            reasonable += res.ReasonableBurden;
            basis.Count(res.Id, res.ReasonableBurden);
        }
        if (cap is not { } cp) return;
        if (cp.Value.Missing)
        {
            problems.Add(new($"persons[{personIndex}]", $"{r.Year} 年个人负担封顶额无取值 cap.personal has no value for {r.Year} ({cp.Cite.Rule}): set it in a policy file"));
            return;
        }
        decimal after = reasonable - r.SpecialAssistance;
        decimal relief = cp.Value.Unlimited ? 0m : Math.Max(0m, after - cp.Value.Amount);
        r.CapRelief += relief;
        r.Trace.Add(cp.Value.Unlimited
            ? new TraceStep("cap_relief", relief, cp.Cite, "I-14", Formulas.None, "个人负担不设封顶 no cap")
            : new TraceStep("cap_relief", relief, cp.Cite, "I-14", Formulas.CapExcess,
                "合理个人负担 {0} − 特殊救助 {1}，超过封顶 {2} 的部分", reasonable, r.SpecialAssistance, cp.Value.Amount) { Basis = basis });
    }

    private static void Resolution(PersonYearResult r, IReadOnlyList<(Bill Bill, BillResult Result, PolicyPeriod Period)> bills)
    {
        Resolution? rule = null;
        decimal burden = 0m;
        var basis = new TraceBasis(TraceBasisOf.Bills, "personalBurden", "value");
        foreach (var (bill, res, period) in bills)
        {
            if (Left(basis, bill, res, period, period.Resolution is not null)) continue;
            var rs = period.Resolution!;
            rule = rs;
            if (rs.NeedsReferral is not null && !bill.Referred)
            {
                basis.Leave(res.Id, res.PersonalBurden, "not_referred");
                continue;
            }
            burden += res.PersonalBurden;
            basis.Count(res.Id, res.PersonalBurden);
        }
        if (rule is null) return;
        decimal relief = Math.Max(0m, burden - rule.Threshold.Value);
        r.CapRelief += relief;
        r.Trace.Add(new TraceStep("resolution", relief, rule.Threshold.Cite, "I-14", Formulas.ExcessOverLine,
            "经规范转诊费用四重保障后个人负担 {0}，超过 {1} 的部分化解", burden, rule.Threshold.Value) { Basis = basis });
    }

    /// <summary>
    /// Whether a bill is left out of a year-end rule, noted in <paramref name="basis"/> with the reason: its period
    /// lacks the rule, it was settled without an assistance identity, or the policy excludes it from assistance.
    /// </summary>
    private static bool Left(TraceBasis basis, Bill bill, BillResult res, PolicyPeriod period, bool periodHasRule)
    {
        decimal amount = basis.Field == "personalBurden" ? res.PersonalBurden : res.ReasonableBurden;
        if (!periodHasRule) basis.Leave(res.Id, amount, "outside_rule_period");
        else if (res.Category is null) basis.Leave(res.Id, amount, "no_identity");
        else if (BillSettler.IsExcluded(period, bill)) basis.Leave(res.Id, amount, "excluded");
        else return false;
        return true;
    }
}
