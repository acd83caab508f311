using Doudi.Policy.Periods;

namespace Doudi.Server.Settlements;

/// <summary>The one place that calls the policy loader (Doudi.Policy.Loading.PolicyLoader).</summary>
internal static class PolicyCatalogLoader
{
    public static (PolicyCatalog? Catalog, IReadOnlyList<string> Errors) Load(string? directory)
    {
        if (directory is null) return (null, ["no policies/ folder found (set DOUDI_POLICIES or Doudi:Policies)"]);
        // TODO(main): replace with Doudi.Policy.Loading.PolicyLoader.LoadDirectory(directory) once it lands.
        return (new PolicyCatalog(), []);
    }
}
