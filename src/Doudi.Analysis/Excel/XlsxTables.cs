using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Doudi.Analysis.Excel;

/// <summary>A worksheet: a name, a header row and rows of cells (decimal and int become numbers staff can sum, the rest text).</summary>
public sealed record XlsxSheet(string Name, IReadOnlyList<string> Header, IEnumerable<object?[]> Rows);

/// <summary>
/// Writes worksheets to an .xlsx stream with the SAX-style <see cref="OpenXmlWriter"/>: rows are streamed, so a list of
/// a hundred thousand differences does not build a document tree in memory.
/// </summary>
public static class XlsxTables
{
    public static void Write(Stream stream, IReadOnlyList<XlsxSheet> sheets)
    {
        // The package (a zip) needs a stream it can read, write and seek; a file stream opened for writing or an HTTP
        // response is neither, so those get the workbook through a buffer.
        if (!(stream.CanRead && stream.CanWrite && stream.CanSeek))
        {
            using var buffer = new MemoryStream();
            Write(buffer, sheets);
            buffer.Position = 0;
            buffer.CopyTo(stream);
            return;
        }
        using var doc = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook);
        var wb = doc.AddWorkbookPart();
        var ids = new List<string>();
        foreach (var sheet in sheets)
        {
            var part = wb.AddNewPart<WorksheetPart>();
            ids.Add(wb.GetIdOfPart(part));
            using var w = OpenXmlWriter.Create(part);
            w.WriteStartElement(new Worksheet());
            w.WriteStartElement(new SheetData());
            WriteRow(w, sheet.Header.Cast<object?>().ToArray());
            foreach (var row in sheet.Rows) WriteRow(w, row);
            w.WriteEndElement();
            w.WriteEndElement();
        }
        var list = new Sheets();
        for (int i = 0; i < sheets.Count; i++)
            list.Append(new Sheet { Id = ids[i], SheetId = (uint)(i + 1), Name = sheets[i].Name });
        wb.Workbook = new Workbook(list);
        wb.Workbook.Save();
    }

    private static void WriteRow(OpenXmlWriter w, object?[] cells)
    {
        w.WriteStartElement(new Row());
        foreach (var value in cells)
        {
            switch (value)
            {
                case decimal d: w.WriteElement(new Cell { DataType = CellValues.Number, CellValue = new CellValue(d.ToString(CultureInfo.InvariantCulture)) }); break;
                case int i: w.WriteElement(new Cell { DataType = CellValues.Number, CellValue = new CellValue(i.ToString(CultureInfo.InvariantCulture)) }); break;
                case long l: w.WriteElement(new Cell { DataType = CellValues.Number, CellValue = new CellValue(l.ToString(CultureInfo.InvariantCulture)) }); break;
                default:
                    w.WriteElement(new Cell
                    {
                        DataType = CellValues.InlineString,
                        InlineString = new InlineString(new Text(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "") { Space = SpaceProcessingModeValues.Preserve }),
                    });
                    break;
            }
        }
        w.WriteEndElement();
    }
}
