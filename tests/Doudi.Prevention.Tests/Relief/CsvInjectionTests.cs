using Doudi.Policy.Prevention;
using Doudi.Cases;
using Doudi.Prevention.Relief;

namespace Doudi.Prevention.Tests.Relief;

/// <summary>
/// A hostile name list: a person named <c>=HYPERLINK(…)</c> or <c>@SUM(…)</c> reaches the CSV files the bureau opens in
/// Excel (relief reports, premium lists). Every CSV cell of the project is written by <see cref="CsvCell"/>: such text is
/// shown, never run; amounts stay numbers, negative ones too. Before, the relief and premium CSVs wrote it bare.
/// </summary>
public sealed class CsvInjectionTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://x\",\"点我\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\"")]
    [InlineData("@SUM(A1:A9)", "\"'@SUM(A1:A9)\"")]
    [InlineData("+86 571", "\"'+86 571\"")]
    [InlineData("-1+2", "\"'-1+2\"")]
    [InlineData("-12.50", "-12.50")]
    [InlineData("张三", "张三")]
    [InlineData("王,五", "\"王,五\"")]
    public void A_cell_that_a_spreadsheet_would_run_is_quoted_and_prefixed(string value, string written) =>
        Assert.Equal(written, CsvCell.Text(value));

    [Fact]
    public void A_relief_report_shows_a_formula_name_as_text()
    {
        var report = new RunReport(new RunId("x-2024", 2024, RunKind.HouseholdCap), new DateOnly(2024, 3, 1),
            [new ReportRow("P1", "=cmd|' /C calc'!A0", 100m, 100m, RowStatus.New, null, ["a"])]);
        var csv = CsvReportWriter.ToText(report);
        Assert.Contains("\"'=cmd|' /C calc'!A0\"", csv);
        Assert.DoesNotContain(",=cmd", csv);
    }
}
