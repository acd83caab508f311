using System.Text;
using System.Text.Json;
using Doudi.Cases.Json;
using Doudi.Engine.Settlement;

namespace Doudi.Cases.Reading;

/// <summary>
/// Reads case-file JSON token by token and keeps going after a problem, so one run names every problem
/// with its path. Values with problems are not built; the caller gets a model only when there were none.
/// </summary>
internal sealed partial class CaseParser
{
    private const int MaxShortText = 128;

    private readonly JsonPath _path;
    private readonly List<SettlementProblem> _problems;
    // Reused buffers for property names and short values (codes, dates, person ids): no string per token.
    private readonly char[] _names = new char[64];
    private readonly char[] _text = new char[MaxShortText];

    public CaseParser(string prefix, List<SettlementProblem> problems)
    {
        _path = new JsonPath(prefix);
        _problems = problems;
    }

    private void Problem(string? field, string message) => _problems.Add(new SettlementProblem(_path.Render(field), message));

    /// <summary>Turns broken JSON into a problem at the place the reading had reached.</summary>
    public void BrokenJson(JsonException ex)
    {
        string detail = ex.Message;
        int cut = detail.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut > 0) detail = detail[..cut];
        Problem(null, CaseMessages.InvalidJson((ex.LineNumber ?? 0) + 1, (ex.BytePositionInLine ?? 0) + 1, detail));
    }

    public void EmptyDocument() => Problem(null, CaseMessages.Empty);

    public void BrokenText(InvalidOperationException ex) => Problem(null, CaseMessages.InvalidText(ex.Message));

    /// <summary>
    /// Moves to the next property of the object the cursor is in and then onto its value; false at the object's end.
    /// The name lives in a reused buffer, valid until the next call.
    /// </summary>
    private bool NextField(ref JsonCursor c, out ReadOnlySpan<char> name)
    {
        if (!c.Read() || c.TokenType != JsonTokenType.PropertyName)
        {
            name = default;
            return false;
        }
        var raw = c.ValueSpan;
        name = !c.ValueIsEscaped && raw.Length <= _names.Length
            ? _names.AsSpan(0, Encoding.UTF8.GetChars(raw, _names))
            : c.GetString();
        c.Read();
        return true;
    }

    /// <summary>
    /// Marks <paramref name="bit"/> as seen; a field given twice is reported and its second value skipped
    /// (returns false, so the first value stands).
    /// </summary>
    private bool First(ref JsonCursor c, ref int seen, int bit, scoped ReadOnlySpan<char> name)
    {
        if ((seen & bit) == 0)
        {
            seen |= bit;
            return true;
        }
        Problem(name.ToString(), CaseMessages.DuplicateField);
        c.SkipValue();
        return false;
    }

    private void UnknownField(ref JsonCursor c, scoped ReadOnlySpan<char> name)
    {
        Problem(name.ToString(), CaseMessages.UnknownField);
        c.SkipValue();
    }

    private void RequireFields(int seen, ReadOnlySpan<(int Bit, string Name)> required)
    {
        foreach (var (bit, name) in required)
            if ((seen & bit) == 0) Problem(name, CaseMessages.MissingField);
    }

    /// <summary>The token as the file wrote it, for messages: strings quoted, containers abbreviated.</summary>
    private static string Shown(ref JsonCursor c) => c.TokenType switch
    {
        JsonTokenType.String => Quote(c.GetString() ?? ""),
        JsonTokenType.StartObject => "{…}",
        JsonTokenType.StartArray => "[…]",
        JsonTokenType.Null => "null",
        _ => Encoding.UTF8.GetString(c.ValueSpan),
    };

    internal static string Quote(string text)
    {
        if (text.Length > 80) text = text[..80] + "…";
        var sb = new StringBuilder(text.Length + 2).Append('"');
        foreach (char ch in text)
        {
            if (ch is '"' or '\\') sb.Append('\\').Append(ch);
            else if (char.IsControl(ch) || char.GetUnicodeCategory(ch) is System.Globalization.UnicodeCategory.Format
                     or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator)
                sb.Append($"\\u{(int)ch:x4}"); // shown, not obeyed: a bidi override would scramble the message
            else sb.Append(ch);
        }
        return sb.Append('"').ToString();
    }
}
