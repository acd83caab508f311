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

    /// <summary>
    /// A case file under tests/cases that settles (null for one that expects problems): its case read, and the catalog
    /// of the repository's policies with the case's extra folders (<c>policyDirs</c>).
    /// </summary>
    public static (Doudi.Engine.Cases.CaseFile Case, PolicyCatalog Catalog)? SettlingCase(string file)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Cases, file)));
        var root = doc.RootElement;
        if (root.TryGetProperty("expectedProblems", out _)) return null;
        var extra = root.TryGetProperty("policyDirs", out var dirs) ? dirs.EnumerateArray().Select(d => d.GetString()!).ToArray() : [];
        var read = Doudi.Cases.CaseReader.Read(System.Text.Encoding.UTF8.GetBytes(root.GetProperty("case").GetRawText()));
        Assert.True(read.Problems.Count == 0, $"{file}: case does not read:\n{string.Join("\n", read.Problems)}");
        return (read.Value!, Catalog(extra));
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Doudi.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Doudi.slnx not found above " + AppContext.BaseDirectory);
    }
}
