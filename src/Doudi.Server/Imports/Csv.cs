using System.Text;

namespace Doudi.Server.Imports;

/// <summary>
/// A streaming RFC 4180 reader: comma-separated, double-quoted fields (with "" for a quote and line breaks inside
/// quotes), a BOM tolerated. Yields each record with the line on which it starts.
/// </summary>
public sealed class CsvReader(TextReader reader)
{
    public long Line { get; private set; } = 1;

    public async IAsyncEnumerable<(long Line, List<string> Cells)> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var first = true;
        string? text;
        while ((text = await reader.ReadLineAsync(ct)) is not null)
        {
            var start = Line;
            Line++;
            if (first) { text = text.TrimStart('\uFEFF'); first = false; }
            if (text.Length == 0) continue;
            var cells = new List<string>();
            var sb = new StringBuilder();
            var i = 0;
            var quoted = false;
            while (true)
            {
                if (i >= text.Length)
                {
                    if (quoted)
                    {
                        var more = await reader.ReadLineAsync(ct);
                        if (more is null) throw new FormatException($"line {start}: unterminated quoted field");
                        Line++;
                        sb.Append('\n');
                        text = more; i = 0;
                        continue;
                    }
                    cells.Add(sb.ToString());
                    break;
                }
                var c = text[i++];
                if (quoted)
                {
                    if (c == '"')
                    {
                        if (i < text.Length && text[i] == '"') { sb.Append('"'); i++; }
                        else quoted = false;
                    }
                    else sb.Append(c);
                }
                else if (c == '"' && sb.Length == 0) quoted = true;
                else if (c == ',') { cells.Add(sb.ToString()); sb.Clear(); }
                else sb.Append(c);
            }
            yield return (start, cells);
        }
    }
}
