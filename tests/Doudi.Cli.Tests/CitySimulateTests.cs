using System.Text.Json;

namespace Doudi.Cli.Tests;

/// <summary>`doudi simulate --reform`: the reform examples of policies/reforms on a hand-computed case and on a generated city.</summary>
public class CitySimulateTests
{
    private static string Reform(string name)
    {
        var policies = CliRunner.RepoPolicies();
        return Path.Combine(policies, "reforms", name);
    }

    // fuyang-2023, one subsistence person, one inpatient bill of 600,000 (all in policy), basic 200,000, critical 100,000:
    //   二.3 assistance: (600,000 − 200,000 − 100,000) × 80% = 240,000, limited to the annual 150,000 → 150,000
    //   reasonable burden 600,000 − 200,000 − 100,000 − 150,000 = 150,000
    //   二.4 special assistance (I-8): 150,000 ≥ 5,000 → 50% = 75,000 (limit 100,000) → burden 75,000
    //   二.4 cap: 75,000 − 50,000 = 25,000 relief (burden 50,000); reform cap 40,000: 35,000 relief (burden 40,000)
    //   cost change +10,000; burden rate 50,000 / 600,000 = 8.33% → 40,000 / 600,000 = 6.67%
    private const string Fuyang = """
        { "region": "fuyang",
          "persons": [ { "id": "p1", "household": "h1", "insurance": "resident",
                         "identities": [ { "category": "subsistence", "recognized": "2022-05-10" } ] } ],
          "bills": [ { "id": "b1", "person": "p1", "date": "2023-06-01", "kind": "inpatient",
                       "total": 600000, "inPolicy": 600000, "basicPaid": 200000, "criticalPaid": 100000, "hospitalLevel": 3, "referred": true } ] }
        """;

    private static decimal Tier(JsonElement root, string tier, string side) =>
        root.GetProperty("tiers").EnumerateArray().Single(t => t.GetProperty("tier").GetString() == tier).GetProperty(side).GetDecimal();

    [Fact]
    public void Fuyang_cap_lowered_to_40000_pays_the_hand_computed_10000_more()
    {
        using var cli = new CliRunner();
        var (code, stdout, err) = cli.Run("simulate", "--reform", Reform("fuyang-cap-40000.yaml"), cli.File("case.json", Fuyang),
            "--policies", CliRunner.RepoPolicies(), "--xlsx", cli.PathOf("r.xlsx"));
        Assert.Empty(err);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var r = doc.RootElement;
        Assert.Equal((150000m, 150000m), (Tier(r, "assistance", "before"), Tier(r, "assistance", "after")));
        Assert.Equal((75000m, 75000m), (Tier(r, "special_assistance", "before"), Tier(r, "special_assistance", "after")));
        Assert.Equal((25000m, 35000m), (Tier(r, "personal_cap", "before"), Tier(r, "personal_cap", "after")));
        Assert.Equal(10000m, r.GetProperty("costChange").GetDecimal());
        Assert.Equal(1, r.GetProperty("persons").GetProperty("betterOff").GetInt32());
        Assert.Equal((0.0833m, 0.0667m), (r.GetProperty("before").GetProperty("burdenRate").GetDecimal(), r.GetProperty("after").GetProperty("burdenRate").GetDecimal()));
        Assert.Equal((0.9167m, 0.9333m), (r.GetProperty("before").GetProperty("coverageRate").GetDecimal(), r.GetProperty("after").GetProperty("coverageRate").GetDecimal()));
        Assert.StartsWith("静态测算", r.GetProperty("method").GetString());
        Assert.True(new FileInfo(cli.PathOf("r.xlsx")).Length > 0);
    }

    [Fact]
    public void On_a_generated_city_the_cost_change_is_the_sum_of_the_per_person_changes()
    {
        using var cli = new CliRunner();
        var dir = cli.PathOf("city");
        Assert.Equal(0, cli.Run(CityGenerateTests.Generate(dir, region: "wenzhou", year: 2024)).Code);
        var (code, stdout, err) = cli.Run("simulate", "--reform", Reform("wenzhou-assistance-85.yaml"), Path.Combine(dir, "case.json"),
            "--persons", Path.Combine(dir, "persons.csv"), "--policies", CliRunner.RepoPolicies());
        Assert.Empty(err);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var r = doc.RootElement;
        decimal change = r.GetProperty("costChange").GetDecimal();
        Assert.True(change > 0);
        Assert.Equal(change, r.GetProperty("personChanges").EnumerateArray().Sum(p => p.GetProperty("change").GetDecimal()));
        Assert.Equal(change, r.GetProperty("householdChanges").EnumerateArray().Sum(p => p.GetProperty("change").GetDecimal()));
        Assert.Equal(change, r.GetProperty("tiers").EnumerateArray().Sum(t => t.GetProperty("change").GetDecimal()));
        Assert.Equal(change, r.GetProperty("funds").EnumerateArray().Sum(t => t.GetProperty("change").GetDecimal()));
        Assert.Equal(change, r.GetProperty("byDecile").EnumerateArray().Sum(t => t.GetProperty("change").GetDecimal()));
        Assert.Equal(change, r.GetProperty("byTownship").EnumerateArray().Sum(t => t.GetProperty("change").GetDecimal()));
        // Static: what the tiers pay more, the persons pay less.
        Assert.Equal(change, r.GetProperty("before").GetProperty("personalBurden").GetDecimal() - r.GetProperty("after").GetProperty("personalBurden").GetDecimal());
        var persons = r.GetProperty("persons");
        Assert.Equal(change, persons.GetProperty("gained").GetDecimal() - persons.GetProperty("lost").GetDecimal());
    }

    [Fact]
    public void A_reform_that_does_not_amend_the_policy_it_changes_is_refused_with_its_line()
    {
        using var cli = new CliRunner();
        var reform = cli.File("r.yaml", """
            id: reform-x
            region: fuyang
            title: 测算
            document: 测算
            period: { from: 2024-01-01 }
            cite: 测算
            clauses:
              - cite: 测算
                text: 封顶4万
                set:
                  cap.personal: 40000
            """);
        var (code, stdout, err) = cli.Run("simulate", "--reform", reform, cli.File("case.json", Fuyang), "--policies", CliRunner.RepoPolicies());
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        // Two unrelated files setting cap.personal at once: the loader's own check names the line.
        Assert.Contains(err, l => l.Contains("r.yaml:11:") && l.Contains("cap.personal"));
    }
}
