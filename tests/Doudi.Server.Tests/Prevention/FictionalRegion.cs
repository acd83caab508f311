using Doudi.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace Doudi.Server.Tests.Prevention;

/// <summary>
/// A bureau's policies folder: a copy of the repository's policies/ with the files of tests/…/data/fictional-region
/// in its local/ folder, as a bureau adds its own without a rebuild. The server reads it at start (Doudi:Policies).
/// </summary>
public static class FictionalRegion
{
    /// <param name="extra">more files to write under local/ (relative path, text), e.g. a broken one</param>
    public static string PoliciesFolder(params (string Path, string Text)[] extra)
    {
        var root = RepoRoot();
        var target = Path.Combine(Path.GetTempPath(), "doudi-tests", "policies-" + Guid.NewGuid().ToString("N")[..12]);
        Copy(Path.Combine(root, "policies"), target, skip: d => Path.GetFileName(d) is "samples" or "local");
        Copy(Path.Combine(root, "tests", "Doudi.Server.Tests", "data", "fictional-region"), Path.Combine(target, "local"), skip: _ => false);
        foreach (var (path, text) in extra) File.WriteAllText(Path.Combine(target, "local", path), text);
        return target;
    }

    public static string BrokenFolder() => PoliciesFolder(
        ("relief/qingshan-2025.yaml", "policy: qingshan-2025\ncite: 青政办〔2025〕1号 第七条\nruns:\n  - kind: burden_cap\n    fund: charity\n    cite: 第七条\n    txt: 封顶\n"));

    private static void Copy(string from, string to, Func<string, bool> skip)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.EnumerateFiles(from, "*.yaml")) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        foreach (var d in Directory.EnumerateDirectories(from).Where(d => !skip(d))) Copy(d, Path.Combine(to, Path.GetFileName(d)), skip);
    }

    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Doudi.slnx"))) return d.FullName;
        throw new InvalidOperationException("repository root not found");
    }
}

public sealed class FictionalRegionSqliteFixture : SqliteFixture
{
    protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("Doudi:Policies", FictionalRegion.PoliciesFolder());
}

public sealed class FictionalRegionPostgresFixture : PostgresFixture
{
    protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("Doudi:Policies", FictionalRegion.PoliciesFolder());
}

/// <summary>The fictional county's files plus a bureau's relief file with a typo: the server starts not ready and says where.</summary>
public sealed class BrokenLocalPolicySqliteFixture : SqliteFixture
{
    protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("Doudi:Policies", FictionalRegion.BrokenFolder());
}

public sealed class BrokenLocalPolicyPostgresFixture : PostgresFixture
{
    protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("Doudi:Policies", FictionalRegion.BrokenFolder());
}
