using System.Text.Json;
using Doudi.Prevention.Relief;
using Doudi.Server.Api;

namespace Doudi.Server.WebConsole;

/// <summary>The export body: declared (<see cref="Declare.JsonBody{T}"/>), so a field beside these is refused when the body is read, like every body.</summary>
public sealed record XlsxExportRequest(string Sheet, string[] Columns, JsonElement[][] Rows);

/// <summary>
/// Turns a table the console shows into an Excel workbook (.xlsx): the console sends the rows it already holds, so
/// every table exports the same way and no one sees more than the page showed them.
/// </summary>
public static class ExportEndpoints
{
    private const int MaxRows = 100_000, MaxCell = 2_000;

    public static void Map(WebApplication app)
    {
        app.MapPost("/api/exports/xlsx", async (HttpContext http, CancellationToken ct) =>
        {
            using var doc = await Body.ReadJsonAsync(http.Request, ct);
            var root = Body.RequireObject(doc);
            var problems = new List<FieldProblem>();
            var f = Fields.FromJson(root, "", problems);
            var sheet = f.String("sheet", required: true, maxLength: 31);
            var rows = new List<object[]>();
            if (!root.TryGetProperty("columns", out var cols) || cols.ValueKind != JsonValueKind.Array || cols.GetArrayLength() is 0 or > 100)
                problems.Add(new("columns", new("应为 1–100 个列名", "must be 1–100 column names")));
            else rows.Add(cols.EnumerateArray().Select((c, i) => c.ValueKind == JsonValueKind.String ? Cell(c, $"columns[{i}]", problems)
                : Refused($"columns[{i}]", problems)).ToArray());
            if (!root.TryGetProperty("rows", out var data) || data.ValueKind != JsonValueKind.Array || data.GetArrayLength() > MaxRows)
                problems.Add(new("rows", new($"应为至多 {MaxRows} 行的数组", $"must be an array of at most {MaxRows} rows")));
            else
            {
                var r = 0;
                foreach (var row in data.EnumerateArray())
                {
                    if (row.ValueKind != JsonValueKind.Array) { problems.Add(new($"rows[{r}]", new("应为数组", "must be an array"))); r++; continue; }
                    var at = r;
                    rows.Add(row.EnumerateArray().Select((c, i) => Cell(c, $"rows[{at}][{i}]", problems)).ToArray());
                    r++;
                    if (problems.Count > 20) break;
                }
            }
            if (sheet is not null && sheet.IndexOfAny(['\\', '/', '?', '*', '[', ']', ':']) >= 0)
                problems.Add(new("sheet", new("工作表名不能含 \\ / ? * [ ] :", "a sheet name cannot hold \\ / ? * [ ] :")));
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            using var ms = new MemoryStream();
            XlsxReportWriter.WriteTable(sheet!, rows, ms);
            return Results.File(ms.ToArray(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "export.xlsx");
        }).RequireAuthorization().WithTags("Console").JsonBody<XlsxExportRequest>()
          .ProducesFile(Declare.Xlsx)
          .WithSummary("把页面上的表格导出为 Excel / export a table shown in the console as .xlsx");
    }

    /// <summary>A column's title is text: a number or object where a title goes is refused by its place.</summary>
    private static object Refused(string path, List<FieldProblem> problems)
    {
        problems.Add(new(path, new("列名应为字符串", "a column title must be a string")));
        return "";
    }

    private static object Cell(JsonElement e, string path, List<FieldProblem> problems)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Number when e.TryGetDecimal(out var d): return d;
            case JsonValueKind.Null: return "";
            case JsonValueKind.String:
                var s = e.GetString()!;
                if (s.Length > MaxCell) problems.Add(new(path, new($"超过 {MaxCell} 个字符", $"longer than {MaxCell} characters")));
                else if (s.Any(ch => char.IsControl(ch) && ch != '\n' && ch != '\t')) problems.Add(new(path, new("含控制字符", "holds a control character")));
                return s;
            default:
                problems.Add(new(path, new("应为文字或数字", "must be text or a number")));
                return "";
        }
    }
}
