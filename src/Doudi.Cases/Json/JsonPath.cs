using System.Text;

namespace Doudi.Cases.Json;

/// <summary>
/// The JSON path of the value being read (<c>bills[3].items[0].amount</c>), kept as a stack of segments so that
/// a million bills cost no strings: the text is built only when a problem is reported.
/// </summary>
internal sealed class JsonPath
{
    private readonly string _prefix;
    private readonly List<(string? Name, int Index)> _segments = new(8);

    /// <param name="prefix">Path text of the value the reading starts at ("" for the document root, or e.g. "bills[3]").</param>
    public JsonPath(string prefix = "") => _prefix = prefix;

    public void PushName(string name) => _segments.Add((name, -1));
    public void PushIndex(int index) => _segments.Add((null, index));
    public void SetIndex(int index) => _segments[^1] = (null, index);
    public void Pop() => _segments.RemoveAt(_segments.Count - 1);

    /// <summary>The current path, with <paramref name="field"/> appended when given.</summary>
    public string Render(string? field = null)
    {
        var sb = new StringBuilder(_prefix, 48);
        foreach (var (name, index) in _segments) Append(sb, name, index);
        if (field is not null) Append(sb, field, -1);
        return sb.Length == 0 ? "$" : sb.ToString();
    }

    /// <summary>The path of an element of the current array, e.g. <c>persons[0]</c> for messages that point at another entry.</summary>
    public static string Element(string array, int index) => $"{array}[{index}]";

    private static void Append(StringBuilder sb, string? name, int index)
    {
        if (name is null) { sb.Append('[').Append(index).Append(']'); return; }
        if (IsPlain(name))
        {
            if (sb.Length > 0) sb.Append('.');
            sb.Append(name);
        }
        else
        {
            // A name that would make the path ambiguous (dots, spaces, quotes) is written in brackets.
            sb.Append("[\"").Append(name.Replace("\\", "\\\\").Replace("\"", "\\\"")).Append("\"]");
        }
    }

    private static bool IsPlain(string name)
    {
        if (name.Length == 0) return false;
        foreach (char c in name)
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_')) return false;
        return true;
    }
}
