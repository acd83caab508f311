using System.Text;

namespace Doudi.Server.Imports;

/// <summary>
/// A streaming RFC 4180 reader: comma-separated, double-quoted fields (with "" for a quote and line breaks inside
/// quotes), a BOM tolerated. Yields each record with the line on which it starts.
/// </summary>
public sealed class CsvReader(TextReader reader)
{
    public long Line { get; private set; } = 1;

    /// <summary>The widest record so far: the next one's list is made that size at once.</summary>
    private int _width = 4;

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
            var cells = new List<string>(_width);
            StringBuilder? sb = null;
            var i = 0;
            while (true)
            {
                // A field that does not open with a quote runs to the next comma as it is (a quote inside it is text):
                // taken as one substring, with no builder.
                if (i >= text.Length || text[i] != '"')
                {
                    var comma = text.IndexOf(',', i);
                    if (comma < 0) { cells.Add(text[i..]); break; }
                    cells.Add(text[i..comma]);
                    i = comma + 1;
                    continue;
                }
                // A quoted field ("" for a quote, line breaks inside), and whatever follows its closing quote up to the comma.
                (sb ??= new StringBuilder()).Clear();
                var quoted = true;
                i++;
                var ended = false;
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
                        ended = true;
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
                    else if (c == ',') { cells.Add(sb.ToString()); break; }
                    else sb.Append(c);
                }
                if (ended) break;
            }
            _width = Math.Max(_width, cells.Count);
            yield return (start, cells);
        }
    }
}
