using System.Globalization;
using System.Text;

namespace Doudi.Prevention.Relief;

/// <summary>
/// The run report as CSV (RFC 4180), UTF-8 with a byte-order mark so that Excel on a Chinese desktop opens it
/// with the right encoding. Headers carry Chinese and the English code.
/// </summary>
public static class CsvReportWriter
{
    public static readonly string[] Header =
        ["收款人编号 payee_id", "姓名 name", "金额 amount", "重算金额 computed", "状态 status", "支付编号 payment_id", "计算过程 trace"];

    public static void Write(RunReport report, Stream stream)
    {
        using var w = new StreamWriter(stream, new UTF8Encoding(true), leaveOpen: true);
        Write(report, w);
    }

    public static string ToText(RunReport report)
    {
        var sw = new StringWriter();
        Write(report, sw);
        return sw.ToString();
    }

    public static void Write(RunReport report, TextWriter w)
    {
        Line(w, Header);
        foreach (var r in report.Rows)
            Line(w, [r.PayeeId, r.Name, Num(r.Amount), Num(r.Computed), ReportRow.StatusName(r.Status).Zh, r.PaymentId ?? "", string.Join("\n", r.Trace)]);
    }

    private static string Num(decimal d) => d.ToString("0.00", CultureInfo.InvariantCulture);

    private static void Line(TextWriter w, IEnumerable<string> cells)
    {
        w.Write(string.Join(",", cells.Select(Quote)));
        w.Write("\r\n");
    }

    // Names and notes come from name lists: one starting with = must be shown by Excel, not run (CsvCell).
    private static string Quote(string s) => Doudi.Cases.CsvCell.Text(s);
}
