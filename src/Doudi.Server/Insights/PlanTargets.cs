using Doudi.Policy.Vocabulary;
using Doudi.Server.Settlements;

namespace Doudi.Server.Insights;

/// <summary>A target a plan sets for a figure, as the dashboard shows it: the measure, at least/at most, the share, and its clause.</summary>
public sealed record PlanTarget(string Policy, string Region, string Measure, string Comparison, decimal Value, string Cite, string Text)
{
    public bool Met(decimal actual) => Comparison == "at_least" ? actual >= Value : actual <= Value;
}

/// <summary>
/// The plans' targets of a year, from the policy catalogue the server loaded at start (policies/targets/ and
/// policies/local/targets/, read by the policy loader with its checks — PreventionFileReader): no reader of its own.
/// </summary>
public static class PlanTargets
{
    public static IEnumerable<PlanTarget> Of(EngineHost host, string? region, int year) =>
        host.Catalog is not { } catalog || year is < 1 or > 9998 ? [] : // a year no calendar holds has no plan (not a 500)
        (region is null ? catalog.Regions : [region]).Select(r => catalog.TargetsFor(r, year)).OfType<Doudi.Policy.Prevention.PlanTargetPolicy>()
            .SelectMany(p => p.Targets.Select(t => new PlanTarget(p.Id, p.Region, Codes.ToCode(t.Measure), Codes.ToCode(t.Comparison), t.Value, t.Cite, t.Text)));
}
