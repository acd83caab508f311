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
/// Each annual step lists in its basis every bill of the year: those that entered the amount, with what each added
/// (the admitted out-of-catalogue part shown bill by bill), and those left out, with the reason. The counted amounts
/// add up to the step's input, which <c>doudi verify</c> checks.
/// </remarks>
internal static class PersonYearRules
{
    /// <param name="personIndex">the person's place in the case file, for the path of a problem (persons[i])</param>
    public static PersonYearResult Settle(string personId, int personIndex, int year, IReadOnlyList<YearBill> bills,
        List<SettlementProblem> problems)
    {
        var r = new PersonYearResult { Id = personId, Year = year };
        decimal burden = 0m;
        foreach (var b in bills)
        {
            r.Assistance += b.Assistance;
            r.Tilted += b.Tilted;
            burden += b.PersonalBurden;
        }
        Special(r, bills);
        Cap(r, personIndex, bills, problems);
        Resolution(r, bills);
        r.PersonalBurden = burden - r.SpecialAssistance - r.CapRelief;
        var all = new TraceBasis(TraceBasisOf.Bills, "personalBurden", "burden");
        foreach (var b in bills) all.Count(b.Id, b.PersonalBurden);
        r.Trace.Add(new TraceStep("personal_burden", r.PersonalBurden, bills[^1].Period.TiersCite, bills[^1].Period.Interpretation(Mechanisms.PersonalBurden), Formulas.AnnualBurden,
            "各单个人负担合计 {0} − 特殊救助 {1} − 封顶/化解 {2}", burden, r.SpecialAssistance, r.CapRelief) { Basis = all });
        return r;
    }

    /// <summary>Whether any bill of the year enters a rule (only such a year gets the rule's steps).</summary>
    private static bool AnyCounted(IReadOnlyList<YearBill> bills, Func<PolicyPeriod, bool> hasRule)
    {
        foreach (var b in bills)
            if (hasRule(b.Period) && b.Category is not null && !b.IsExcluded) return true;
        return false;
    }

    /// <summary>
    /// Whether a bill is left out of a year-end rule, noted in <paramref name="basis"/> with the reason: its period
    /// lacks the rule, it was settled without an assistance identity, or the policy excludes it from assistance.
    /// </summary>
    internal static bool Left(TraceBasis basis, in YearBill bill, bool periodHasRule)
    {
        var period = bill.Period;
        decimal amount = basis.Field == "personalBurden" ? bill.PersonalBurden : bill.ReasonableBurden;
        if (!periodHasRule)
            basis.Leave(bill.Id, amount, "outside_rule_period",
                $"{bill.Date:yyyy-MM-dd}：不在该年度规则的适用期内（{period.PolicyId} {period.From:yyyy-MM-dd}..{Show(period.To)}） outside the rule's years");
        else if (bill.Category is null)
            basis.Leave(bill.Id, amount, "no_identity", $"{bill.Date:yyyy-MM-dd}：结算日期无救助身份 no assistance identity on its date");
        else if (bill.Exclusion is var reason && reason != Exclusion.None && period.Exclusions[(int)reason] is { } cite)
            basis.Leave(bill.Id, amount, "excluded",
                $"{bill.Date:yyyy-MM-dd}：{Codes.ToCode(reason)} 除外（{cite.Rule}{(cite.Interpretation is null ? "" : "，" + cite.Interpretation)}） excluded");
        else return false;
        return true;
    }

    private static string Show(DateOnly d) => d == DateOnly.MaxValue ? "…" : d.ToString("yyyy-MM-dd");

    /// <summary>What a counted bill adds to the reasonable burden (I-14), as the reader sees it.</summary>
    internal static string Reasonable(in YearBill bill) =>
        $"{bill.Date:yyyy-MM-dd}，{Codes.ToCode(bill.Category!.Value)}：政策范围内个人负担 {TraceStep.Show(bill.ReasonableBurden - bill.ReasonableOutOfPolicy)}" +
        $" + 专家认定的目录外合理费用 {TraceStep.Show(bill.ReasonableOutOfPolicy)} (in-policy remainder + admitted out-of-catalogue)";

