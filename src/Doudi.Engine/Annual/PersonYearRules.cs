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
        r.Trace.Add(new TraceStep("personal_burden", r.PersonalBurden, bills[^1].Period.Document + " 个人负担", "I-14",
            "各单个人负担合计 {0} − 特殊救助 {1} − 封顶/化解 {2}", burden, r.SpecialAssistance, r.CapRelief));
        return r;
    }

    private static void Special(PersonYearResult r, IReadOnlyList<(Bill Bill, BillResult Result, PolicyPeriod Period)> bills)
    {
        Special? rule = null;
        decimal reasonable = 0m;
        Policy.Parameters.Cited<decimal>? ratio = null;
        foreach (var (bill, res, period) in bills)
        {
            if (period.Special is not { } s || res.Category is not { } cat || BillSettler.IsExcluded(period, bill)) continue;
            rule = s;
            reasonable += res.ReasonableBurden;
            if (s.Ratio[(int)cat] is { } cr && (ratio is null || cr.Value > ratio.Value.Value)) ratio = cr; // I-2: the best category of the year
        }
        if (rule is null) return;
        if (reasonable < rule.Threshold.Value || ratio is not { } rt)
        {
            r.Trace.Add(new TraceStep("special_assistance", 0m, rule.Threshold.Cite.Rule, "I-8",
                "年度合理个人负担 {0} 未达 {1} below the threshold", reasonable, rule.Threshold.Value));
            return;
        }
        decimal pay = Money.Round(rt.Value * reasonable);
        r.Trace.Add(new TraceStep("special_assistance", pay, rt.Cite.Rule, "I-8", "{0}% × 年度合理个人负担 {1}", Money.Pct(rt.Value), reasonable));
        if (!rule.Limit.Value.Unlimited && pay > rule.Limit.Value.Amount)
        {
            pay = rule.Limit.Value.Amount;
            r.Trace.Add(new TraceStep("special_assistance_limit", pay, rule.Limit.Cite.Rule, null, "特殊救助年度限额 {0}", pay));
        }
        r.SpecialAssistance = pay;
    }

    private static void Cap(PersonYearResult r, int personIndex, IReadOnlyList<(Bill Bill, BillResult Result, PolicyPeriod Period)> bills, List<SettlementProblem> problems)
    {
        Policy.Parameters.Cited<Policy.Parameters.Limit>? cap = null;
        decimal reasonable = 0m;
        foreach (var (bill, res, period) in bills)
        {
            if (period.PersonalCap is not { } c || res.Category is null || BillSettler.IsExcluded(period, bill)) continue;
            cap = c;  // the cap in force at the person's last counted bill of the year
            reasonable += res.ReasonableBurden;
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
        r.Trace.Add(new TraceStep("cap_relief", relief, cp.Cite.Rule, "I-14",
            "合理个人负担 {0} − 特殊救助 {1} = {2}，超过封顶 {3} 的部分", reasonable, r.SpecialAssistance, after, cp.Value.Amount));
    }

    private static void Resolution(PersonYearResult r, IReadOnlyList<(Bill Bill, BillResult Result, PolicyPeriod Period)> bills)
    {
        Resolution? rule = null;
        decimal burden = 0m;
        foreach (var (bill, res, period) in bills)
        {
            if (period.Resolution is not { } rs || res.Category is null || BillSettler.IsExcluded(period, bill)) continue;
            rule = rs;
            if (rs.NeedsReferral is not null && !bill.Referred) continue;
            burden += res.PersonalBurden;
        }
        if (rule is null) return;
        decimal relief = Math.Max(0m, burden - rule.Threshold.Value);
        r.CapRelief += relief;
        r.Trace.Add(new TraceStep("resolution", relief, rule.Threshold.Cite.Rule, "I-14",
            "经规范转诊费用四重保障后个人负担 {0}，超过 {1} 的部分化解", burden, rule.Threshold.Value));
    }
}
