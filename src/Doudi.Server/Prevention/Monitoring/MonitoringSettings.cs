using System.Data.Common;
using Doudi.Prevention.Monitoring;
using Doudi.Server.Storage;

namespace Doudi.Server.Prevention.Monitoring;

/// <summary>
/// The monitoring rules of each region (policies/monitoring/*.yaml) and the regional statistics
/// (data/statistics/regional-statistics.yaml), with what the bureau set locally on top: a threshold the text leaves
/// open (pengshui, wenzhou) and a published statistic. Read from the database, cached until a local value changes.
/// </summary>
public sealed class MonitoringSettings
{
    private static readonly Dictionary<string, MonitoringPolicy> BuiltInPolicies =
        MonitoringPolicy.BuiltInIds.Select(MonitoringPolicy.BuiltIn).ToDictionary(p => p.Region, StringComparer.Ordinal);
    private static readonly RegionalStatistics BuiltInStatistics = RegionalStatistics.BuiltIn();

    private volatile Snapshot? _snapshot;

    public sealed record Snapshot(IReadOnlyDictionary<string, MonitoringPolicy> Policies, RegionalStatistics Statistics,
        IReadOnlyDictionary<(string Policy, string Rule), string> LocalBasis);

    public static IEnumerable<MonitoringPolicy> BuiltIn => BuiltInPolicies.Values;

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
        var policies = BuiltInPolicies.ToDictionary(kv => kv.Key, kv => kv.Value with
        {
            Rules = kv.Value.Rules.Select(rule => thresholds.FirstOrDefault(t => t.Policy == kv.Value.Id && t.Rule == rule.Id) is { Policy: not null } t
                ? rule with { Threshold = new Threshold(t.Value, null, 0, 1, false) }
                : rule).ToList(),
        }, StringComparer.Ordinal);
        var local = stats.ToDictionary(f => (f.Region, f.Year, f.Statistic));
        var merged = new RegionalStatistics(BuiltInStatistics.Figures.Where(f => !local.ContainsKey((f.Region, f.Year, f.Statistic))).Concat(local.Values));
        var snapshot = new Snapshot(policies, merged, thresholds.ToDictionary(t => (t.Policy, t.Rule), t => t.Basis));
        _snapshot = snapshot;
        return snapshot;
    }
}
