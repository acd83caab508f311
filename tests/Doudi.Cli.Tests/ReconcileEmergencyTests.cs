using System.IO.Compression;
using System.Text.Json;

namespace Doudi.Cli.Tests;

/// <summary>
/// `doudi reconcile` and the bill's emergency (P-8 as revised): an export may carry it in a column, med_type 13/24 gives
/// it, it changes the amount due under wenzhou-2020 第十四条（二）, and the 应补/应退 lists say it (JSON field and the
/// workbook's last column).
/// </summary>
public class ReconcileEmergencyTests
{
    // p1 低保 (subsistence) recognised 2021-01-01, wenzhou (温政办〔2020〕78号). All bills at a non-designated institution.
    private const string Registry = """
        {"region":"wenzhou","persons":[{"id":"p1","insurance":"resident","identities":[{"category":"subsistence","recognized":"2021-01-01","revoked":null}]}],"bills":[]}
        """;

    private const string Header = "setl_id,psn_no,setl_time,med_type,medfee_sumamt,inscp_scp_amt,hifp_pay,maf_pay,designated,emergency\n";

    [Fact]
    public void Emergency_from_med_type_or_column_lifts_the_non_designated_exclusion_and_is_listed()
    {
        using var cli = new CliRunner();
        var export = cli.File("export.csv", Header +
            // e1 急诊 (13), no emergency cell: an emergency (P-8). 第十条 0.50 × (400 − 100) = 150 due; paid 0 → 应补 150.
            "e1,p1,2021-05-04 10:00:00,13,500.00,400.00,100.00,0.00,false,\n" +
            // e2 普通住院 (21), emergency column true: 第八条（二） 0.80 × (9000 − 4000) = 4000 due; paid 0 → 应补 4000.
            "e2,p1,2021-05-05 10:00:00,21,10000.00,9000.00,4000.00,0.00,false,true\n" +
            // e3 普通门诊 (11), no emergency: 第十四条（二） excludes it, 0 due; paid 150 → 应退 150.
            "e3,p1,2021-05-06 10:00:00,11,500.00,400.00,100.00,150.00,false,\n" +
            // e4 急诊 (13) paid as the policy gives (150): no difference, not listed.
            "e4,p1,2021-05-07 10:00:00,13,500.00,400.00,100.00,150.00,false,\n");
        var (code, stdout, err) = cli.Run("reconcile", export, "--registry", cli.File("registry.json", Registry),
            "--policies", CliRunner.RepoPolicies(), "--xlsx", cli.PathOf("r.xlsx"));
        Assert.Empty(err);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        // due 150 + 4000 + 0 + 150 = 4300; paid 0 + 0 + 150 + 150 = 300; to pay 4150, to recover 150.
        Assert.Equal(4300m, root.GetProperty("due").GetDecimal());
        Assert.Equal(300m, root.GetProperty("paid").GetDecimal());
        Assert.Equal(4150m, root.GetProperty("toPay").GetDecimal());
        Assert.Equal(150m, root.GetProperty("toRecover").GetDecimal());
        var underpaid = root.GetProperty("underpaid").EnumerateArray().ToDictionary(d => d.GetProperty("setlId").GetString()!);
        Assert.Equal(["e1", "e2"], underpaid.Keys.Order());
        Assert.Equal(150m, underpaid["e1"].GetProperty("difference").GetDecimal());
        Assert.True(underpaid["e1"].GetProperty("emergency").GetBoolean());
        Assert.Equal(4000m, underpaid["e2"].GetProperty("difference").GetDecimal());
        Assert.True(underpaid["e2"].GetProperty("emergency").GetBoolean());
        var overpaid = Assert.Single(root.GetProperty("overpaid").EnumerateArray());
        Assert.Equal("e3", overpaid.GetProperty("setlId").GetString());
        Assert.Equal(-150m, overpaid.GetProperty("difference").GetDecimal());
        Assert.False(overpaid.GetProperty("emergency").GetBoolean());

        // The workbook: the column is appended after the published ones (the trace stays where it was).
        using var zip = new ZipArchive(File.OpenRead(cli.PathOf("r.xlsx")));
        string text = string.Concat(zip.Entries.Where(e => e.FullName.EndsWith(".xml")).Select(e => new StreamReader(e.Open()).ReadToEnd()));
        int trace = text.IndexOf("计算过程 trace", StringComparison.Ordinal), emergency = text.IndexOf("紧急情况 emergency", StringComparison.Ordinal);
        Assert.True(trace >= 0 && emergency > trace);
    }

    [Fact]
    public void An_emergency_visit_said_not_to_be_an_emergency_is_refused_at_its_line_and_column()
    {
        using var cli = new CliRunner();
        var export = cli.File("export.csv", Header + "e1,p1,2021-05-04 10:00:00,13,500.00,400.00,100.00,0.00,false,false\n");
        var (code, stdout, err) = cli.Run("reconcile", export, "--registry", cli.File("registry.json", Registry), "--policies", CliRunner.RepoPolicies());
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        var line = Assert.Single(err);
        Assert.StartsWith("export.csv:2: emergency: ", line);
        Assert.Contains("emergency: false contradicts it", line);
    }
}
