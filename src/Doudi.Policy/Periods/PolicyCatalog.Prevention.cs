using Doudi.Policy.Prevention;

namespace Doudi.Policy.Periods;

/// <summary>
/// The prevention definitions of each region (monitoring, premium subsidy, year-end relief), read by the same loader as
/// the settlement policy files and tied to a policy document, whose region they take. Where two definitions of one kind
/// are both in force, the one whose document amends the other's wins (wenzhou-2022 over wenzhou-2020, as in settlement).
/// </summary>
public sealed partial class PolicyCatalog
{
    internal sealed record Definition<T>(T Value, string Region, string Policy, DateOnly From, DateOnly To, int Depth);

    private List<Definition<MonitoringPolicy>> _monitoring = [];
    private List<Definition<PremiumPolicy>> _premiums = [];
    private List<Definition<ReliefPolicy>> _reliefs = [];

    internal void AttachPrevention(List<Definition<MonitoringPolicy>> monitoring, List<Definition<PremiumPolicy>> premiums, List<Definition<ReliefPolicy>> reliefs)
    {
        _monitoring = monitoring; _premiums = premiums; _reliefs = reliefs;
    }

    public IReadOnlyList<MonitoringPolicy> Monitoring => _monitoring.Select(d => d.Value).ToList();
    public IReadOnlyList<PremiumPolicy> Premiums => _premiums.Select(d => d.Value).ToList();
    public IReadOnlyList<ReliefPolicy> Reliefs => _reliefs.Select(d => d.Value).ToList();

    /// <summary>The monitoring rules in force in a region on a date, or null.</summary>
    public MonitoringPolicy? MonitoringOn(string region, DateOnly date) => On(_monitoring, region, date);
    /// <summary>The monitoring rules for a region's cost year: those in force at the latest date of the year they cover.</summary>
    public MonitoringPolicy? MonitoringFor(string region, int year) => ForYear(_monitoring, region, year);
    /// <summary>The premium-subsidy rules in force in a region on a date, or null (the region's documents set none).</summary>
    public PremiumPolicy? PremiumOn(string region, DateOnly date) => On(_premiums, region, date);
    /// <summary>The year-end relief jobs of a region's cost year, or null (its documents have none).</summary>
    public ReliefPolicy? ReliefFor(string region, int year) => ForYear(_reliefs, region, year);

    private static T? On<T>(List<Definition<T>> defs, string region, DateOnly date) where T : class =>
        defs.Where(d => d.Region == region && d.From <= date && date <= d.To).OrderByDescending(d => d.Depth).Select(d => d.Value).FirstOrDefault();

    private static T? ForYear<T>(List<Definition<T>> defs, string region, int year) where T : class
    {
        var start = new DateOnly(year, 1, 1);
        var end = new DateOnly(year, 12, 31);
        var covering = defs.Where(d => d.Region == region && d.From <= end && d.To >= start).ToList();
        if (covering.Count == 0) return null;
        var last = covering.Max(d => d.To < end ? d.To : end);
        return On(covering, region, last);
    }
}
