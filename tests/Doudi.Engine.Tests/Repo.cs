using Doudi.Policy.Loading;
using Doudi.Policy.Periods;

namespace Doudi.Engine.Tests;

/// <summary>Finds the repository's folders and loads the real policy files once per set of extra folders.</summary>
internal static class Repo
{
    public static readonly string Root = FindRoot();
    public static string Policies => Path.Combine(Root, "policies");
    public static string Cases => Path.Combine(Root, "tests", "cases");

    private static readonly Dictionary<string, PolicyCatalog> Catalogs = new();

    public static PolicyCatalog Catalog(params string[] extraPolicyDirs)
    {
        var key = string.Join("|", extraPolicyDirs);
        lock (Catalogs)
        {
            if (Catalogs.TryGetValue(key, out var c)) return c;
            var result = PolicyLoader.LoadDirectory(Policies, extraPolicyDirs.Select(d => Path.Combine(Policies, d)).ToArray());
            Assert.True(result.Ok, string.Join("\n", result.Errors));
            return Catalogs[key] = result.Catalog!;
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Doudi.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Doudi.slnx not found above " + AppContext.BaseDirectory);
    }
}
