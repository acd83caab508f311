using System.Text.Json;
using System.Text.Json.Nodes;

namespace Doudi.Cli.Tests;

/// <summary>`doudi settle` end to end against the repository's policies: the result JSON, and the engine's problems reported like the reader's.</summary>
public class CliSettleTests
{
    // fuyang-2023 二.3: base 10000 − 6000 = 4000; subsistence 80% → 3200; personal burden 12000 − 6000 − 3200 = 2800.
    private const string Fuyang = """
        { "region": "fuyang",
          "persons": [ { "id": "p1", "household": "h1", "insurance": "resident",
                         "identities": [ { "category": "subsistence", "recognized": "2022-05-10" } ] } ],
          "bills": [ { "id": "b1", "person": "p1", "date": "2023-04-01", "kind": "inpatient",
                       "total": 12000, "inPolicy": 10000, "basicPaid": 6000, "criticalPaid": 0, "hospitalLevel": 3, "referred": true } ] }
        """;

    private static string[] Settle(CliRunner cli, string json, params string[] more) =>
        ["settle", cli.File("case.json", json), "--policies", CliRunner.RepoPolicies(), .. more];

    [Fact]
    public void Settle_writes_the_result_json_to_stdout()
    {
        using var cli = new CliRunner();
        var (code, stdout, stderr) = cli.Run(Settle(cli, Fuyang));
        Assert.Empty(stderr);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var bill = doc.RootElement.GetProperty("bills")[0];
        Assert.Equal(("b1", "fuyang-2023", "subsistence"), (bill.GetProperty("id").GetString(), bill.GetProperty("policy").GetString(), bill.GetProperty("category").GetString()));
        Assert.Equal("4000", bill.GetProperty("assistanceBase").GetRawText());
        Assert.Equal("3200", bill.GetProperty("assistance").GetRawText());
        Assert.Equal("2800", bill.GetProperty("personalBurden").GetRawText());
        Assert.NotEqual(0, bill.GetProperty("trace").GetArrayLength());
        var person = doc.RootElement.GetProperty("persons")[0];
        Assert.Equal(("p1", 2023), (person.GetProperty("id").GetString(), person.GetProperty("year").GetInt32()));
        Assert.Equal("h1", doc.RootElement.GetProperty("households")[0].GetProperty("id").GetString());
    }

    [Fact]
    public void Settle_with_output_writes_the_same_json_to_the_file_and_nothing_to_stdout()
    {
        using var cli = new CliRunner();
        var (_, toStdout, _) = cli.Run(Settle(cli, Fuyang));
        string output = cli.PathOf("result.json");
        var (code, stdout, stderr) = cli.Run(Settle(cli, Fuyang, "-o", output));
        Assert.Empty(stderr);
        Assert.Equal(0, code);
        Assert.Equal("", stdout);
        Assert.Equal(toStdout, File.ReadAllText(output));
        Assert.Equal(["case.json", "result.json"], Directory.GetFiles(cli.Dir).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Settle_indent_is_for_reading_only()
    {
        using var cli = new CliRunner();
        var (_, compact, _) = cli.Run(Settle(cli, Fuyang));
        var (code, indented, _) = cli.Run(Settle(cli, Fuyang, "--indent"));
        Assert.Equal(0, code);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(compact), JsonNode.Parse(indented)));
        Assert.Contains("\n  ", indented);
    }

    [Fact]
    public void An_unknown_region_exits_2_naming_region_and_writes_nothing()
    {
        using var cli = new CliRunner();
        string output = cli.PathOf("result.json");
        var (code, stdout, stderr) = cli.Run(Settle(cli, Fuyang.Replace("\"fuyang\"", "\"atlantis\""), "-o", output));
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("region: ", Assert.Single(stderr));
        Assert.Contains("atlantis", stderr[0]);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void A_bill_dated_where_no_policy_is_in_force_exits_2_naming_its_date()
    {
        using var cli = new CliRunner();
        var (code, stdout, stderr) = cli.Run(Settle(cli, Fuyang.Replace("2023-04-01", "2019-04-01")));
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("bills[0].date: ", Assert.Single(stderr));
    }

    [Fact]
    public void An_extra_parameter_folder_that_does_not_exist_is_a_policy_problem()
    {
        using var cli = new CliRunner();
        var (code, stdout, stderr) = cli.Run(Settle(cli, Fuyang, "--include", cli.PathOf("no-samples")));
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains("no-samples", Assert.Single(stderr));
    }
}
