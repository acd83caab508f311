using Doudi.Prevention.Common;
using Doudi.Prevention.Monitoring;

namespace Doudi.Prevention.Tests;

public class BuiltInDataTests
{
    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Doudi.slnx"))) return d.FullName;
        throw new InvalidOperationException("repository root not found");
    }

    [Fact]
    public void The_embedded_copies_are_the_repository_files()
    {
        var root = RepoRoot();
        Assert.Equal(2, BuiltInData.Names.Count); // calendar 1 + statistics 1 (policy files are read by the policy loader)
        foreach (var name in BuiltInData.Names)
            Assert.Equal(File.ReadAllText(Path.Combine(root, name)), BuiltInData.Read(name));
    }

    [Fact]
    public void Every_statistic_has_a_source_and_unknown_figures_are_missing_not_zero()
    {
        var stats = RegionalStatistics.BuiltIn();
        Assert.NotEmpty(stats.Figures);
        Assert.All(stats.Figures, f => Assert.False(string.IsNullOrWhiteSpace(f.Source)));
        Assert.DoesNotContain(stats.Figures, f => f.Value == 0);
    }
}
