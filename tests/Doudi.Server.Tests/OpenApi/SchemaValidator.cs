using System.Text.Json;

namespace Doudi.Server.Tests.OpenApi;

/// <summary>
/// A small, strict validator of JSON answers against the server's own OpenAPI document (3.1 schemas as the server emits
/// them): every property answered must be declared (unless the schema declares additionalProperties), required
/// properties must be present, and types must match. $ref, oneOf/anyOf/allOf, nullable type lists and arrays are
/// followed; formats date and date-time are checked.
/// </summary>
public sealed class SchemaValidator(JsonElement document)
{
    private readonly JsonElement _schemas = document.GetProperty("components").GetProperty("schemas");

    /// <summary>The operation of <paramref name="method"/> on the path template, or a failure message.</summary>
    public JsonElement Operation(string method, string template)
    {
        Assert.True(document.GetProperty("paths").TryGetProperty(template, out var path), $"no path {template} in the document");
        Assert.True(path.TryGetProperty(method.ToLowerInvariant(), out var op), $"no {method} {template} in the document");
        return op;
    }

    /// <summary>The problems of an answer: its status must be declared with this media type, and its body must match the schema.</summary>
    public List<string> Check(string method, string template, int status, string mediaType, string body)
    {
        var op = Operation(method, template);
        var problems = new List<string>();
        if (!op.GetProperty("responses").TryGetProperty(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response))
            return [$"{method} {template}: status {status} is not declared"];
        if (!response.TryGetProperty("content", out var content) || !content.TryGetProperty(mediaType, out var media))
            return [$"{method} {template} {status}: media type {mediaType} is not declared"];
        if (!media.TryGetProperty("schema", out var schema)) return [$"{method} {template} {status}: no schema"];
        using var doc = JsonDocument.Parse(body);
        Validate(schema, doc.RootElement, "$", problems);
        return problems.Select(p => $"{method} {template} {status}: {p}").ToList();
    }

    public void Validate(JsonElement schema, JsonElement value, string at, List<string> problems, int depth = 0)
    {
        if (depth > 64) return;
        if (schema.ValueKind == JsonValueKind.True) return;
        if (schema.TryGetProperty("$ref", out var r))
        {
            var name = r.GetString()!;
            Assert.StartsWith("#/components/schemas/", name);
            Validate(_schemas.GetProperty(name["#/components/schemas/".Length..]), value, at, problems, depth + 1);
            return;
        }
        foreach (var key in new[] { "oneOf", "anyOf" })
            if (schema.TryGetProperty(key, out var options))
            {
                var any = options.EnumerateArray().Any(o => { var p = new List<string>(); Validate(o, value, at, p, depth + 1); return p.Count == 0; });
                if (!any)
                {
                    var first = new List<string>();
                    Validate(options.EnumerateArray().First(), value, at, first, depth + 1);
                    problems.Add($"{at}: matches none of {key} ({string.Join("; ", first.Take(3))})");
                }
                return;
            }
        if (schema.TryGetProperty("allOf", out var all))
            foreach (var part in all.EnumerateArray()) Validate(part, value, at, problems, depth + 1);

        var types = Types(schema);
        if (types.Count > 0 && !types.Contains(Kind(value)) && !(Kind(value) == "integer" && types.Contains("number")))
        {
            problems.Add($"{at}: is {Kind(value)}, declared {string.Join("|", types)}");
            return;
        }
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var declared = schema.TryGetProperty("properties", out var props) ? props : default;
                var extra = schema.TryGetProperty("additionalProperties", out var ap) ? ap : default;
                if (declared.ValueKind != JsonValueKind.Object && extra.ValueKind == JsonValueKind.Undefined)
                {
                    if (types.Contains("object")) problems.Add($"{at}: an object whose schema declares no properties");
                    break;
                }
                foreach (var p in value.EnumerateObject())
                {
                    if (declared.ValueKind == JsonValueKind.Object && declared.TryGetProperty(p.Name, out var ps)) Validate(ps, p.Value, $"{at}.{p.Name}", problems, depth + 1);
                    else if (extra.ValueKind is JsonValueKind.Object or JsonValueKind.True) Validate(extra, p.Value, $"{at}.{p.Name}", problems, depth + 1);
                    else problems.Add($"{at}.{p.Name}: answered but not declared");
                }
                if (schema.TryGetProperty("required", out var required))
                    foreach (var name in required.EnumerateArray().Select(n => n.GetString()!))
                        if (!value.TryGetProperty(name, out _)) problems.Add($"{at}.{name}: required but not answered");
                break;
            case JsonValueKind.Array:
                if (schema.TryGetProperty("items", out var items))
                {
                    int i = 0;
                    foreach (var item in value.EnumerateArray()) Validate(items, item, $"{at}[{i++}]", problems, depth + 1);
                }
                break;
            case JsonValueKind.String when schema.TryGetProperty("format", out var format):
                var text = value.GetString()!;
                if (format.GetString() == "date" && !DateOnly.TryParseExact(text, "yyyy-MM-dd", out _)) problems.Add($"{at}: \"{text}\" is not a date");
                if (format.GetString() == "date-time" && !DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out _))
                    problems.Add($"{at}: \"{text}\" is not a date-time");
                break;
        }
    }

    private static List<string> Types(JsonElement schema)
    {
        if (!schema.TryGetProperty("type", out var t)) return [];
        return t.ValueKind == JsonValueKind.Array ? t.EnumerateArray().Select(x => x.GetString()!).ToList() : [t.GetString()!];
    }

    private static string Kind(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => v.TryGetInt64(out _) && !v.GetRawText().Contains('.') && !v.GetRawText().Contains('e') ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "undefined",
    };
}
