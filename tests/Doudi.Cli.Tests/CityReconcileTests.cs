using System.Text;
using System.Text.Json;

namespace Doudi.Cli.Tests;

/// <summary>`doudi reconcile`: a generated export with planted errors, in the national names and in a province's own.</summary>
public class CityReconcileTests
{
    private static (string Dir, HashSet<(string, decimal)> Planted) City(CliRunner cli, int plant = 12)
    {
        var dir = cli.PathOf("city");
        var (code, _, err) = cli.Run(CityGenerateTests.Generate(dir, plant: plant));
        Assert.Empty(err);
        Assert.Equal(0, code);
        // planted.csv: setl_id, psn_no, kind, exported, due, exported − due
        var list = Path.Combine(dir, "planted.csv");
        var planted = (plant == 0 ? [] : File.ReadLines(list)).Skip(1).Select(l => l.Split(','))
            .Select(c => (c[0], -decimal.Parse(c[5], System.Globalization.CultureInfo.InvariantCulture))).ToHashSet();
        return (dir, planted);
    }

    private static HashSet<(string, decimal)> Found(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("underpaid").EnumerateArray().Concat(doc.RootElement.GetProperty("overpaid").EnumerateArray())
            .Select(d => (d.GetProperty("setlId").GetString()!, d.GetProperty("difference").GetDecimal())).ToHashSet();
    }

    private static string[] Reconcile(string dir, string export, params string[] more) =>
        ["reconcile", export, "--registry", Path.Combine(dir, "registry.json"), "--persons", Path.Combine(dir, "persons.csv"), "--policies", CliRunner.RepoPolicies(), .. more];

    [Fact]
    public void Finds_exactly_the_planted_errors_each_with_its_trace()
    {
        using var cli = new CliRunner();
        var (dir, planted) = City(cli);
        Assert.Equal(12, planted.Count);
        var (code, stdout, err) = cli.Run(Reconcile(dir, Path.Combine(dir, "settlements.csv"), "--xlsx", cli.PathOf("r.xlsx")));
        Assert.Empty(err);
        Assert.Equal(0, code);
        Assert.Equal(planted, Found(stdout));
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.All(root.GetProperty("underpaid").EnumerateArray().Concat(root.GetProperty("overpaid").EnumerateArray()),
            d => Assert.Contains(d.GetProperty("trace").EnumerateArray(), t => t.GetProperty("step").GetString() == "policy"));
        // The summaries add up to the lists: by township and by person.
        decimal toPay = root.GetProperty("toPay").GetDecimal(), toRecover = root.GetProperty("toRecover").GetDecimal();
        Assert.Equal(toPay, root.GetProperty("byTownship").EnumerateArray().Sum(t => t.GetProperty("toPay").GetDecimal()));
        Assert.Equal(toRecover, root.GetProperty("personsDiffering").EnumerateArray().Sum(t => t.GetProperty("toRecover").GetDecimal()));
        Assert.Equal(toPay - toRecover, root.GetProperty("due").GetDecimal() - root.GetProperty("paid").GetDecimal());
        Assert.True(new FileInfo(cli.PathOf("r.xlsx")).Length > 0);
    }

