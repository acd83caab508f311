using Doudi.Policy.Loading;
using Doudi.Policy.Periods;

namespace Doudi.Server.Settlements;

/// <summary>The one place that calls the policy loader.</summary>
internal static class PolicyCatalogLoader
{
    public static (PolicyCatalog? Catalog, IReadOnlyList<string> Errors) Load(string? directory)
    {
        if (directory is null) return (null, ["no policies/ folder found (set DOUDI_POLICIES or Doudi:Policies)"]);
        var result = PolicyLoader.LoadDirectory(directory);
        return (result.Ok ? result.Catalog : null, result.Errors.Select(e => e.ToString()).ToList());
    }
}
