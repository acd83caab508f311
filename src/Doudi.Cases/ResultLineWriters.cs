using System.Buffers;
using System.Text;
using System.Text.Json;
using Doudi.Engine.Results;
using Doudi.Engine.Tracing;
using Doudi.Policy.Vocabulary;

namespace Doudi.Cases;

/// <summary>
/// JSON Lines: each bill, person-year and household-year is one line, the object <c>doudi settle</c> writes in its
/// JSON with a leading <c>"record"</c> naming its kind; then a <c>formulas</c> line and, in compact mode, a
/// <c>citations</c> line. A reader can stream a city's year line by line.
/// </summary>
internal sealed class ResultJsonlWriter : ResultOutput
{
    private readonly Stream _output;
    private readonly ArrayBufferWriter<byte> _line = new(1 << 12);
    private readonly Utf8JsonWriter _w;
    private readonly TraceWriter _trace;
    private static readonly JsonEncodedText BillKind = JsonEncodedText.Encode("bill"), PersonKind = JsonEncodedText.Encode("person"),
        HouseholdKind = JsonEncodedText.Encode("household"), TablesKind = JsonEncodedText.Encode("tables");

    public ResultJsonlWriter(Stream output, ResultWriterOptions options)
    {
        _output = output;
        _w = new Utf8JsonWriter(_line, ResultWriter.WriterOptions(indented: false));
        _trace = new TraceWriter(options.Trace);
    }

    public override void Bill(BillResult bill) => Line(BillKind, w => ResultWriter.WriteBill(w, bill, _trace, ResultWriter.Names.Record, BillKind));
    public override void Person(PersonYearResult person) => Line(PersonKind, w => ResultWriter.WritePerson(w, person, _trace, ResultWriter.Names.Record, PersonKind));
    public override void Household(HouseholdYearResult household) => Line(HouseholdKind, w => ResultWriter.WriteHousehold(w, household, _trace, ResultWriter.Names.Record, HouseholdKind));

    public override void End()
    {
        if (_trace.Mode == TraceMode.None) { _output.Flush(); return; }
        Line(TablesKind, w =>
        {
            w.WriteStartObject();
            w.WriteString(ResultWriter.Names.Record, TablesKind);
            ResultWriter.WriteFormulas(w);
            if (_trace.Mode == TraceMode.Compact) _trace.WriteCitations(w);
            w.WriteEndObject();
        });
        _output.Flush();
    }

    private void Line(JsonEncodedText kind, Action<Utf8JsonWriter> write)
    {
        write(_w);
        _w.Flush();
        _w.Reset();
        _line.Write("\n"u8);
        _output.Write(_line.WrittenSpan);
        _line.ResetWrittenCount();
    }

    public override void Dispose() => _w.Dispose();
}

/// <summary>
/// CSV for a spreadsheet: one row per bill with its amounts (no trace), a header row in Chinese with the result's
/// field names, UTF-8 with a byte-order mark (Excel on a Chinese Windows otherwise reads the file as GBK), CRLF line
/// ends, RFC 4180 quoting. Text that a spreadsheet would run as a formula (starting with = + - @) is prefixed with '.
/// Person-years and household-years are not rows of this table: they are in the JSON formats.
/// </summary>
internal sealed class ResultCsvWriter : ResultOutput
{
    private readonly StreamWriter _w;

    private static readonly (string Header, Func<BillResult, string> Value)[] Columns =
    [
        ("单据编号 id", b => b.Id),
        ("人员编号 person", b => b.Person),
        ("结算日期 date", b => b.Date.ToString("yyyy-MM-dd")),
        ("适用政策 policy", b => b.Policy),
        ("救助类别 category", b => b.Category is { } c ? Codes.ToCode(c) : ""),
        ("救助基数 assistanceBase", b => AmountText.Format(b.AssistanceBase)),
        ("大病保险 criticalIllness", b => AmountText.Format(b.CriticalIllness)),
        ("医疗救助 assistance", b => AmountText.Format(b.Assistance)),
        ("上游已付医疗救助 assistanceUpstream", b => b.AssistanceUpstream is { } u ? AmountText.Format(u) : ""),
        ("医疗救助差额 assistanceDifference", b => b.AssistanceDifference is { } d ? AmountText.Format(d) : ""),
        ("倾斜救助 tilted", b => AmountText.Format(b.Tilted)),
        ("补充保险 supplementary", b => AmountText.Format(b.Supplementary)),
        ("个人负担 personalBurden", b => AmountText.Format(b.PersonalBurden)),
        ("合理个人负担 reasonableBurden", b => AmountText.Format(b.ReasonableBurden)),
    ];

    public ResultCsvWriter(Stream output)
    {
        _w = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 1 << 16, leaveOpen: true) { NewLine = "\r\n" };
        for (int i = 0; i < Columns.Length; i++)
        {
            if (i > 0) _w.Write(',');
            Field(Columns[i].Header);
        }
        _w.WriteLine();
    }

    public override void Bill(BillResult bill)
    {
        for (int i = 0; i < Columns.Length; i++)
        {
            if (i > 0) _w.Write(',');
            var value = Columns[i].Value(bill);
            // Amounts are numbers for the spreadsheet; only text needs the formula guard.
            if (i >= 5) _w.Write(value);
            else Field(value);
        }
        _w.WriteLine();
    }

    public override void Person(PersonYearResult person) { }
    public override void Household(HouseholdYearResult household) { }
    public override void End() => _w.Flush();

    private void Field(string value)
    {
        bool formula = CsvCell.IsFormula(value);
        bool quote = formula || value.AsSpan().IndexOfAny(",\"\r\n") >= 0;
        if (!quote) { _w.Write(value); return; }
        _w.Write('"');
        if (formula) _w.Write('\'');
        _w.Write(value.Replace("\"", "\"\""));
        _w.Write('"');
    }

    public override void Dispose() => _w.Dispose();
}