    [Fact]
    public void An_export_reconciled_in_parts_by_person_gives_the_report_of_the_export_held_whole()
    {
        // The CLI spreads a city's export over temporary files by person and holds one part at a time (issue 11:
        // 3,000,000 rows in bounded memory); the report must not depend on it.
        using var cli = new CliRunner();
        var (dir, planted) = City(cli);
        var loaded = Doudi.Policy.Loading.PolicyLoader.LoadDirectory(CliRunner.RepoPolicies(), []);
        Assert.True(loaded.Ok);
        Doudi.Cases.ReadResult<Doudi.Engine.Cases.CaseFile> registry;
        using (var stream = File.OpenRead(Path.Combine(dir, "registry.json"))) registry = Doudi.Cases.CaseReader.Read(stream);
        var townships = Doudi.Analysis.Reconciliation.TownshipIndex.Read(Path.Combine(dir, "persons.csv")).Index!;
        string export = Path.Combine(dir, "settlements.csv");
        var profile = Doudi.Analysis.Reconciliation.MappingProfile.National;

        var (rows, _) = Doudi.Analysis.Reconciliation.ExportReader.Read(export, profile);
        var whole = Doudi.Analysis.Reconciliation.Reconciler.Run(loaded.Catalog!, registry.Value!, rows!, profile.Name, "settlements.csv", townships);
        var (spill, problems) = Doudi.Analysis.Reconciliation.ExportReader.ReadSpilled(export, profile, parts: 7);
        Assert.Empty(problems);
        using (spill)
        {
            Assert.Equal(rows!.Count, spill!.Count);
            var parted = Doudi.Analysis.Reconciliation.Reconciler.Run(loaded.Catalog!, registry.Value!, spill.Parts(), profile.Name, "settlements.csv", townships);
            Assert.Equal(JsonSerializer.Serialize(whole, Commands.ReconcileCommand.Json), JsonSerializer.Serialize(parted, Commands.ReconcileCommand.Json));
            Assert.Equal(planted, Found(JsonSerializer.Serialize(parted, Commands.ReconcileCommand.Json)));
            Assert.True(parted.Persons > 100 && parted.ByInstitution.Count > 10, $"{parted.Persons} persons, {parted.ByInstitution.Count} institutions");
        }
    }

