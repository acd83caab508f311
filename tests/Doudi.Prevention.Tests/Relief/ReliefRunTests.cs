using Doudi.Policy.Prevention;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Doudi.Prevention.Common;
using Doudi.Prevention.Relief;

namespace Doudi.Prevention.Tests.Relief;

public class ReliefRunTests
{
    // The code jiande's relief file keeps from before run kinds were generic (policies/relief/jiande-2024.yaml).
    private static readonly RunId Jiande2023 = new("jiande-2024", 2023, RunKind.HouseholdCap, "jiande_household_cap");
    private static readonly DateOnly RunOn = new(2024, 3, 15);

    // Hand-made engine output, jiande 二.(三) (household part above the line, paid 100%):
    private static ReliefInput[] Inputs(decimal h2 = 3000m) =>
    [
        // 低保 household: 42,000.50 − 30,000 = 12,000.50
        new("H1", "张某户", 12000.50m, ["2023年合理医疗费用 42000.50", "低保家庭标准 30000", "超出部分 100%：42000.50 − 30000 = 12000.50"]),
        // 特困: 8,000 − 5,000 = 3,000
        new("H2", "李某", h2, ["2023年合理医疗费用 8000.00", "特困人员标准 5000", "8000 − 5000 = 3000"]),
        // 低边 household under its line: 45,000 < 50,000 → nothing
        new("H3", "王某户", 0m, ["2023年合理医疗费用 45000.00", "低边家庭标准 50000，未超过"]),
    ];

    [Fact]
    public void Running_twice_pays_once()
    {
        var ledger = new PayoutLedger();
        var first = ledger.Run(Jiande2023, Inputs(), RunOn);
        Assert.Equal(new[] { "H1", "H2" }, first.NewPayments.Select(r => r.PayeeId));
        Assert.Equal(15000.50m, first.NewTotal); // 12,000.50 + 3,000
        Assert.Equal(RowStatus.NotPayable, first.Rows.Single(r => r.PayeeId == "H3").Status);

        var second = ledger.Run(Jiande2023, Inputs(), RunOn.AddDays(1));
        Assert.Empty(second.NewPayments);
        Assert.Equal(0m, second.NewTotal);
        Assert.Equal(new[] { "H1", "H2" }, second.ExistingPayments.Select(r => r.PayeeId));
        Assert.Equal(15000.50m, second.PaidTotal);
        Assert.Equal(2, ledger.Payments.Count);
        Assert.All(ledger.Payments, p => Assert.Equal(RunOn, p.PaidOn)); // the first run's date stays
    }

    [Fact]
    public void A_rerun_that_computes_differently_reports_the_difference_and_pays_nothing()
    {
        var ledger = new PayoutLedger();
        ledger.Run(Jiande2023, Inputs(), RunOn);
        var again = ledger.Run(Jiande2023, Inputs(h2: 3100m), RunOn);
        var row = again.Rows.Single(r => r.PayeeId == "H2");
        Assert.Equal((RowStatus.Difference, 3000m, 3100m), (row.Status, row.Amount, row.Computed));
        Assert.Empty(again.NewPayments);
        Assert.Equal(3000m, ledger.Payments.Single(p => p.PayeeId == "H2").Amount);
    }

    [Fact]
    public void The_key_is_policy_year_and_kind_and_survives_a_reload()
    {
        var ledger = new PayoutLedger();
        ledger.Run(Jiande2023, Inputs(), RunOn);
        var reloaded = new PayoutLedger(ledger.Payments);
        Assert.Empty(reloaded.Run(Jiande2023, Inputs(), RunOn).NewPayments);
        // cost year 2024 is another run: it pays
        Assert.Equal(2, reloaded.Run(Jiande2023 with { Year = 2024 }, Inputs(), RunOn.AddYears(1)).NewPayments.Count());
        Assert.Equal(Jiande2023, RunId.Parse("jiande-2024:2023:jiande_household_cap"));
        // A generic code parses to the same kind; a region-free file publishes it as is.
        Assert.Equal(new RunId("x-2025", 2025, RunKind.HouseholdCap), RunId.Parse("x-2025:2025:household_cap"));
        Assert.Equal("x-2025:2025:household_cap", new RunId("x-2025", 2025, RunKind.HouseholdCap).ToString());
        Assert.Equal("run_id_invalid", Assert.Throws<PreventionException>(() => RunId.Parse("jiande-2024:x")).Code);
    }

    [Fact]
    public void A_payee_twice_in_one_run_is_an_error()
    {
        var inputs = Inputs().Append(new ReliefInput("H1", "张某户", 1m, [])).ToArray();
        Assert.Equal("relief_duplicate_payee", Assert.Throws<PreventionException>(() => new PayoutLedger().Run(Jiande2023, inputs, RunOn)).Code);
    }

    [Fact]
    public void Csv_has_bom_bilingual_header_and_quoted_trace()
    {
        var report = new PayoutLedger().Run(Jiande2023, Inputs(), RunOn);
        using var ms = new MemoryStream();
        CsvReportWriter.Write(report, ms);
        var bytes = ms.ToArray();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes[3..]);
        Assert.StartsWith("收款人编号 payee_id,姓名 name,金额 amount,", text);
        Assert.Contains("H1,张某户,12000.50,12000.50,本次新发放,jiande-2024:2023:jiande_household_cap:H1,\"2023年合理医疗费用 42000.50\n", text);
        Assert.Contains("H3,王某户,0.00,0.00,无应发金额,,", text);
    }

    [Fact]
    public void Xlsx_opens_with_detail_and_summary_sheets()
    {
        var report = new PayoutLedger().Run(Jiande2023, Inputs(), RunOn);
        using var ms = new MemoryStream();
        XlsxReportWriter.Write(report, ms);
        ms.Position = 0;
        using var doc = SpreadsheetDocument.Open(ms, false);
        var wb = doc.WorkbookPart!;
        var sheets = wb.Workbook.Sheets!.Elements<Sheet>().ToArray();
        Assert.Equal(new[] { "明细", "汇总" }, sheets.Select(s => s.Name!.Value));
        var detail = ((WorksheetPart)wb.GetPartById(sheets[0].Id!)).Worksheet.Descendants<Cell>().ToDictionary(c => c.CellReference!.Value!);
        Assert.Equal("张某户", detail["B2"].InlineString!.InnerText);
        Assert.Equal(CellValues.Number, detail["C2"].DataType!.Value);
        Assert.Equal("12000.50", detail["C2"].CellValue!.Text);
        Assert.Equal("王某户", detail["B4"].InlineString!.InnerText);
        var summary = ((WorksheetPart)wb.GetPartById(sheets[1].Id!)).Worksheet.Descendants<Cell>().ToDictionary(c => c.CellReference!.Value!);
        Assert.Equal("jiande-2024:2023:jiande_household_cap", summary["B1"].InlineString!.InnerText);
        Assert.Equal("15000.50", summary["B5"].CellValue!.Text);
    }
}
