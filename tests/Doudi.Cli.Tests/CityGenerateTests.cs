using System.Security.Cryptography;
using System.Text.Json;

namespace Doudi.Cli.Tests;

/// <summary>`doudi generate`: a small synthetic county, deterministic, consistent, readable by the CLI and the server's formats.</summary>
public class CityGenerateTests
{
    internal static string[] Generate(string dir, string region = "fuyang", int year = 2023, int plant = 0) =>
        ["generate", "-o", dir, "--region", region, "--year", year.ToString(), "--residents", "60000", "--objects", "600",
         "--bills", "6000", "--policies", CliRunner.RepoPolicies(), "--plant", plant.ToString()];

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public void The_same_seed_gives_the_same_files()
    {
        using var cli = new CliRunner();
        var (a, _, errA) = cli.Run(Generate(cli.PathOf("a"), plant: 5));
        var (b, _, errB) = cli.Run(Generate(cli.PathOf("b"), plant: 5));
        Assert.Empty(errA); Assert.Empty(errB);
        Assert.Equal((0, 0), (a, b));
        foreach (var file in new[] { "settlements.csv", "setldetail.csv", "case.json", "registry.json", "persons.csv", "planted.csv", "namelists/2023-06-civil_affairs.csv" })
            Assert.Equal(Hash(Path.Combine(cli.PathOf("a"), file)), Hash(Path.Combine(cli.PathOf("b"), file)));
    }

    [Fact]
    public void The_generated_case_settles_and_every_bill_is_consistent()
    {
        using var cli = new CliRunner();
        var dir = cli.PathOf("city");
        var (code, stdout, err) = cli.Run(Generate(dir));
        Assert.Empty(err);
        Assert.Equal(0, code);
        using var summary = JsonDocument.Parse(stdout);
        Assert.InRange(summary.RootElement.GetProperty("Objects").GetInt32(), 600, 610);
        Assert.InRange(summary.RootElement.GetProperty("Bills").GetInt64(), 4000, 8000);

        var (settled, _, settleErr) = cli.Run("settle", Path.Combine(dir, "case.json"), "-o", cli.PathOf("result.json"), "--policies", CliRunner.RepoPolicies());
        Assert.Empty(settleErr);
        Assert.Equal(0, settled);

        // Tiers fit in every bill; items add up to the total, out-of-catalogue items to fulamt_ownpay_amt.
        var lines = File.ReadAllLines(Path.Combine(dir, "settlements.csv"));
        var h = lines[0].Split(',').Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i);
        var totals = new Dictionary<string, (decimal Total, decimal Own)>();
        foreach (var line in lines.Skip(1))
        {
            var c = line.Split(',');
            decimal D(string n) => decimal.Parse(c[h[n]], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(D("inscp_scp_amt") + D("fulamt_ownpay_amt") + D("preselfpay_amt") == D("medfee_sumamt"), line);
            Assert.True(D("hifp_pay") + D("hifmi_pay") <= D("inscp_scp_amt"), line);
            Assert.Equal(D("medfee_sumamt") - D("hifp_pay") - D("hifmi_pay") - D("oth_pay") - D("maf_pay"), D("psn_cash_pay"));
            Assert.True(D("psn_cash_pay") >= 0, line);
            totals[c[h["setl_id"]]] = (D("medfee_sumamt"), D("fulamt_ownpay_amt"));
        }
        var items = File.ReadAllLines(Path.Combine(dir, "setldetail.csv")).Skip(1).Select(l => l.Split(','))
            .GroupBy(c => c[0]).ToDictionary(g => g.Key, g => (Total: g.Sum(c => decimal.Parse(c[6], System.Globalization.CultureInfo.InvariantCulture)),
                Own: g.Sum(c => decimal.Parse(c[8], System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Equal(totals.Count, items.Count);
        foreach (var (id, t) in totals) Assert.Equal(t, items[id]);
    }

    [Fact]
    public void Name_lists_carry_only_the_categories_the_policy_names_and_follow_the_registry_month_by_month()
    {
        using var cli = new CliRunner();
        var dir = cli.PathOf("city");
        Assert.Equal(0, cli.Run(Generate(dir, region: "pengshui", year: 2024)).Code);
        var lists = Directory.GetFiles(Path.Combine(dir, "namelists"));
        Assert.Contains(lists, f => f.EndsWith("2024-01-rural_revitalisation.csv"));
        var categories = lists.SelectMany(f => File.ReadLines(f).Skip(1)).Select(l => l.Split(',')[2]).ToHashSet();
        // pengshui-2023 二.一: its eight categories; other_special (wenzhou) and child_in_difficulty never appear.
        Assert.Subset(new HashSet<string> { "destitute", "subsistence", "marginal", "at_risk_rural", "relapsed_poverty", "medical_poverty", "entitled_veteran", "severe_disability" }, categories);
        // Churn: some identities leave during the year, so December's lists are not January's.
        int Count(string month) => lists.Where(f => Path.GetFileName(f).StartsWith($"2024-{month}")).Sum(f => File.ReadLines(f).Count() - 1);
        Assert.NotEqual(Count("01"), Count("12"));
    }

    [Fact]
    public void A_region_without_policy_for_the_year_is_refused_with_nothing_written()
    {
        using var cli = new CliRunner();
        var (code, stdout, err) = cli.Run(Generate(cli.PathOf("x"), region: "jiande", year: 2020));
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains(err, l => l.StartsWith("--region:"));
        Assert.False(Directory.Exists(cli.PathOf("x")));
    }
}
