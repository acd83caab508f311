using System.Data.Common;
using Doudi.Policy.Prevention;
using Doudi.Prevention.Monitoring;
using Doudi.Server.Prevention.Common;
using Doudi.Server.Storage;

namespace Doudi.Server.Prevention.Monitoring;

/// <summary>
/// The monitoring rules of each region (policies/monitoring/*.yaml, through the policy catalogue) and the regional
/// statistics (data/statistics/regional-statistics.yaml), with what the bureau set locally on top: a threshold the text
/// leaves open (pengshui, wenzhou) and a published statistic. Read from the database, cached until a local value changes.
/// </summary>
public sealed class MonitoringSettings(PreventionCatalog catalog)
{
    private static readonly RegionalStatistics BuiltInStatistics = RegionalStatistics.BuiltIn();

    private volatile Snapshot? _snapshot;

    /// <summary>The rules with local thresholds applied (by policy id), and the statistics.</summary>
    public sealed record Snapshot(Doudi.Policy.Periods.PolicyCatalog Catalog, IReadOnlyDictionary<string, MonitoringPolicy> ById, RegionalStatistics Statistics,
        IReadOnlyDictionary<(string Policy, string Rule), string> LocalBasis)
    {
        /// <summary>The rules in force in a region on a date (a settlement's date), or null.</summary>
        public MonitoringPolicy? On(string region, DateOnly date) => Catalog.MonitoringOn(region, date) is { } p ? ById[p.Id] : null;
        /// <summary>
        /// The rules of a region's year (re-scan, a person's year); for a year before any, the region's first rules (the
        /// evaluator answers "not in force" for them, as before definitions had dates); null where the region has none.
        /// </summary>
        public MonitoringPolicy? For(string region, int year) =>
            (Catalog.MonitoringFor(region, year) ?? Catalog.Monitoring.Where(p => p.Region == region && p.From.Year > year).MinBy(p => p.From)) is { } p
                ? ById[p.Id] : null;
    }

    /// <summary>Every region's monitoring rules as the files give them.</summary>
    public IEnumerable<MonitoringPolicy> Defined => catalog.Catalog.Monitoring;

    public void Invalidate() => _snapshot = null;

    public async Task<Snapshot> GetAsync(DbConnection c, DbTransaction? tx)
    {
        if (_snapshot is { } s) return s;
        var thresholds = await c.ListAsync("SELECT policy, rule, threshold, basis FROM prevention_parameters", tx,
            r => (Policy: r.S("policy"), Rule: r.S("rule"), Value: r.M("threshold"), Basis: r.S("basis")));
        var stats = await c.ListAsync("SELECT region, year, statistic, value, source FROM prevention_statistics", tx, r =>
        {
            Doudi.Policy.Vocabulary.Codes.TryParse<Statistic>(r.S("statistic"), out var st);
            return new StatisticFigure(r.S("region"), r.I("year"), st, r.M("value"), r.S("source"));
        });
        var policies = Defined.ToDictionary(p => p.Id, p => p with
        {
            Rules = p.Rules.Select(rule => thresholds.FirstOrDefault(t => t.Policy == p.Id && t.Rule == rule.Id) is { Policy: not null } t
                ? rule with { Threshold = new Threshold(t.Value, null, 0, 1, false) }
                : rule).ToList(),
        }, StringComparer.Ordinal);
        var local = stats.ToDictionary(f => (f.Region, f.Year, f.Statistic));
        var merged = new RegionalStatistics(BuiltInStatistics.Figures.Where(f => !local.ContainsKey((f.Region, f.Year, f.Statistic))).Concat(local.Values));
        var snapshot = new Snapshot(catalog.Catalog, policies, merged, thresholds.ToDictionary(t => (t.Policy, t.Rule), t => t.Basis));
        _snapshot = snapshot;
        return snapshot;
    }
}
