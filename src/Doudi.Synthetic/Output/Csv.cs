using System.Globalization;
using System.Text;

namespace Doudi.Synthetic.Output;

/// <summary>A CSV file written row by row: UTF-8 without BOM, a header line, \n line ends, quoting only where needed.</summary>
internal sealed class CsvFile : IDisposable
{
    private readonly StreamWriter _w;
    private bool _first = true;

    public CsvFile(string path, IReadOnlyList<string> header)
    {
        _w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
        foreach (var h in header) Field(h);
        End();
    }

    public CsvFile Field(string? value)
    {
        if (!_first) _w.Write(',');
        _first = false;
        if (value is null) return this;
        if (value.AsSpan().IndexOfAny(",\"\n\r") >= 0) _w.Write('"' + value.Replace("\"", "\"\"") + '"');
        else _w.Write(value);
        return this;
    }

    public CsvFile Field(int value) => Field(value.ToString(CultureInfo.InvariantCulture));
    public CsvFile Field(bool value) => Field(value ? "true" : "false");

    /// <summary>An amount in fen as yuan with two decimals ("12.30"), as the national platform exports it.</summary>
    public CsvFile Fen(long fen) => Field(Yuan(fen));

    public static string Yuan(long fen) =>
        (fen < 0 ? "-" : "") + (Math.Abs(fen) / 100).ToString(CultureInfo.InvariantCulture) + "." + (Math.Abs(fen) % 100).ToString("D2", CultureInfo.InvariantCulture);

    public void End()
    {
        _w.Write('\n');
        _first = true;
    }

    public void Dispose() => _w.Dispose();
}