    private static void Special(PersonYearResult r, IReadOnlyList<YearBill> bills)
    {
        if (!AnyCounted(bills, p => p.Special is not null)) return;
        Special? rule = null;
        decimal reasonable = 0m;
        var basis = new TraceBasis(TraceBasisOf.Bills, "reasonableBurden", "value");
        foreach (var bill in bills)
        {
            if (Left(basis, bill, bill.Period.Special is not null)) continue;
            rule = bill.Period.Special!;
            reasonable += bill.ReasonableBurden;
            basis.Count(bill.Id, bill.ReasonableBurden, Reasonable(bill));
        }
        if (rule is null) return;
        if (reasonable < rule.Threshold.Value)
        {
            r.Trace.Add(new TraceStep("special_assistance", 0m, rule.Threshold.Cite, "I-8", Formulas.BelowLine,
                "年度合理个人负担 {0} 未达 {1} below the threshold", reasonable, rule.Threshold.Value) { Basis = basis });
            return;
        }
        // The conditions that hold are traced too: the line reached, then the ratio each bill takes.
        r.Trace.Add(new TraceStep("special_assistance_threshold", 0m, rule.Threshold.Cite, "I-8", Formulas.AtLeastLine,
            "年度合理个人负担 {0} ≥ {1}，负担仍然较重 the year's reasonable burden reaches the line", reasonable, rule.Threshold.Value));
        var shares = SpecialShares.Of(bills);
        decimal pay = SpecialShares.Trace(r, shares, bills, reasonable, basis, rule);
        if (!rule.Limit.Value.Unlimited && pay > rule.Limit.Value.Amount)
        {
            r.Trace.Add(new TraceStep("special_assistance_limit", rule.Limit.Value.Amount, rule.Limit.Cite, "I-8", Formulas.Capped,
                "特殊救助 {0}，年度限额 {1}", pay, rule.Limit.Value.Amount));
            pay = rule.Limit.Value.Amount;
        }
        r.SpecialAssistance = pay;
    }

    private static void Cap(PersonYearResult r, int personIndex, IReadOnlyList<YearBill> bills, List<SettlementProblem> problems)
    {
        if (!AnyCounted(bills, p => p.PersonalCap is not null)) return;
        Cited<Limit>? cap = null;
        decimal reasonable = 0m;
        var basis = new TraceBasis(TraceBasisOf.Bills, "reasonableBurden", "reasonable");
        foreach (var bill in bills)
        {
            if (Left(basis, bill, bill.Period.PersonalCap is not null)) continue;
            cap = bill.Period.PersonalCap!.Value;  // the cap in force at the person's last counted bill of the year
            reasonable += bill.ReasonableBurden;
            basis.Count(bill.Id, bill.ReasonableBurden, Reasonable(bill));
        }
        if (cap is not { } cp) return;
        if (cp.Value.Missing)
        {
            problems.Add(new($"persons[{personIndex}]", $"{r.Year} 年个人负担封顶额无取值 cap.personal has no value for {r.Year} ({cp.Cite.Rule}): set it in a local parameter file (I-10)"));
            return;
        }
        decimal after = reasonable - r.SpecialAssistance;
        var burdenRule = bills[^1].Period.Interpretation(Mechanisms.PersonalBurden);
        decimal relief = cp.Value.Unlimited ? 0m : Math.Max(0m, after - cp.Value.Amount);
        r.CapRelief += relief;
        r.Trace.Add(cp.Value.Unlimited
            ? new TraceStep("cap_relief", relief, cp.Cite, burdenRule, Formulas.None, "个人负担不设封顶 no cap")
            : new TraceStep("cap_relief", relief, cp.Cite, burdenRule, Formulas.CapExcess,
                "合理个人负担 {0} − 特殊救助 {1}，超过封顶 {2} 的部分", reasonable, r.SpecialAssistance, cp.Value.Amount) { Basis = basis });
    }

    private static void Resolution(PersonYearResult r, IReadOnlyList<YearBill> bills)
    {
        if (!AnyCounted(bills, p => p.Resolution is not null)) return;
        Resolution? rule = null;
        decimal burden = 0m;
        var basis = new TraceBasis(TraceBasisOf.Bills, "personalBurden", "value");
        foreach (var bill in bills)
        {
            if (Left(basis, bill, bill.Period.Resolution is not null)) continue;
            var rs = bill.Period.Resolution!;
            rule = rs;
            if (rs.NeedsReferral is { } nr && !bill.Referred)
            {
                basis.Leave(bill.Id, bill.PersonalBurden, "not_referred", $"{bill.Date:yyyy-MM-dd}：未经规范转诊（{nr.Rule}） not referred");
                continue;
            }
            burden += bill.PersonalBurden;
            basis.Count(bill.Id, bill.PersonalBurden,
                $"{bill.Date:yyyy-MM-dd}，{Codes.ToCode(bill.Category!.Value)}，经规范转诊：四重保障后个人负担 {TraceStep.Show(bill.PersonalBurden)} (referred; personal burden after the four tiers)");
        }
        if (rule is null) return;
        decimal relief = Math.Max(0m, burden - rule.Threshold.Value);
        r.CapRelief += relief;
        r.Trace.Add(new TraceStep("resolution", relief, rule.Threshold.Cite, bills[^1].Period.Interpretation(Mechanisms.PersonalBurden), Formulas.ExcessOverLine,
            "经规范转诊费用四重保障后个人负担 {0}，超过 {1} 的部分化解", burden, rule.Threshold.Value) { Basis = basis });
    }
}
