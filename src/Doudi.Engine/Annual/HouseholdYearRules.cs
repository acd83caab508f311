using Doudi.Engine.Cases;
using Doudi.Engine.Identities;
using Doudi.Engine.Results;
using Doudi.Engine.Tracing;
using Doudi.Policy.Periods;
using Doudi.Policy.Vocabulary;

namespace Doudi.Engine.Annual;

/// <summary>
/// A household's year. Under jiande (二.3), the household's reasonable cost of year Y above its line is paid
/// in full: the line is the lowest among the categories its members hold on 31 December of Y (I-12, I-13).
/// Elsewhere the household line reports the members' remaining burden, with no relief of its own.
/// </summary>
internal static class HouseholdYearRules
{
    public static HouseholdYearResult Settle(string householdId, int year, IReadOnlyList<Person> members,
        IReadOnlyList<(Bill Bill, BillResult Result, PolicyPeriod Period)> bills, IReadOnlyList<PersonYearResult> memberYears)
    {
        var h = new HouseholdYearResult { Id = householdId, Year = year };
        var rule = bills.Select(b => b.Period.Household).LastOrDefault(x => x is not null);
        if (rule is null)
        {
            h.ReasonableBurden = memberYears.Sum(p => p.PersonalBurden);
            var memberBasis = new TraceBasis(TraceBasisOf.Persons, "personalBurden", "total");
            foreach (var p in memberYears) memberBasis.Count(p.Id, p.PersonalBurden);
            h.Trace.Add(new TraceStep("household_burden", h.ReasonableBurden, bills[^1].Period.Document + " 个人负担", "I-14", Formulas.Total,
                "家庭成员年度个人负担合计 sum of members' personal burden: {0}", h.ReasonableBurden) { Basis = memberBasis });
            return h;
        }
        var period = bills.Last(b => b.Period.Household is not null).Period;
        var counted = new List<(Bill Bill, BillResult Result, PolicyPeriod Period)>(bills.Count);
        var basis = new TraceBasis(TraceBasisOf.Bills, "personalBurden", "value");
        foreach (var b in bills)
        {
            if (b.Period.Household is null) basis.Leave(b.Result.Id, b.Result.PersonalBurden, "outside_rule_period");
            else if (Tiers.BillSettler.IsExcluded(b.Period, b.Bill)) basis.Leave(b.Result.Id, b.Result.PersonalBurden, "excluded");
            else
            {
                counted.Add(b);
                basis.Count(b.Result.Id, b.Result.PersonalBurden);
            }
        }
        decimal burden = counted.Sum(b => b.Result.PersonalBurden);

        decimal excluded = 0m;
        var groups = rule.ThresholdPerHousehold ? [counted] : counted.GroupBy(b => b.Bill.Person).Select(g => g.ToList()).ToList();
        foreach (var group in groups)
        {
            var ex = NegativeList.Of(rule, group.Select(b => (b.Bill, b.Result)));
            if (ex.Total == 0m) continue;
            excluded += ex.Total;
            const string negativeTemplate = "负面清单项目 {0} + 药品年度总额超限部分 {1}（药品合计 {2}）+ 耗材年度总额超限部分 {3}（耗材合计 {4}）";
            h.Trace.Add(rule.NegativeClasses is { } classes
                ? new TraceStep("negative_list", ex.Total, classes.Cite, "I-9", Formulas.NegativeList, negativeTemplate,
                    ex.Listed, ex.DrugExcess, ex.DrugTotal, ex.ConsumableExcess, ex.ConsumableTotal)
                : new TraceStep("negative_list", ex.Total, period.Document, "I-9", Formulas.NegativeList, negativeTemplate,
                    ex.Listed, ex.DrugExcess, ex.DrugTotal, ex.ConsumableExcess, ex.ConsumableTotal));
        }
        h.ReasonableBurden = burden - excluded;
        h.Trace.Add(new TraceStep("household_burden", h.ReasonableBurden, Rules.GetValue(period, static p => new(p)).Burden, "I-14", Formulas.Less,
            "家庭个人负担 {0} − 负面清单 {1}", burden, excluded) { Basis = basis });

        var yearEnd = new DateOnly(year, 12, 31);
        Policy.Parameters.Cited<decimal>? line = null;
        Category? lineCategory = null;
        foreach (var m in members)
            foreach (var id in m.Identities)
                if (IdentityRules.HeldOn(id, yearEnd, period) && rule.Line[(int)id.Category] is { } l && (line is null || l.Value < line.Value.Value))
                { line = l; lineCategory = id.Category; }
        if (line is not { } ln)
        {
            h.Trace.Add(new TraceStep("cap_relief", 0m, Rules.GetValue(period, static p => new(p)).Line, "I-13", Formulas.None, "12月31日无成员持有效证件 no member holds a qualifying identity on 31 December"));
            return h;
        }
        h.CapRelief = Math.Max(0m, h.ReasonableBurden - ln.Value);
        h.Trace.Add(new TraceStep("cap_relief", h.CapRelief, ln.Cite, "I-12", Formulas.ExcessOverLine,
            ReliefTemplates[(int)lineCategory!.Value], h.ReasonableBurden, ln.Value));
        return h;
    }

    // Texts made once per period or category rather than once per household-year.
    private sealed class PeriodRules(PolicyPeriod period)
    {
        public readonly string Burden = period.Document + " 二.2";
        public readonly string Line = period.Document + " 二.1";
    }
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<PolicyPeriod, PeriodRules> Rules = new();
    private static readonly string[] ReliefTemplates = Codes.AllCategories
        .Select(c => $"合理医疗费用 {{0}} 超过 {Codes.ToCode(c)} 家庭标准 {{1}} 的部分 100% 兜底").ToArray();
}
