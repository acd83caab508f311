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

    /// <summary>
    /// The same policies plus a reform overlay given as text (a what-if, never the policies in force), checked by the
    /// loader like any policy file; the reform's problems are named <c>reform:line:col</c>. Returns the file name the
    /// reform's document carries.
    /// </summary>
    public static (PolicyCatalog? Catalog, IReadOnlyList<PolicyError> Errors, string ReformFile) LoadWithReform(string directory, string reformYaml)
    {
        var dir = Directory.CreateTempSubdirectory("doudi-reform-").FullName;
        try
        {
            var path = Path.Combine(dir, "reform.yaml");
            File.WriteAllText(path, reformYaml);
            var result = PolicyLoader.LoadDirectory(directory, [], [path]);
            var file = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
            var errors = result.Errors.Select(e => e.File == file ? e with { File = "reform" } : e).ToList();
            return (result.Ok ? result.Catalog : null, errors, file);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
