using Doudi.Engine.Cases;
using Doudi.Engine.Identities;
using Doudi.Engine.Results;
using Doudi.Engine.Tiers;
using Doudi.Engine.Tracing;
using Doudi.Policy.Parameters;
using Doudi.Policy.Periods;
using Doudi.Policy.Vocabulary;

namespace Doudi.Engine.Annual;

/// <summary>
/// A household's year. Under jiande (二.3), the household's reasonable cost of year Y above its line is paid in full:
/// every member and every bill of the year count (I-25); the line is the lowest among the categories its members hold
/// on 31 December of Y (I-12, I-13). Elsewhere the household line reports the members' remaining burden, with no
/// relief of its own. Every step cites a clause of the policy file, so a county adopting household lines cites its own.
/// </summary>
internal static class HouseholdYearRules
{
    public static HouseholdYearResult Settle(string householdId, int year, IReadOnlyList<Person> members,
        IReadOnlyList<YearBill> bills, IReadOnlyList<(string Id, decimal PersonalBurden)> memberYears)
    {
        var h = new HouseholdYearResult { Id = householdId, Year = year };
        Household? rule = null;
        foreach (var b in bills) rule = b.Period.Household ?? rule;
        if (rule is null)
        {
            h.ReasonableBurden = memberYears.Sum(p => p.PersonalBurden);
            var memberBasis = new TraceBasis(TraceBasisOf.Persons, "personalBurden", "total");
            foreach (var p in memberYears) memberBasis.Count(p.Id, p.PersonalBurden);
            h.Trace.Add(new TraceStep("household_burden", h.ReasonableBurden, bills[^1].Period.TiersCite, bills[^1].Period.Interpretation(Mechanisms.PersonalBurden), Formulas.Total,
                "家庭成员年度个人负担合计 sum of members' personal burden: {0}", h.ReasonableBurden) { Basis = memberBasis });
            return h;
        }
        PolicyPeriod period = null!;
        foreach (var b in bills) if (b.Period.Household is not null) period = b.Period;
        var burdenCite = rule.MembersCite ?? period.TiersCite;

        // I-25: every member's bills of the cost year, each counted or left out with the reason, in the basis of the
        // household_burden step.
        var counted = new List<YearBill>(bills.Count);
        var basis = new TraceBasis(TraceBasisOf.Bills, "personalBurden", "value");
        decimal burden = 0m;
        foreach (var b in bills)
        {
            var head = $"{b.Person}，{b.Date:yyyy-MM-dd}";
            if (b.Period.Household is null)
            {
                basis.Leave(b.Id, b.PersonalBurden, "outside_rule_period", $"{head}：不在该年度规则的适用期内 outside the rule's years");
                continue;
            }
            var reason = b.Exclusion;
            if (reason != Exclusion.None && b.Period.Exclusions[(int)reason] is { } ex)
            {
                basis.Leave(b.Id, b.PersonalBurden, "excluded",
                    $"{head}：{Codes.ToCode(reason)} 除外（{ex.Rule}{(ex.Interpretation is null ? "" : "，" + ex.Interpretation)}） excluded");
                continue;
            }
            counted.Add(b);
            burden += b.PersonalBurden;
            basis.Count(b.Id, b.PersonalBurden, $"{head}：各档结算后个人负担 personal burden after every tier");
        }

        decimal excluded = 0m;
        var groups = rule.ThresholdPerHousehold ? [counted] : counted.GroupBy(b => b.Person, StringComparer.Ordinal).Select(g => g.ToList()).ToList();
        var listCite = rule.NegativeClasses?.Cite ?? burdenCite;
        foreach (var group in groups)
        {
            var ex = NegativeList.Of(rule, group);
            if (ex.Total == 0m) continue;
            excluded += ex.Total;
            // An id is data: braces in it must not be read as the template's placeholders.
            var who = rule.ThresholdPerHousehold ? "家庭" : group[0].Person.Replace("{", "{{").Replace("}", "}}");
            h.Trace.Add(new TraceStep("negative_list", ex.Total, listCite, "I-9", Formulas.NegativeList,
                $"{who}：负面清单项目 {{0}} + 药品年度总额超限部分 {{1}}（药品合计 {{2}}）+ 耗材年度总额超限部分 {{3}}（耗材合计 {{4}}）" +
                $"，门槛按{(rule.ThresholdPerHousehold ? "家庭" : "每人")}年度总额（{rule.ThresholdScopeCite?.Interpretation ?? "I-22"}），目录内项目按比例分担（{rule.ItemShareCite?.Interpretation ?? "I-23"}） not reasonable",
                ex.Listed, ex.DrugExcess, ex.DrugTotal, ex.ConsumableExcess, ex.ConsumableTotal));
        }
        h.ReasonableBurden = burden - excluded;
        h.Trace.Add(new TraceStep("household_burden", h.ReasonableBurden, burdenCite, "I-25", Formulas.Less,
            "家庭个人负担 {0} − 负面清单 {1}", burden, excluded) { Basis = basis });

        // I-13: a member holding a certificate on 31 December of the cost year qualifies the household (recognised on or
        // before that day, not revoked before December); the lowest line among those held applies (I-12).
        var yearEnd = new DateOnly(year, 12, 31);
        var objectsCite = FirstObjectsCite(period);
        Cited<decimal>? line = null;
        Category? lineCategory = null;
        foreach (var m in members)
            foreach (var id in m.Identities)
            {
                if (!period.IsObject(id.Category)) continue;
                bool held = IdentityRules.CertificateHeldOn(id, yearEnd);
                h.Trace.Add(new TraceStep("household_member", 0m, objectsCite, "I-13", Formulas.None, TraceText.Literal($"{m.Id} {Codes.ToCode(id.Category)} 认定 {id.Recognized:yyyy-MM-dd}" + (id.Revoked is { } rv ? $"，取消 {rv:yyyy-MM-dd}" : "") +
                    (held ? $"：{year}-12-31 持有效证件 holds the certificate on 31 December" : $"：{year}-12-31 未持有效证件 does not hold it on 31 December"))));
                if (held && rule.Line[(int)id.Category] is { } l && (line is null || l.Value < line.Value.Value))
                { line = l; lineCategory = id.Category; }
            }
        if (line is not { } ln)
        {
            h.Trace.Add(new TraceStep("cap_relief", 0m, objectsCite, "I-13", Formulas.None, "12月31日无成员持有效证件 no member holds a qualifying identity on 31 December"));
            return h;
        }
        h.CapRelief = Math.Max(0m, h.ReasonableBurden - ln.Value);
        h.Trace.Add(new TraceStep("cap_relief", h.CapRelief, ln.Cite, "I-12", Formulas.ExcessOverLine,
            ReliefTemplates[(int)lineCategory!.Value], h.ReasonableBurden, ln.Value));
        return h;
    }

    private static Citation FirstObjectsCite(PolicyPeriod period)
    {
        foreach (var c in period.Objects)
            if (c is not null) return c;
        return period.Cite;
    }

    private static readonly string[] ReliefTemplates = Codes.AllCategories
        .Select(c => $"合理医疗费用 {{0}} 超过 {Codes.ToCode(c)} 家庭标准 {{1}} 的部分 100% 兜底").ToArray();
}
