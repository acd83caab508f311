using Doudi.Policy.Vocabulary;

namespace Doudi.Policy.Prevention;

/// <summary>A threshold: a fixed amount, a share of a regional statistic of a year relative to the evaluated one, or missing.</summary>
public sealed record Threshold(decimal? Fixed, Statistic? Statistic, int YearOffset, decimal Ratio, bool IsMissing)
{
    public static Threshold Missing => new(null, null, 0, 1, true);
}

/// <summary>Who a rule applies to: assistance objects or not (null: both), and which insurance classes (null: all).</summary>
public sealed record RuleScope(bool? AssistanceObject, IReadOnlySet<InsuranceType>? Insurance)
{
    public bool Matches(bool assistanceObject, InsuranceType insurance) =>
        (AssistanceObject is null || AssistanceObject == assistanceObject) &&
        (Insurance is null || Insurance.Contains(insurance));
}

public sealed record MonitoringRule(string Id, string Cite, string Text, RuleScope AppliesTo, Measure Measure, Comparison Comparison, Threshold Threshold);

/// <summary>A region's early-warning rules (policies/monitoring/*.yaml), in force from <see cref="From"/>.</summary>
public sealed record MonitoringPolicy(
    string Id, string Region, string Document, string Title, DateOnly From,
    string SelfApplicationCite, IReadOnlyList<MonitoringRule> Rules)
{
    public DateOnly To { get; init; } = DateOnly.MaxValue;
    public string File { get; init; } = "";
}
