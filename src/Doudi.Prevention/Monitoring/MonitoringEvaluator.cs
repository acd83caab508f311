using Doudi.Policy.Prevention;
using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Common;

namespace Doudi.Prevention.Monitoring;

/// <summary>One person's year totals, as the settlement engine or a re-scan computes them.</summary>
public sealed record PersonYear(
    string PersonId,
    string? HouseholdId,
    int Year,
    InsuranceType Insurance,
    bool AssistanceObject,
    decimal InPolicyPersonalBurden,
    decimal PersonalBurden,
    decimal CashPayment)
{
    public decimal Get(Measure m) => m switch
    {
        Measure.InPolicyPersonalBurden => InPolicyPersonalBurden,
        Measure.PersonalBurden => PersonalBurden,
        _ => CashPayment,
    };
}

/// <summary>A rule that fired: what was measured, against what, and where the rule is written.</summary>
public sealed record TriggeredRule(
    string PolicyId, string RuleId, string Cite, Measure Measure, decimal Amount, Comparison Comparison,
    decimal Threshold, string ThresholdBasisZh, string ThresholdBasisEn);

/// <summary>
/// Triggered rules, and the rules that could not be evaluated because a parameter or statistic is missing.
/// A re-scan keeps going past a missing figure, but the problem is never silent.
/// </summary>
public sealed record MonitoringResult(IReadOnlyList<TriggeredRule> Triggered, IReadOnlyList<PreventionException> Problems, bool InForce)
{
    public MonitoringResult ThrowIfProblems() => Problems.Count == 0 ? this : throw Problems[0];
}

public sealed class MissingParameterException(string policy, string rule, string parameter)
    : PreventionException("parameter_missing",
        $"{policy} 规则 {rule} 的参数 {parameter} 在政策文本中未给出数值，须由当地设定后才能使用",
        $"{policy} rule {rule}: parameter {parameter} has no value in the policy text; it must be set locally before use")
{
    public string Policy { get; } = policy;
    public string Rule { get; } = rule;
}

public static class MonitoringEvaluator
{
    public static MonitoringResult Evaluate(MonitoringPolicy policy, RegionalStatistics statistics, PersonYear person)
    {
        // A year entirely before the document took effect is not monitored under it.
        if (person.Year < policy.From.Year) return new MonitoringResult([], [], false);
        var fired = new List<TriggeredRule>();
        var problems = new List<PreventionException>();
        foreach (var rule in policy.Rules.Where(r => r.AppliesTo.Matches(person.AssistanceObject, person.Insurance)))
        {
            try
            {
                var (threshold, zh, en) = ResolveThreshold(policy, rule, statistics, person.Year);
                var amount = person.Get(rule.Measure);
                bool hit = rule.Comparison == Comparison.AtLeast ? amount >= threshold : amount > threshold;
                if (hit) fired.Add(new TriggeredRule(policy.Id, rule.Id, rule.Cite, rule.Measure, amount, rule.Comparison, threshold, zh, en));
            }
            catch (PreventionException e) { problems.Add(e); }
        }
        return new MonitoringResult(fired, problems, true);
    }

    /// <summary>The threshold amount, rounded to the fen, with the basis a person can check.</summary>
    public static (decimal Amount, string Zh, string En) ResolveThreshold(MonitoringPolicy policy, MonitoringRule rule, RegionalStatistics statistics, int year)
    {
        var t = rule.Threshold;
        if (t.IsMissing || (t.Statistic is null && t.Fixed is null))
            throw new MissingParameterException(policy.Id, rule.Id, "threshold");
        if (t.Statistic is null) return (t.Fixed!.Value, $"{t.Fixed:0.##} 元", $"{t.Fixed:0.##} yuan");
        var fig = statistics.Get(policy.Region, year + t.YearOffset, t.Statistic.Value);
        var amount = Money.Round(fig.Value!.Value * t.Ratio);
        var name = StatisticNames.Of(t.Statistic.Value);
        var share = t.Ratio == 1 ? "" : $" × {t.Ratio:0.##}";
        return (amount,
            $"{policy.Region} {fig.Year} 年{name.Zh} {fig.Value:0.##} 元{share} = {amount:0.##} 元（{fig.Source}）",
            $"{policy.Region} {fig.Year} {name.En} {fig.Value:0.##}{share} = {amount:0.##} yuan ({fig.Source})");
    }
}
