using System.Text.Json;

namespace Doudi.Cli.Tests;

/// <summary>
/// Issue 7 end to end: contradictory or inconsistent bills exit 2 naming the field (I-20, items against their bill);
/// a bill with assistance paid upstream reports due, upstream and difference (I-24); `policy show` prints the
/// interpretations in force from the register.
/// </summary>
public class CliRulesTests
{
    private static string[] Settle(CliRunner cli, string json) =>
        ["settle", cli.File("case.json", json), "--policies", CliRunner.RepoPolicies()];

    private static string Case(string region, string bill) => $$"""
        { "region": "{{region}}",
          "persons": [ { "id": "p1", "household": "h1", "insurance": "resident",
                         "identities": [ { "category": "subsistence", "recognized": "2022-05-10" } ] } ],
          "bills": [ {{bill}} ] }
        """;

    [Theory]
    [InlineData("wenzhou", "2023-04-01")]
    [InlineData("fuyang", "2023-04-01")]
    [InlineData("jiande", "2023-04-01")]
    [InlineData("pengshui", "2023-07-01")]
    public void An_outpatient_bill_marked_special_disease_exits_2_in_every_region(string region, string date)
    {
        using var cli = new CliRunner();
        var (code, stdout, stderr) = cli.Run(Settle(cli, Case(region,
            $$"""{ "id": "b1", "person": "p1", "date": "{{date}}", "kind": "outpatient", "specialDisease": true, "total": 1000, "inPolicy": 1000, "basicPaid": 500, "criticalPaid": 0, "assistancePaid": 100 }""")));
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("bills[0].specialDisease: ", Assert.Single(stderr));
        Assert.Contains("I-20", stderr[0]);
    }

    [Fact]
    public void An_item_dearer_than_its_bill_exits_2_naming_the_item()
    {
        using var cli = new CliRunner();
        var (code, stdout, stderr) = cli.Run(Settle(cli, Case("jiande",
            """{ "id": "b1", "person": "p1", "date": "2023-04-01", "kind": "inpatient", "total": 1000, "inPolicy": 1000, "basicPaid": 500, "criticalPaid": 0, "assistancePaid": 100, "items": [ { "kind": "drug", "inCatalog": true, "amount": 200 }, { "kind": "drug", "inCatalog": true, "amount": 1000.01 } ] }""")));
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("bills[0].items[1].amount: ", Assert.Single(stderr));
    }

    [Fact]
    public void Out_of_catalogue_items_on_a_bill_without_out_of_policy_cost_exit_2()
    {
        using var cli = new CliRunner();
        var (code, _, stderr) = cli.Run(Settle(cli, Case("jiande",
            """{ "id": "b1", "person": "p1", "date": "2023-04-01", "kind": "inpatient", "total": 1000, "inPolicy": 1000, "basicPaid": 500, "criticalPaid": 0, "assistancePaid": 100, "items": [ { "kind": "drug", "class": "tcm_herbal_pieces", "inCatalog": false, "amount": 300 } ] }""")));
        Assert.Equal(2, code);
        Assert.StartsWith("bills[0].items[0].amount: ", Assert.Single(stderr));
    }

    [Fact]
    public void Assistance_paid_upstream_is_reported_beside_what_is_due()
    {
        // fuyang-2023 二.3: base 10000 − 6000 = 4000; subsistence 80% → due 3200; upstream 3000 → difference 200 (I-24).
        using var cli = new CliRunner();
        var (code, stdout, stderr) = cli.Run(Settle(cli, Case("fuyang",
            """{ "id": "b1", "person": "p1", "date": "2023-04-01", "kind": "inpatient", "total": 12000, "inPolicy": 10000, "basicPaid": 6000, "criticalPaid": 0, "assistancePaid": 3000 }""")));
        Assert.Empty(stderr);
        Assert.Equal(0, code);
        var bill = JsonDocument.Parse(stdout).RootElement.GetProperty("bills")[0];
        Assert.Equal(("3200", "3200", "3000", "200"), (bill.GetProperty("assistance").GetRawText(), bill.GetProperty("assistanceDue").GetRawText(),
            bill.GetProperty("assistanceUpstream").GetRawText(), bill.GetProperty("assistanceDifference").GetRawText()));
    }

    [Fact]
    public void A_bill_without_assistance_paid_upstream_has_no_such_fields()
    {
        using var cli = new CliRunner();
        var (code, stdout, _) = cli.Run(Settle(cli, Case("fuyang",
            """{ "id": "b1", "person": "p1", "date": "2023-04-01", "kind": "inpatient", "total": 12000, "inPolicy": 10000, "basicPaid": 6000, "criticalPaid": 0 }""")));
        Assert.Equal(0, code);
        var bill = JsonDocument.Parse(stdout).RootElement.GetProperty("bills")[0];
        Assert.False(bill.TryGetProperty("assistanceUpstream", out _));
    }

    [Fact]
    public void Policy_show_prints_the_interpretations_in_force_from_the_register()
    {
        using var cli = new CliRunner();
        var (code, stdout, stderr) = cli.Run("policy", "show", "jiande-2024", "--date", "2024-03-01", "--policies", CliRunner.RepoPolicies());
        Assert.Empty(stderr);
        Assert.Equal(0, code);
        Assert.Contains("interpretations in force (interpretations.yaml)", stdout);
        Assert.Contains("I-13 建德上一年度与12月31日持证", stdout);
        Assert.Contains("revised 2026-11-29", stdout);
        Assert.Contains("I-25", stdout);
        Assert.DoesNotContain("D-1", stdout);
    }

    [Fact]
    public void Policy_check_refuses_a_file_citing_an_interpretation_missing_from_the_register()
    {
        using var cli = new CliRunner();
        var dir = Path.Combine(cli.Dir, "policies");
        Directory.CreateDirectory(dir);
        foreach (var f in Directory.EnumerateFiles(CliRunner.RepoPolicies(), "*.yaml")) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        var pengshui = Path.Combine(dir, "pengshui-2023.yaml");
        File.WriteAllText(pengshui, File.ReadAllText(pengshui).Replace("    interpretation: I-6\n", "    interpretation: I-99\n"));
        var (code, stdout, stderr) = cli.Run("policy", "check", dir);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr);
        Assert.Contains("pengshui-2023.yaml:", line);
        Assert.Contains("I-99", line);
    }
}
