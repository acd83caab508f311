namespace Doudi.Policy.Prevention;

/// <summary>A figure a plan sets a target for (the console's dashboard compares the actual figure with it).</summary>
public enum TargetMeasure { CoverageRate, BurdenRate, InstitutionSelfPayRate }

public enum TargetComparison { AtLeast, AtMost }

/// <summary>One target of a plan: the measure, at least/at most, the share, and its clause.</summary>
public sealed record PlanTarget(TargetMeasure Measure, TargetComparison Comparison, decimal Value, string Cite, string Text)
{
    public bool Met(decimal actual) => Comparison == TargetComparison.AtLeast ? actual >= Value : actual <= Value;
}

/// <summary>A region's plan targets (policies/targets/*.yaml), read by the policy loader and tied to a policy document.</summary>
public sealed record PlanTargetPolicy(string Id, string Region, string Document, DateOnly From, DateOnly To, string Cite, IReadOnlyList<PlanTarget> Targets)
{
    public string File { get; init; } = "";
}
