using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Doudi.Prevention.Relief;

/// <summary>
/// The run report as an Excel workbook (DocumentFormat.OpenXml): sheet "明细" with one row per payee (amounts as
/// numbers so staff can sum them) and sheet "汇总" with the run id and totals.
/// </summary>
public static class XlsxReportWriter
{
    public const string DetailSheet = "明细";
    public const string SummarySheet = "汇总";

    public static void Write(RunReport report, Stream stream)
    {
        using var doc = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook);
        var wb = doc.AddWorkbookPart();
        wb.Workbook = new Workbook();
        var sheets = wb.Workbook.AppendChild(new Sheets());

        var detail = new List<object[]> { CsvReportWriter.Header };
        detail.AddRange(report.Rows.Select(r => new object[]
            { r.PayeeId, r.Name, r.Amount, r.Computed, ReportRow.StatusName(r.Status).Zh, r.PaymentId ?? "", string.Join("\n", r.Trace) }));
        AddSheet(wb, sheets, 1, DetailSheet, detail);

        AddSheet(wb, sheets, 2, SummarySheet,
        [
            ["运行编号 run", report.Run.ToString()],
            ["类型 kind", RunId.KindName(report.Run.Kind).Zh],
            ["运行日期 run date", report.RunOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)],
            ["本次新发放人数 new payments", report.NewPayments.Count()],
            ["本次新发放金额 new amount", report.NewTotal],
            ["累计已发放金额 paid in this run", report.PaidTotal],
        ]);
        wb.Workbook.Save();
    }

    /// <summary>One sheet of rows (first row the header): strings as text, decimals and ints as numbers. The console's table exports use it.</summary>
    public static void WriteTable(string sheet, IEnumerable<object[]> rows, Stream stream)
    {
        using var doc = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook);
        var wb = doc.AddWorkbookPart();
        wb.Workbook = new Workbook();
        AddSheet(wb, wb.Workbook.AppendChild(new Sheets()), 1, sheet, rows);
        wb.Workbook.Save();
    }

    private static void AddSheet(WorkbookPart wb, Sheets sheets, uint id, string name, IEnumerable<object[]> rows)
    {
        var ws = wb.AddNewPart<WorksheetPart>();
        var data = new SheetData();
        ws.Worksheet = new Worksheet(data);
        uint r = 0;
        foreach (var row in rows)
        {
            r++;
            var xr = new Row { RowIndex = r };
            for (int c = 0; c < row.Length; c++) xr.Append(MakeCell($"{Column(c)}{r}", row[c]));
            data.Append(xr);
        }
        sheets.Append(new Sheet { Id = wb.GetIdOfPart(ws), SheetId = id, Name = name });
    }

    private static Cell MakeCell(string reference, object value) => value switch
    {
        decimal d => new Cell { CellReference = reference, DataType = CellValues.Number, CellValue = new CellValue(d.ToString(CultureInfo.InvariantCulture)) },
        int i => new Cell { CellReference = reference, DataType = CellValues.Number, CellValue = new CellValue(i.ToString(CultureInfo.InvariantCulture)) },
        _ => new Cell
        {
            CellReference = reference, DataType = CellValues.InlineString,
            InlineString = new InlineString(new Text(value.ToString() ?? "") { Space = SpaceProcessingModeValues.Preserve }),
        },
    };

    private static string Column(int index) => index < 26 ? ((char)('A' + index)).ToString() : Column(index / 26 - 1) + (char)('A' + index % 26);
}
