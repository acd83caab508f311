using System.Text.RegularExpressions;

namespace Doudi.Server.Api;

/// <summary>
/// What every text a request carries must satisfy, in bodies, CSV cells, query strings and paths alike: no control
/// characters (C0, DEL, C1 — NUL above all, which PostgreSQL cannot store), no invisible format characters (bidi
/// overrides, zero-width spaces), no lone UTF-16 surrogates, bounded length.
/// </summary>
public static partial class TextRules
{
    /// <summary>The longest value a query-string parameter or path segment may have.</summary>
    public const int MaxParameterLength = 256;

    /// <summary>The problem with the first offending character of <paramref name="s"/>, or null when it is clean.</summary>
    public static Text? BadCharacter(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsControl(c))
                return new($"含有控制字符 U+{(int)c:X4}（第 {i + 1} 个字符）", $"contains the control character U+{(int)c:X4} (character {i + 1})");
            // Invisible format characters — bidi overrides (U+202E shows "exe.txt" as "txt.exe"), zero-width spaces, a BOM
            // inside text — and line/paragraph separators make one stored name look like another: refused like controls.
            if (char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format or System.Globalization.UnicodeCategory.LineSeparator
                or System.Globalization.UnicodeCategory.ParagraphSeparator)
                return new($"含有不可见的格式字符 U+{(int)c:X4}（第 {i + 1} 个字符）", $"contains the invisible format character U+{(int)c:X4} (character {i + 1})");
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { i++; continue; }
            if (char.IsSurrogate(c))
                return new($"含有无效字符（第 {i + 1} 个字符）", $"contains an invalid character (character {i + 1})");
        }
        return null;
    }

    /// <summary>Problems with the query string and route values of a request, each named by its parameter.</summary>
    public static List<FieldProblem> CheckParameters(HttpContext http)
    {
        var problems = new List<FieldProblem>();
        foreach (var (key, values) in http.Request.Query)
        {
            if (BadCharacter(key) is { } badKey) { problems.Add(new("query", badKey)); continue; }
            foreach (var v in values)
            {
                if (v is null) continue;
                if (v.Length > MaxParameterLength) problems.Add(new(key, Msg.TooLong(MaxParameterLength)));
                else if (BadCharacter(v) is { } bad) problems.Add(new(key, bad));
            }
        }
        foreach (var (key, value) in http.Request.RouteValues)
        {
            if (value is not string v) continue;
            if (v.Length > MaxParameterLength) problems.Add(new(key, Msg.TooLong(MaxParameterLength)));
            else if (BadCharacter(v) is { } bad) problems.Add(new(key, bad));
        }
        return problems;
    }

    [GeneratedRegex("^Failed to bind parameter \"(?<type>[^\"]*) (?<name>[A-Za-z_][A-Za-z0-9_]*)\" from \"(?<value>.*)\"\\.?$", RegexOptions.Singleline)]
    private static partial Regex BindFailure();

    [GeneratedRegex("^Required parameter \"(?<type>[^\"]*) (?<name>[A-Za-z_][A-Za-z0-9_]*)\" was not provided", RegexOptions.Singleline)]
    private static partial Regex MissingParameter();

    /// <summary>
    /// The framework refuses a query parameter it cannot bind (<c>page=abc</c>) with a message naming nothing a caller can
    /// use: turn it into a field problem naming the parameter, like every other refusal.
    /// </summary>
    public static FieldProblem? FromBindingFailure(string message)
    {
        if (BindFailure().Match(message) is { Success: true } m)
        {
            var name = m.Groups["name"].Value;
            var value = m.Groups["value"].Value;
            // "int? page", "Nullable<int> page", "Int32 page": the type as the framework happens to spell it.
            var type = m.Groups["type"].Value.Replace("Nullable<", "", StringComparison.Ordinal).TrimEnd('?', '>');
            return new(name, type switch
            {
                "int" or "long" or "Int32" or "Int64" => Msg.NotInt(value),
                "bool" or "Boolean" => Msg.NotBool(value),
                "decimal" or "Decimal" => Msg.NotAmount(value),
                "DateOnly" => Msg.NotDate(value),
                _ => new($"“{value}”无法识别", $"\"{value}\" is not understood"),
            });
        }
        if (MissingParameter().Match(message) is { Success: true } r) return new(r.Groups["name"].Value, Msg.Required);
        return null;
    }
}
