using Doudi.Policy.Vocabulary;

namespace Doudi.Policy.Prevention;

/// <summary>One subsidy rule: item, tier, categories, and either a share of a contribution or a fixed amount (null: missing in the text).</summary>
public sealed record PremiumRule(PremiumItem Item, InsuranceTier Tier, IReadOnlySet<Category> Categories,
    decimal? Share, ContributionBasis Basis, bool FixedAmount, decimal? Amount, string Cite);

/// <summary>A policy's premium-subsidy parameters (policies/premium/*.yaml).</summary>
public sealed record PremiumPolicy(string Id, string Document, bool PhaseOutKeeps, string PhaseOutCite, IReadOnlyList<PremiumRule> Rules)
{
    public string Region { get; init; } = "";
    public DateOnly From { get; init; } = DateOnly.MinValue;
    public DateOnly To { get; init; } = DateOnly.MaxValue;
    /// <summary>The clause that says when a subsidy starts (the month after approval) and that a year already paid is not refunded.</summary>
    public string TimingCite { get; init; } = "";
    public string File { get; init; } = "";
    /// <summary>The day of the month the list is due by (postponed past holidays), and the clause that sets it.</summary>
    public int ListDueDay { get; init; }
    public string ListDueCite { get; init; } = "";
}
