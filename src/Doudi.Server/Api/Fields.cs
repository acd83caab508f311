using System.Globalization;
using System.Text.Json;

namespace Doudi.Server.Api;

/// <summary>One raw field value, from JSON or from a CSV cell, before it is read as a number, date, …</summary>
public readonly record struct Raw(JsonValueKind Kind, string Text, JsonElement Element = default)
{
    public bool IsNull => Kind is JsonValueKind.Null or JsonValueKind.Undefined || (Kind == JsonValueKind.String && Text.Length == 0);
    public string Shown => Kind == JsonValueKind.String ? Text : Element.ValueKind == JsonValueKind.Undefined ? Text : Element.GetRawText();
}

/// <summary>A flat record of named fields: a JSON object or a CSV row. Reading collects problems with their paths.</summary>
public sealed class Fields
{
    private readonly Dictionary<string, Raw> _values;
    public string PathPrefix { get; }
    public List<FieldProblem> Problems { get; }

    private Fields(Dictionary<string, Raw> values, string pathPrefix, List<FieldProblem> problems)
    {
        _values = values; PathPrefix = pathPrefix; Problems = problems;
    }

    /// <summary>
    /// An object of a JSON document that has passed <see cref="Body.Duplicates"/> (every request body does, in
    /// <see cref="Body.ReadJsonAsync"/>; the name list's JSON rows too): a key given twice is refused there, once, by its path.
    /// </summary>
    public static Fields FromJson(JsonElement obj, string pathPrefix, List<FieldProblem> problems)
    {
        var d = new Dictionary<string, Raw>(StringComparer.Ordinal);
        foreach (var p in obj.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.String && !Readable(p.Value))
            {
                // "\ud800" alone: valid JSON, but not text — refused here rather than failing later.
                problems.Add(new FieldProblem(pathPrefix.Length == 0 ? p.Name : $"{pathPrefix}.{p.Name}", new("含有无效字符", "contains an invalid character")));
                continue;
            }
            d[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.String => new Raw(JsonValueKind.String, p.Value.GetString()!, p.Value),
                _ => new Raw(p.Value.ValueKind, p.Value.ValueKind == JsonValueKind.Number ? p.Value.GetRawText() : "", p.Value),
            };
        }
        return new Fields(d, pathPrefix, problems);
    }

    private static bool Readable(JsonElement e)
    {
        try { _ = e.GetString(); return true; }
        catch (InvalidOperationException) { return false; }
    }

    public static Fields FromCells(IReadOnlyList<string> header, IReadOnlyList<string> cells, string pathPrefix, List<FieldProblem> problems)
    {
        var d = new Dictionary<string, Raw>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count && i < cells.Count; i++)
            d[header[i]] = new Raw(JsonValueKind.String, cells[i].Trim());
        return new Fields(d, pathPrefix, problems);
    }

    public IEnumerable<string> Names => _values.Keys;
    public bool Has(string name) => _values.TryGetValue(name, out var v) && !v.IsNull;
    public bool TryRaw(string name, out Raw raw) => _values.TryGetValue(name, out raw) && !raw.IsNull;

    public string Path(string name) => PathPrefix.Length == 0 ? name : $"{PathPrefix}.{name}";
    public void Problem(string name, Text message) => Problems.Add(new FieldProblem(Path(name), message));

    /// <summary>The first of <paramref name="names"/> present (aliases: our names, the national platform's, Chinese headers).</summary>
    public string? Which(params string[] names)
    {
        foreach (var n in names) if (Has(n)) return n;
        return null;
    }

    /// <summary>
    /// A text field, trimmed, at most <paramref name="maxLength"/> characters, without control characters (NUL, line
    /// breaks, …) or broken UTF-16 — no stored text may carry them (PostgreSQL refuses NUL outright).
    /// <paramref name="allowControl"/> is only for secrets that are hashed, never stored or shown.
    /// </summary>
    public string? String(string name, bool required = false, int maxLength = 200, bool allowControl = false)
    {
        if (!TryRaw(name, out var raw)) { if (required) Problem(name, Msg.Required); return null; }
        if (raw.Kind is not (JsonValueKind.String or JsonValueKind.Number)) { Problem(name, Msg.NotString); return null; }
        var s = raw.Kind == JsonValueKind.Number ? raw.Text : raw.Text.Trim();
        if (s.Length > maxLength) { Problem(name, Msg.TooLong(maxLength)); return null; }
        if (!allowControl && TextRules.BadCharacter(s) is { } bad) { Problem(name, bad); return null; }
        if (s.Length == 0 && required) { Problem(name, Msg.Required); return null; }
        return s;
    }

    /// <summary>A non-negative amount in yuan with at most two decimals; JSON numbers or numeric strings.</summary>
    public decimal? Amount(string name, bool required = false)
    {
        if (!TryRaw(name, out var raw)) { if (required) Problem(name, Msg.Required); return null; }
        if (raw.Kind is JsonValueKind.Number or JsonValueKind.String
            && decimal.TryParse(raw.Text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var d)
            && d >= 0 && d <= 100_000_000_000m && decimal.Round(d, 2) == d)
            return d;
        Problem(name, Msg.NotAmount(raw.Shown));
        return null;
    }

    public DateOnly? Date(string name, bool required = false, bool allowTime = false)
    {
        if (!TryRaw(name, out var raw)) { if (required) Problem(name, Msg.Required); return null; }
        var s = raw.Kind == JsonValueKind.String ? raw.Text : "";
        if (allowTime && s.Length > 10 && (s[10] == ' ' || s[10] == 'T')) s = s[..10];
        if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        Problem(name, Msg.NotDate(raw.Shown));
        return null;
    }

    public bool? Bool(string name)
    {
        if (!TryRaw(name, out var raw)) return null;
        switch (raw.Kind)
        {
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            case JsonValueKind.String:
                switch (raw.Text.ToLowerInvariant())
                {
                    case "true" or "1" or "y" or "yes" or "是": return true;
                    case "false" or "0" or "n" or "no" or "否": return false;
                }
                break;
            case JsonValueKind.Number when raw.Text is "0" or "1": return raw.Text == "1";
        }
        Problem(name, Msg.NotBool(raw.Shown));
        return null;
    }

    public int? Int(string name)
    {
        if (!TryRaw(name, out var raw)) return null;
        if (raw.Kind is JsonValueKind.Number or JsonValueKind.String && int.TryParse(raw.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var i)) return i;
        Problem(name, Msg.NotInt(raw.Shown));
        return null;
    }

    /// <summary>
    /// A list of texts (codes, reasons): a JSON array of strings, each checked like <see cref="String"/> and named by its
    /// index (<c>documents[2]</c>) when it is not one; empty strings are dropped. Absent: null.
    /// </summary>
    public string[]? StringList(string name, int maxItems = 100, int maxLength = 200)
    {
        if (!TryRaw(name, out var raw)) return null;
        if (raw.Kind != JsonValueKind.Array) { Problem(name, new("应为字符串数组", "must be an array of strings")); return null; }
        if (raw.Element.GetArrayLength() > maxItems) { Problem(name, new($"最多 {maxItems} 项", $"at most {maxItems} items")); return null; }
        var list = new List<string>();
        var i = 0;
        foreach (var item in raw.Element.EnumerateArray())
        {
            var at = $"{name}[{i++}]";
            if (item.ValueKind != JsonValueKind.String || !Readable(item)) { Problem(at, Msg.NotString); continue; }
            var s = item.GetString()!.Trim();
            if (s.Length > maxLength) { Problem(at, Msg.TooLong(maxLength)); continue; }
            if (TextRules.BadCharacter(s) is { } bad) { Problem(at, bad); continue; }
            if (s.Length > 0) list.Add(s);
        }
        return [.. list];
    }

    public JsonElement? Element(string name) => _values.TryGetValue(name, out var v) && v.Element.ValueKind != JsonValueKind.Undefined ? v.Element : null;
}
