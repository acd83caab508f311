using Doudi.Policy.Loading;
using Doudi.Policy.Periods;
using Doudi.Policy.Prevention;

namespace Doudi.Prevention.Tests;

/// <summary>The repository's policies/ folder as the policy loader reads it (monitoring, premium and relief files included).</summary>
public static class RepoPolicies
{
    public static string Root()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Doudi.slnx"))) return d.FullName;
        throw new InvalidOperationException("repository root not found");
    }

    private static readonly Lazy<PolicyCatalog> Loaded = new(() =>
    {
        var r = PolicyLoader.LoadDirectory(Path.Combine(Root(), "policies"));
        return r.Catalog ?? throw new InvalidOperationException(string.Join("\n", r.Errors));
    });

    public static PolicyCatalog Catalog => Loaded.Value;
    public static MonitoringPolicy Monitoring(string id) => Catalog.Monitoring.Single(p => p.Id == id);
    public static PremiumPolicy Premium(string id) => Catalog.Premiums.Single(p => p.Id == id);
}
