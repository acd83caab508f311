using System.Text;
using Doudi.Analysis.Reform;
using Doudi.Cases;
using Doudi.Policy.Loading;
using Doudi.Server.Tests.Prevention;

namespace Doudi.Server.Tests;

/// <summary>
/// The reform simulator asks the bill's policy period when an identity starts to count (I-1 is a clause of a file, not
/// a law of nature): a county whose file lets an identity count from the day of recognition has objects from that day.
/// </summary>
public sealed class ReformIdentityStartTests
{
    private static string Local(string path) =>
        File.ReadAllText(Path.Combine(FictionalRegion.RepoRoot(), "tests", "Doudi.Server.Tests", "data", "fictional-region", path));

    [Fact]
    public void An_identity_counts_for_monitoring_from_the_day_its_region_says_not_from_the_next_month()
    {
        // The fictional county qingshan-2025, changed so that identities count from the day of recognition (no
        // `identity.effective: next_month`), and a reform raising the subsistence ratio from 70% to 90%.
        var policy = Local("qingshan-2025.yaml")
            .Replace("认定次月起享受待遇", "认定之日起享受待遇")
            .Replace("      identity.effective: next_month\n", "");
        Assert.DoesNotContain("identity.effective", policy);
        const string reform = """
            id: reform-qingshan-90
            region: qingshan
            title: 青山县低保救助比例调整测算（虚构 fictional）
            document: 政策调整测算（非正式文件）
            amends: [qingshan-2025]
            period: { from: 2025-01-01 }
            cite: 测算 reform
            clauses:
              - cite: 测算：第四条
                text: 低保对象救助90%。
                set:
                  assistance.inpatient.ratio: { subsistence: 0.90 }
            """;
        var register = File.ReadAllText(Path.Combine(FictionalRegion.RepoRoot(), "policies", "interpretations.yaml"));
        var monitoring = Local(Path.Combine("monitoring", "qingshan-2025.yaml"));
        var before = PolicyLoader.LoadTexts([("interpretations.yaml", register), ("qingshan-2025.yaml", policy), ("monitoring/qingshan-2025.yaml", monitoring)]);
        var after = PolicyLoader.LoadTexts([("interpretations.yaml", register), ("qingshan-2025.yaml", policy), ("monitoring/qingshan-2025.yaml", monitoring), ("reform.yaml", reform)]);
        Assert.True(before.Catalog is not null, string.Join("\n", before.Errors));
        Assert.True(after.Catalog is not null, string.Join("\n", after.Errors));

        // Recognised subsistence on 20 December 2025, in hospital on 25 December: an object that day under this file.
        // Bill: in policy 100,000, basic 50,000, critical illness 10,000 → base 40,000.
        //   before: assistance 70% × 40,000 = 28,000 → in-policy personal burden 12,000 ≥ 10,000 → monitored (objects' rule);
        //   after:  assistance 90% × 40,000 = 36,000 → burden 4,000 < 10,000 → not monitored: the household leaves the pool.
        // The old IsObject counted the identity from 1 January 2026, so the person was no object in 2025, the objects'
        // rule never applied, and nobody left the pool.
        var file = CaseReader.Read(Encoding.UTF8.GetBytes("""
            {"region": "qingshan",
             "persons": [{"id": "q1", "household": "h1", "insurance": "resident",
                          "identities": [{"category": "subsistence", "recognized": "2025-12-20", "revoked": null}]}],
             "bills": [{"id": "b1", "person": "q1", "date": "2025-12-25", "kind": "inpatient", "hospitalLevel": 2, "referred": true,
                        "total": 100000, "inPolicy": 100000, "basicPaid": 50000, "criticalPaid": 10000}]}
            """)).ValueOrThrow();
        var report = ReformSimulator.Run(before.Catalog!, after.Catalog!, file, "reform-qingshan-90", "测算", "reform.yaml", ["qingshan-2025"]);

        var assistance = report.Tiers.Single(t => t.Tier == "assistance");
        Assert.Equal((28000m, 36000m), (assistance.Before, assistance.After));
        var left = Assert.Single(report.LeavingMonitoring);
        Assert.Equal(("h1", 2025), (left.Household, left.Year));
        Assert.Empty(report.EnteringMonitoring);
    }
}
