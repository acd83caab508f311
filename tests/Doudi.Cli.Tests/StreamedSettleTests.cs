using System.Globalization;
using System.Text;
using System.Text.Json;
using Doudi.Cases;
using Doudi.Engine.Settlement;
using Doudi.Policy.Loading;

namespace Doudi.Cli.Tests;

/// <summary>
/// `doudi settle` writes each bill's result as it is settled (issue 7, point 6). The streamed output must be the
/// whole-case output byte for byte, in every trace mode and format, and a file whose bills are not in each person's
/// settlement order (I-3) must still give the whole-case result (the CLI settles it whole).
/// </summary>
public sealed class StreamedSettleTests
{
    private static readonly Lazy<SettlementEngine> Engine = new(() =>
    {
        var loaded = PolicyLoader.LoadDirectory(CliRunner.RepoPolicies(), []);
        Assert.True(loaded.Ok, string.Join("\n", loaded.Errors));
        return new SettlementEngine(loaded.Catalog!);
    });

    public static TheoryData<TraceMode, ResultFormat> Modes()
    {
        var data = new TheoryData<TraceMode, ResultFormat>();
        foreach (var t in Enum.GetValues<TraceMode>())
            foreach (var f in Enum.GetValues<ResultFormat>()) data.Add(t, f);
        return data;
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void A_streamed_city_year_is_the_whole_case_result_byte_for_byte(TraceMode trace, ResultFormat format)
    {
        foreach (var region in new[] { "fuyang", "jiande", "pengshui", "wenzhou" })
        {
            byte[] json = Generated(region, persons: 300, seed: 7);
            var options = new ResultWriterOptions { Trace = trace, Format = format };
            var (outcome, streamed) = Streamed(json, options);
            Assert.True(outcome.Written, $"{region}: {string.Join("; ", outcome.ReadProblems)}");
            Assert.Equal(Whole(json, options), streamed);
        }
    }

    [Fact]
    public void Bills_out_of_a_persons_settlement_order_are_settled_whole_with_the_same_result()
    {
        byte[] json = Generated("fuyang", persons: 40, seed: 3);
        var root = JsonDocument.Parse(json).RootElement;
        // Move the last bill to the front: its person's later bill now comes before an earlier one.
        var bills = root.GetProperty("bills").EnumerateArray().Select(b => b.GetRawText()).ToList();
        bills.Insert(0, bills[^1]);
        bills.RemoveAt(bills.Count - 1);
        byte[] shuffled = Encoding.UTF8.GetBytes(
            $"{{\"region\":\"fuyang\",\"persons\":{root.GetProperty("persons").GetRawText()},\"bills\":[{string.Join(",", bills)}]}}");

        var (outcome, _) = Streamed(shuffled, new ResultWriterOptions());
        Assert.True(outcome.SettleWhole);

        using var cli = new CliRunner();
        string input = cli.PathOf("case.json");
        File.WriteAllBytes(input, shuffled);
        var (code, stdout, err) = cli.Run("settle", input, "--policies", CliRunner.RepoPolicies(), "--trace", "compact");
        Assert.True(code == 0, string.Join("\n", err));
        Assert.Equal(Encoding.UTF8.GetString(Whole(shuffled, new ResultWriterOptions { Trace = TraceMode.Compact })), stdout);
    }

    [Fact]
    public void A_case_with_a_problem_is_refused_as_before_and_nothing_is_written()
    {
        byte[] json = Generated("fuyang", persons: 20, seed: 5);
        string text = Encoding.UTF8.GetString(json);
        int last = text.LastIndexOf("\"total\":", StringComparison.Ordinal);
        byte[] broken = Encoding.UTF8.GetBytes(text[..last] + "\"total\":\"x\"," + text[(last + "\"total\":".Length)..].Substring(text[(last + "\"total\":".Length)..].IndexOf(',') + 1));

        var (outcome, _) = Streamed(broken, new ResultWriterOptions());
        Assert.False(outcome.Written);
        Assert.Contains(outcome.ReadProblems, p => p.Path.EndsWith(".total", StringComparison.Ordinal));

        using var cli = new CliRunner();
        string input = cli.PathOf("case.json"), output = cli.PathOf("result.json");
        File.WriteAllBytes(input, broken);
        var (code, _, err) = cli.Run("settle", input, "--policies", CliRunner.RepoPolicies(), "-o", output);
        Assert.Equal(2, code);
        Assert.Contains(err, l => l.Contains(".total", StringComparison.Ordinal));
        Assert.False(File.Exists(output));
        Assert.Single(Directory.GetFiles(cli.Dir));
    }

    private static (StreamedSettlement.Outcome, byte[]) Streamed(byte[] json, ResultWriterOptions options)
    {
        using var output = new MemoryStream();
        var outcome = StreamedSettlement.Settle(Engine.Value, new MemoryStream(json), output, options);
        return (outcome, output.ToArray());
    }

    private static byte[] Whole(byte[] json, ResultWriterOptions options)
    {
        var read = CaseReader.Read(json);
        Assert.Empty(read.Problems);
        using var output = new MemoryStream();
        ResultWriter.Write(Engine.Value.SettleCase(read.Value!), output, options);
        return output.ToArray();
    }

    /// <summary>
    /// A small year of a region listed by date as an export is (persons interleaved, each person's bills in settlement
    /// order): several bills per person across two years, households of up to three, identities recognised and revoked
    /// during the year, exclusions, referrals, admitted out-of-catalogue cost, items (so jiande's household rules run).
    /// </summary>
    private static byte[] Generated(string region, int persons, int seed)
    {
        var rng = new Random(seed);
        var (categories, years) = region switch
        {
            "fuyang" => (new[] { "destitute", "subsistence", "marginal", "severe_disability" }, new[] { 2022, 2023 }),
            "jiande" => (["destitute", "subsistence", "marginal"], [2023, 2024]),
            "pengshui" => (["destitute", "subsistence", "marginal", "at_risk_rural"], [2024, 2025]),
            _ => (["destitute", "subsistence", "marginal"], [2022, 2023]),
        };
        var sb = new StringBuilder($"{{\"region\":\"{region}\",\"persons\":[");
        for (int p = 0; p < persons; p++)
        {
            if (p > 0) sb.Append(',');
            sb.Append($"{{\"id\":\"p{p:D4}\",\"household\":\"h{p / 3:D4}\",\"insurance\":\"resident\",\"identities\":[");
            if (p % 11 != 0)
            {
                var recognized = new DateOnly(years[0] - 1, 1, 1).AddDays(rng.Next(900));
                sb.Append($"{{\"category\":\"{categories[rng.Next(categories.Length)]}\",\"recognized\":\"{recognized:yyyy-MM-dd}\",\"revoked\":");
                sb.Append(p % 7 == 0 ? $"\"{recognized.AddDays(200 + rng.Next(300)):yyyy-MM-dd}\"" : "null");
                sb.Append(",\"forMedicalSpending\":false}");
            }
            sb.Append("]}");
        }
        sb.Append("],\"bills\":[");
        var bills = new List<(DateOnly Date, int Person, int Seq)>();
        for (int p = 0; p < persons; p++)
            for (int n = 1 + rng.Next(p % 5 == 0 ? 25 : 6); n > 0; n--)
                bills.Add((new DateOnly(years[rng.Next(2)], 1, 1).AddDays(rng.Next(365)), p, bills.Count));
        bills.Sort((a, b) => a.Date != b.Date ? a.Date.CompareTo(b.Date) : a.Seq.CompareTo(b.Seq));
        string[] kinds = ["outpatient", "special_outpatient", "inpatient", "inpatient"];
        string[] exclusions = ["work_injury", "third_party", "abroad"];
        for (int i = 0; i < bills.Count; i++)
        {
            if (i > 0) sb.Append(',');
            string kind = kinds[rng.Next(kinds.Length)];
            long total = kind == "inpatient" ? 300_000 + rng.Next(30_000_000) : 3_000 + rng.Next(2_000_000);
            long inPolicy = total * (60 + rng.Next(38)) / 100, basic = inPolicy * (35 + rng.Next(35)) / 100;
            long outside = total - inPolicy;
            sb.Append($"{{\"id\":\"b{i:D6}\",\"person\":\"p{bills[i].Person:D4}\",\"date\":\"{bills[i].Date:yyyy-MM-dd}\",\"kind\":\"{kind}\"");
            sb.Append($",\"total\":{Yuan(total)},\"inPolicy\":{Yuan(inPolicy)},\"basicPaid\":{Yuan(basic)},\"criticalPaid\":0");
            if (region == "jiande") sb.Append($",\"assistancePaid\":{Yuan((inPolicy - basic) * rng.Next(60) / 100)}");
            if (rng.Next(10) == 0) sb.Append($",\"reasonableOutOfPolicy\":{Yuan(outside / 2)}");
            if (kind != "outpatient" && rng.Next(4) == 0) sb.Append(",\"specialDisease\":true");
            sb.Append($",\"hospitalLevel\":{1 + rng.Next(3)},\"referred\":{(rng.Next(4) > 0 ? "true" : "false")}");
            if (rng.Next(30) == 0) sb.Append($",\"excluded\":\"{exclusions[rng.Next(exclusions.Length)]}\"");
            if (region == "jiande")
                sb.Append($",\"items\":[{{\"kind\":\"drug\",\"inCatalog\":true,\"amount\":{Yuan(inPolicy / 2)}}},{{\"kind\":\"consumable\",\"class\":\"dental_implant\",\"inCatalog\":false,\"amount\":{Yuan(outside)}}}]");
            sb.Append('}');
        }
        sb.Append("]}");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static string Yuan(long fen) => (fen / 100m).ToString(CultureInfo.InvariantCulture);
}