    [Fact]
    public void A_row_survives_the_spill_file_with_every_field()
    {
        var bill = new Doudi.Engine.Cases.Bill
        {
            Id = "s1", Person = "p1", Date = new DateOnly(2023, 5, 6), Kind = Doudi.Policy.Vocabulary.BillKind.Inpatient, Total = 1000.01m,
            InPolicy = 900.02m, BasicPaid = 400.03m, CriticalPaid = 10.04m, SupplementaryPaid = 5.05m, AssistancePaid = 60.06m,
            ReasonableOutOfPolicy = 7.07m, SpecialDisease = true, HospitalLevel = 3, Designated = false, Referred = true, WithinCity = false, Emergency = true,
            Excluded = Doudi.Policy.Vocabulary.Exclusion.ThirdParty,
            Items = [new(Doudi.Policy.Vocabulary.ItemKind.Consumable, Doudi.Policy.Vocabulary.ItemClass.DentalImplant, false, 8.08m)],
        };
        // Every property of the bill is set above: a new one must be added to the spill (and here).
        Assert.Equal(19, typeof(Doudi.Engine.Cases.Bill).GetProperties().Length);
        var row = new Doudi.Analysis.Reconciliation.ExportRow(bill, 12.34m, "H1", "医院", "A01", "张三", 42);
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true)) Doudi.Analysis.Reconciliation.RowSpill.Write(w, row);
        buffer.Position = 0;
        var back = Doudi.Analysis.Reconciliation.RowSpill.Read(new BinaryReader(buffer, Encoding.UTF8));
        Assert.Equal(bill.Items, back.Bill.Items);
        Assert.Equal(row with { Bill = bill with { Items = back.Bill.Items } }, back);

        // A bill that did not say its hospital's level comes back without one, not as ungraded (P-9).
        var unsaid = row with { Bill = bill with { HospitalLevel = null } };
        using var again = new MemoryStream();
        using (var w = new BinaryWriter(again, Encoding.UTF8, leaveOpen: true)) Doudi.Analysis.Reconciliation.RowSpill.Write(w, unsaid);
        again.Position = 0;
        Assert.Null(Doudi.Analysis.Reconciliation.RowSpill.Read(new BinaryReader(again, Encoding.UTF8)).Bill.HospitalLevel);
    }

    /// <summary>The generated export as a province's warehouse would give it: renamed columns, the medical type as a name
    /// with its code beside it, times with +08:00, amounts as quoted strings, extra fund columns.</summary>
    private static string Provincial(string dir)
    {
        var lines = File.ReadAllLines(Path.Combine(dir, "settlements.csv"));
        var header = lines[0].Split(',');
        var renamed = header.Select(h => h switch { "inscp_scp_amt" => "inscp_amt", "psn_cash_pay" => "cash_payamt", "med_type" => "med_typecode", _ => h }).ToList();
        var sb = new StringBuilder(string.Join(',', renamed.Append("med_type").Append("hifdm_pay").Append("othfund_pay").Append("acct_mulaid_pay"))).Append('\n');
        int time = Array.IndexOf(header, "setl_time"), medType = Array.IndexOf(header, "med_type");
        var amounts = header.Select((h, i) => (h, i)).Where(x => x.h.EndsWith("_amt") || x.h.EndsWith("_pay") || x.h.EndsWith("_sumamt") || x.h == "overlmt_selfpay").Select(x => x.i).ToHashSet();
        foreach (var line in lines.Skip(1))
        {
            var c = line.Split(',');
            c[time] = c[time].Replace(' ', 'T') + "+08:00";
            foreach (int i in amounts) c[i] = $"\"{c[i]}\"";
            string name = c[medType] switch { "11" => "普通门诊", "14" => "门诊慢特病", _ => "普通住院" };
            sb.Append(string.Join(',', c)).Append(',').Append(name).Append(",\"0.00\",\"0.00\",\"0.00\"\n");
        }
        var path = Path.Combine(dir, "provincial.csv");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    private const string Profile = """
        profile: province-warehouse
        title: 省级数据仓库结算表
        columns:
          inscp_amt: inscp_scp_amt
          cash_payamt: psn_cash_pay
          med_typecode: med_type
          med_type: ignore
          hifdm_pay: ignore
          othfund_pay: ignore
          acct_mulaid_pay: ignore
        """;

    [Fact]
    public void A_provincial_export_through_its_profile_finds_the_same_errors()
    {
        using var cli = new CliRunner();
        var (dir, planted) = City(cli);
        var (code, stdout, err) = cli.Run(Reconcile(dir, Provincial(dir), "--profile", cli.File("p.yaml", Profile)));
        Assert.Empty(err);
        Assert.Equal(0, code);
        Assert.Equal(planted, Found(stdout));
    }

    [Fact]
    public void Without_the_profile_the_unmapped_columns_are_listed_and_nothing_is_reconciled()
    {
        using var cli = new CliRunner();
        var (dir, _) = City(cli, plant: 1);
        var (code, stdout, err) = cli.Run(Reconcile(dir, Provincial(dir)));
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains(err, l => l.StartsWith("provincial.csv:1:") && l.EndsWith("columns the profile does not map: inscp_amt, cash_payamt, hifdm_pay, othfund_pay"));
        Assert.Contains(err, l => l.Contains("'inscp_scp_amt'"));
    }

    [Fact]
    public void A_bad_profile_is_refused_with_file_and_line()
    {
        using var cli = new CliRunner();
        var profile = cli.File("bad.yaml", "profile: x\ncolumns:\n  inscp_amt: inscp_scp_amt\n  inscp: inscp_scp_amt\n  foo: bar_amt\nextra: 1\n");
        var (code, stdout, err) = cli.Run("reconcile", profile, "--registry", profile, "--profile", profile);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains(err, l => l.EndsWith("bad.yaml:4: 字段 'inscp_scp_amt' 已由第 3 行的列映射 is already mapped at line 3"));
        Assert.Contains(err, l => l.Contains("bad.yaml:5: 未知字段 'bar_amt'"));
        Assert.Contains(err, l => l.Contains("bad.yaml:6: 未知键 'extra'"));
    }

    [Fact]
    public void A_bill_whose_tiers_exceed_its_total_is_refused_with_its_line_and_column()
    {
        using var cli = new CliRunner();
        var (dir, _) = City(cli, plant: 0);
        var lines = File.ReadAllLines(Path.Combine(dir, "settlements.csv"));
        var h = lines[0].Split(',').ToList();
        var c = lines[3].Split(',');
        c[h.IndexOf("hifp_pay")] = "99999999.00";
        lines[3] = string.Join(',', c);
        var bad = cli.File("bad.csv", string.Join('\n', lines.Take(10)) + "\n");
        var (code, stdout, err) = cli.Run(Reconcile(dir, bad));
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Single(err);
        // Read by the bill contract (Doudi.Cases), named by line and by the file's column.
        Assert.StartsWith("bad.csv:4: hifmi_pay: ", err[0]);
        Assert.Contains("99999999", err[0]);
    }
}
