namespace Doudi.Server.Prevention.Premium;

/// <summary>One row of the monthly premium-subsidy list: the person, the item subsidised, the amount and its basis and clause.</summary>
public sealed record PremiumRowView(string Person, string Name, string Category, string Tier, string Item, decimal Amount, DateOnly? EffectiveFrom,
    string Status, string Basis, string Note, string Cite);

/// <summary>The month's list for the tax/insurance office, due by <see cref="Due"/> (the premium rules' day of the next month, postponed past holidays).</summary>
public sealed record PremiumListView(string Region, int Year, int Month, string Policy, string Document, DateOnly Due, string DueBasis, decimal Total,
    IReadOnlyList<PremiumRowView> Items)
{
    /// <summary>The clause that sets the due day (<c>list_due_cite</c> of policies/premium/*.yaml).</summary>
    public string DueCite { get; init; } = "";
}

/// <summary><c>PUT /api/persons/{id}/insurance-tier</c>: tier1 (一档) or tier2 (二档).</summary>
public sealed record InsuranceTierRequest(string InsuranceTier);
