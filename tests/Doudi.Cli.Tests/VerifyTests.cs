using System.Text.Json;
using System.Text.Json.Nodes;

namespace Doudi.Cli.Tests;

/// <summary>
/// <c>doudi verify</c>: the result of every case under tests/cases adds up, in full and compact trace mode; a result
/// with one amount changed is caught at that amount's JSON path.
/// </summary>
public class VerifyTests
{
    private static readonly string Root = Path.GetDirectoryName(CliRunner.RepoPolicies())!;

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(Path.Combine(Root, "tests", "cases"), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(f));
            if (doc.RootElement.TryGetProperty("expectedProblems", out _)) continue; // refused cases have no result
            data.Add(Path.GetRelativePath(Path.Combine(Root, "tests", "cases"), f));
        }
        return data;
    }

    /// <summary>Settles a case file of tests/cases with the CLI, as CI does; returns the result's path.</summary>
    private static string Settle(CliRunner cli, string caseFile, string trace)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "tests", "cases", caseFile)))!.AsObject();
        var args = new List<string> { "settle", cli.File("case.json", root["case"]!.ToJsonString()), "--policies", CliRunner.RepoPolicies(), "--trace", trace };
        if (root["policyDirs"] is JsonArray dirs)
            foreach (var d in dirs) args.AddRange(["--include", Path.Combine(CliRunner.RepoPolicies(), d!.GetValue<string>())]);
        string output = cli.PathOf($"result-{trace}.json");
        args.AddRange(["-o", output]);
        var (code, _, err) = cli.Run([.. args]);
        Assert.True(code == 0, $"{caseFile}: settle exited {code}:\n{string.Join("\n", err)}");
        return output;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_case_result_adds_up(string caseFile)
    {
        using var cli = new CliRunner();
        foreach (var trace in new[] { "full", "compact" })
        {
            var (code, stdout, err) = cli.Run("verify", Settle(cli, caseFile, trace));
            Assert.True(code == 0, $"{caseFile} ({trace}): verify exited {code}:\n{string.Join("\n", err)}");
            Assert.Contains("verified", stdout);
        }
    }

    /// <summary>Changes one number of a result file and returns what verify says.</summary>
    private static (int Code, string[] Err) Tampered(CliRunner cli, string caseFile, string trace, Action<JsonObject> change)
    {
        string path = Settle(cli, caseFile, trace);
        var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        change(root);
        File.WriteAllText(path, root.ToJsonString());
        var (code, _, err) = cli.Run("verify", path);
        return (code, err);
    }

    private static JsonObject Step(JsonObject root, string section, string id, string step) =>
        root[section]!.AsArray().Select(r => r!.AsObject()).First(r => r["id"]!.GetValue<string>() == id)["trace"]!.AsArray()
            .Select(s => s!.AsObject()).First(s => s["step"]?.GetValue<string>() == step);

    [Fact]
    public void A_tampered_step_amount_is_caught_at_its_path()
    {
        using var cli = new CliRunner();
        // pengshui tilted-lines, bill p1-c: 60% × (4000 − 3000) = 600; claim 601.
        var (code, err) = Tampered(cli, "pengshui-2023/tilted-lines.json", "full", root => Step(root, "bills", "p1-c", "tilted")["amount"] = 601);
        Assert.Equal(1, code);
        var line = Assert.Single(err);
        Assert.Matches(@"bills\[\d+\]\.trace\[\d+\]\.amount: tilted 金额 601 不等于 ratio_of_excess", line);
        Assert.Contains("600", line);
    }

    [Fact]
    public void A_tampered_input_is_caught()
    {
        using var cli = new CliRunner();
        // the same step with its amount kept but its base changed: the amount no longer follows
        var (code, err) = Tampered(cli, "pengshui-2023/tilted-lines.json", "full", root => Step(root, "bills", "p1-c", "tilted")["inputs"]!["value"] = 4100);
        Assert.Equal(1, code);
        Assert.Matches(@"bills\[\d+\]\.trace\[\d+\]\.amount: tilted 金额 600 不等于", Assert.Single(err));
    }

    [Fact]
    public void A_tampered_bill_amount_is_caught_against_its_steps()
    {
        using var cli = new CliRunner();
        var (code, err) = Tampered(cli, "pengshui-2023/tilted-lines.json", "compact", root =>
            root["bills"]!.AsArray().Select(b => b!.AsObject()).First(b => b["id"]!.GetValue<string>() == "p1-c")["tilted"] = 700);
        Assert.Equal(1, code);
        Assert.Matches(@"bills\[\d+\]\.tilted: 700 与计算步骤不符，步骤给出 600", Assert.Single(err));
    }

    [Fact]
    public void A_tampered_annual_amount_is_caught_against_the_bills_it_lists()
    {
        using var cli = new CliRunner();
        // fuyang special-assistance-threshold-5000: the person-year's personal burden lists every bill; change one bill's.
        var (code, err) = Tampered(cli, "fuyang-2023/special-assistance-threshold-5000.json", "full", root =>
        {
            var step = root["persons"]![0]!["trace"]!.AsArray().Select(s => s!.AsObject()).First(s => s["step"]!.GetValue<string>() == "personal_burden");
            var entry = step["basis"]!["entries"]![0]!.AsObject();
            entry["amount"] = entry["amount"]!.GetValue<decimal>() + 1m;
        });
        Assert.Equal(1, code);
        Assert.Matches(@"persons\[0\]\.trace\[\d+\]\.basis\.entries\[0\]\.amount: .* 不符", Assert.Single(err));
    }

    [Fact]
    public void A_result_without_a_trace_cannot_be_verified()
    {
        using var cli = new CliRunner();
        var (code, _, err) = cli.Run("verify", Settle(cli, "pengshui-2023/tilted-lines.json", "none"));
        Assert.Equal(1, code);
        Assert.Contains("carries no trace", Assert.Single(err));
    }
}
