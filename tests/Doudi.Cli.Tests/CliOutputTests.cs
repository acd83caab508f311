using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Doudi.Cli.Tests;

/// <summary>
/// `doudi settle` output for real volumes: --trace full|compact|none, --format json|jsonl|csv, and the tool finding
/// its own policies from any folder.
/// </summary>
public class CliOutputTests
{
    // fuyang-2023 二.3: base 10000 − 6000 = 4000; subsistence 80% → 3200; personal burden 12000 − 6000 − 3200 = 2800.
    // b2's id starts with '=': a spreadsheet must not run it as a formula.
    private const string Fuyang = """
        { "region": "fuyang",
          "persons": [ { "id": "p1", "household": "h1", "insurance": "resident",
                         "identities": [ { "category": "subsistence", "recognized": "2022-05-10" } ] } ],
          "bills": [ { "id": "b1", "person": "p1", "date": "2023-04-01", "kind": "inpatient",
                       "total": 12000, "inPolicy": 10000, "basicPaid": 6000, "criticalPaid": 0, "hospitalLevel": 3, "referred": true },
                     { "id": "=b2,\"x\"", "person": "p1", "date": "2023-05-01", "kind": "inpatient",
                       "total": 500, "inPolicy": 500, "basicPaid": 500, "criticalPaid": 0 } ] }
        """;

    private static (int Code, string Out, string[] Err) Settle(CliRunner cli, params string[] more) =>
        cli.Run(["settle", cli.File("case.json", Fuyang), "--policies", CliRunner.RepoPolicies(), .. more]);

    [Fact]
    public void Compact_trace_writes_each_clause_once_and_steps_by_reference()
    {
        using var cli = new CliRunner();
        var (code, stdout, err) = Settle(cli, "--trace", "compact");
        Assert.True(code == 0, string.Join("\n", err));
        using var doc = JsonDocument.Parse(stdout);
        var citations = doc.RootElement.GetProperty("citations");
        var steps = doc.RootElement.GetProperty("bills").EnumerateArray().SelectMany(b => b.GetProperty("trace").EnumerateArray()).ToList();
        Assert.All(steps, s => Assert.InRange(s.GetProperty("ref").GetInt32(), 0, citations.GetArrayLength() - 1));
        Assert.All(steps, s => Assert.False(s.TryGetProperty("rule", out _)));
        // the assistance step: 80% of 4000, its clause in the table
        var assistance = steps.First(s => citations[s.GetProperty("ref").GetInt32()].GetProperty("step").GetString() == "assistance");
        Assert.Equal("3200", assistance.GetProperty("amount").GetRawText());
        Assert.Equal("[0.8,4000]", assistance.GetProperty("inputs").GetRawText());
        var entry = citations[assistance.GetProperty("ref").GetInt32()];
        Assert.Equal("ratio_of_base", entry.GetProperty("formula").GetString());
        Assert.Equal("[\"ratio\",\"base\"]", entry.GetProperty("inputs").GetRawText());
        Assert.Equal("fuyang-2023", entry.GetProperty("clause").GetProperty("policy").GetString());
        Assert.Contains("富政办〔2022〕21号", entry.GetProperty("rule").GetString());
        // each distinct clause once
        var keys = citations.EnumerateArray().Select(c => c.GetRawText()).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.True(doc.RootElement.GetProperty("formulas").TryGetProperty("ratio_of_base", out _));
    }

    [Fact]
    public void Full_trace_carries_clause_formula_and_inputs_beside_the_old_fields()
    {
        using var cli = new CliRunner();
        var (code, stdout, _) = Settle(cli);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var step = doc.RootElement.GetProperty("bills")[0].GetProperty("trace").EnumerateArray().First(s => s.GetProperty("step").GetString() == "assistance");
        foreach (var field in new[] { "step", "amount", "rule", "detail", "interpretation", "clause", "formula", "inputs" })
            Assert.True(step.TryGetProperty(field, out _), field);
        Assert.Equal("80% × 4000", step.GetProperty("detail").GetString());
        Assert.Equal("4000", step.GetProperty("inputs").GetProperty("base").GetRawText());
    }

    [Fact]
    public void No_trace_writes_amounts_only()
    {
        using var cli = new CliRunner();
        var (code, stdout, _) = Settle(cli, "--trace", "none");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var bill = doc.RootElement.GetProperty("bills")[0];
        Assert.False(bill.TryGetProperty("trace", out _));
        Assert.Equal("3200", bill.GetProperty("assistance").GetRawText());
        Assert.False(doc.RootElement.TryGetProperty("citations", out _));
    }

    [Fact]
    public void Jsonl_writes_one_record_per_line()
    {
        using var cli = new CliRunner();
        var (code, stdout, _) = Settle(cli, "--format", "jsonl", "--trace", "compact");
        Assert.Equal(0, code);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var kinds = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("record").GetString()!).ToArray();
        Assert.Equal(["bill", "bill", "person", "household", "tables"], kinds);
        using var bill = JsonDocument.Parse(lines[0]);
        Assert.Equal("3200", bill.RootElement.GetProperty("assistance").GetRawText());
        using var tables = JsonDocument.Parse(lines[^1]);
        Assert.True(tables.RootElement.GetProperty("citations").GetArrayLength() > 0);
    }

    [Fact]
    public void Csv_is_utf8_with_bom_one_row_per_bill_and_guards_formulas()
    {
        using var cli = new CliRunner();
        string output = cli.PathOf("result.csv");
        var (code, _, err) = Settle(cli, "--format", "csv", "-o", output);
        Assert.True(code == 0, string.Join("\n", err));
        var bytes = File.ReadAllBytes(output);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("单据编号 id,人员编号 person,结算日期 date,适用政策 policy,救助类别 category,救助基数 assistanceBase", lines[0]);
        // reasonable burden (I-14): in-policy remainder 10000 − 6000 − 3200 = 800, nothing admitted out of catalogue
        Assert.Equal("b1,p1,2023-04-01,fuyang-2023,subsistence,4000,0,3200,,,0,0,2800,800", lines[1]);
        Assert.StartsWith("\"'=b2,\"\"x\"\"\",p1,", lines[2]);
    }

    [Fact]
    public void The_built_tool_finds_its_own_policies_from_any_folder()
    {
        // The doudi beside the tests is the built tool; run it from a folder with no policies/ above it.
        string dll = Path.Combine(AppContext.BaseDirectory, "doudi.dll");
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "policies", "fuyang-2023.yaml")), "policies are not shipped beside the tool");
        var work = Directory.CreateTempSubdirectory("doudi-anywhere-");
        try
        {
            File.WriteAllText(Path.Combine(work.FullName, "case.json"), Fuyang);
            var start = new ProcessStartInfo("dotnet", ["exec", dll, "settle", "case.json", "--trace", "none"])
            {
                WorkingDirectory = work.FullName, RedirectStandardOutput = true, RedirectStandardError = true,
            };
            start.Environment.Remove("DOUDI_POLICIES");
            using var p = Process.Start(start)!;
            string stdout = p.StandardOutput.ReadToEnd(), stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, stderr);
            using var doc = JsonDocument.Parse(stdout);
            Assert.Equal("3200", doc.RootElement.GetProperty("bills")[0].GetProperty("assistance").GetRawText());
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
