using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Doudi.Server.Tests.Infrastructure;

namespace Doudi.Server.Tests.Probes;

/// <summary>
/// The operations of the server's own OpenAPI document, as a hostile client would read them: method, path, who may call
/// (the document's security requirements and its "角色 / roles:" line), query parameters and the JSON body's schema.
/// The probes are generated from this list, so a new endpoint is probed the day it is declared.
/// </summary>
public sealed record Operation(string Method, string Path, bool Secured, bool Bearer, IReadOnlyList<string>? Roles,
    IReadOnlyList<string> Query, IReadOnlyList<string> RequiredQuery, JsonElement? JsonBody, JsonElement Document)
{
    public bool HasPathParameters => Path.Contains('{');
    public bool Allows(string role) => Secured && (Roles is null ? role != "hospital" || Bearer : Roles.Contains(role));
    public override string ToString() => $"{Method} {Path}";

    /// <summary>The path with its parameters filled: a year where a year goes, a region where a region goes, else <paramref name="value"/>.</summary>
    public string Url(string value = "1") => Regex.Replace(Path, "\\{([^}]+)\\}", m => m.Groups[1].Value switch
    {
        "year" or "yearText" => "2023",
        "region" => "fuyang",
        _ => value,
    });

    public static async Task<IReadOnlyList<Operation>> ReadAsync(HttpClient client)
    {
        var (_, doc, _) = await client.GetJson("/openapi/v1.json");
        var list = new List<Operation>();
        foreach (var path in doc.GetProperty("paths").EnumerateObject())
            foreach (var op in path.Value.EnumerateObject())
            {
                var o = op.Value;
                var security = o.TryGetProperty("security", out var s) ? s.EnumerateArray().SelectMany(r => r.EnumerateObject().Select(p => p.Name)).ToList() : [];
                var description = o.TryGetProperty("description", out var d) ? d.GetString() ?? "" : "";
                var roles = Regex.Match(description, "roles: ([a-z_, ]+)") is { Success: true } m
                    ? m.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : null;
                var parameters = o.TryGetProperty("parameters", out var ps) ? ps.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").ToList() : [];
                JsonElement? body = o.TryGetProperty("requestBody", out var rb) && rb.GetProperty("content").TryGetProperty("application/json", out var json)
                    ? json.GetProperty("schema") : null;
                list.Add(new Operation(op.Name.ToUpperInvariant(), path.Name, security.Count > 0, security.Contains("bearer"), roles,
                    parameters.Select(p => p.GetProperty("name").GetString()!).ToList(),
                    parameters.Where(p => p.TryGetProperty("required", out var r) && r.GetBoolean()).Select(p => p.GetProperty("name").GetString()!).ToList(),
                    body, doc));
            }
        return list;
    }

    /// <summary>A body of the declared shape: every field present with a plain value of its type ("x", 1, true, [ … ], { … }).</summary>
    public Dictionary<string, object?> SampleBody()
    {
        var sample = JsonBody is { } schema ? Sample(schema, 0) : null;
        return sample as Dictionary<string, object?> ?? [];
    }

    private JsonElement Resolve(JsonElement schema)
    {
        while (schema.TryGetProperty("$ref", out var r))
            schema = Document.GetProperty("components").GetProperty("schemas").GetProperty(r.GetString()!.Split('/')[^1]);
        return schema;
    }

    private object? Sample(JsonElement schema, int depth)
    {
        schema = Resolve(schema);
        if (schema.TryGetProperty("oneOf", out var one)) return Sample(one[0], depth);
        var type = !schema.TryGetProperty("type", out var t) ? "string"
            : t.ValueKind == JsonValueKind.String ? t.GetString()
            : t.EnumerateArray().Select(x => x.GetString()).FirstOrDefault(x => x != "null") ?? "string";
        return type switch
        {
            "object" when depth < 3 && schema.TryGetProperty("properties", out var props) =>
                props.EnumerateObject().ToDictionary(p => p.Name, p => Sample(p.Value, depth + 1)),
            "object" => new Dictionary<string, object?>(),
            "array" => depth < 3 && schema.TryGetProperty("items", out var items) ? new List<object?> { Sample(items, depth + 1) } : new List<object?>(),
            "number" or "integer" => 1,
            "boolean" => true,
            _ => "x",
        };
    }
}

/// <summary>The callers a probe plays: the anonymous one, one user of each staff role, a hospital's token.</summary>
public static class Callers
{
    public static readonly string[] Roles = ["bureau_admin", "bureau_operator", "civil_affairs", "department", "charity", "auditor", "hospital"];

    public static async Task<Dictionary<string, HttpClient>> AllAsync(ServerFixture fx, string hospitalName = "探测医院")
    {
        var clients = new Dictionary<string, HttpClient>
        {
            ["anonymous"] = fx.Anonymous(),
            ["bureau_admin"] = await fx.As("admin"),
            ["bureau_operator"] = await fx.As("operator"),
            ["civil_affairs"] = await fx.As("civil"),
            ["department"] = await fx.As("veterans"),
            ["charity"] = await fx.As("charity"),
            ["auditor"] = await fx.As("auditor"),
            ["hospital"] = (await fx.HospitalAsync(hospitalName)).Client,
        };
        return clients;
    }

    /// <summary>The first caller the operation allows, most powerful first.</summary>
    public static string FirstAllowed(Operation op) => Roles.FirstOrDefault(op.Allows) ?? "anonymous";

    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string url, string? body = null,
        string contentType = "application/json", string? language = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        if (language is not null) request.Headers.AcceptLanguage.ParseAdd(language);
        return await client.SendAsync(request);
    }
}

/// <summary>What every refusal must be: problem+json, a title (Chinese unless English was asked for), no stack trace, never 5xx.</summary>
public static class Answers
{
    private static readonly Regex Han = new("\\p{IsCJKUnifiedIdeographs}");

    /// <summary>Null when the answer is a proper refusal, else what is wrong with it.</summary>
    public static async Task<string?> RefusalProblemAsync(HttpResponseMessage r, bool english = false)
    {
        var text = await r.Content.ReadAsStringAsync();
        if ((int)r.StatusCode >= 500) return $"{(int)r.StatusCode} {Cut(text)}";
        if ((int)r.StatusCode < 400) return $"{(int)r.StatusCode}: not refused {Cut(text)}";
        if (r.Content.Headers.ContentType?.MediaType != "application/problem+json") return $"{(int)r.StatusCode} as {r.Content.Headers.ContentType}: {Cut(text)}";
        if (LeaksInternals(text)) return $"{(int)r.StatusCode} shows internals: {Cut(text)}";
        using var doc = JsonDocument.Parse(text);
        var title = doc.RootElement.TryGetProperty("title", out var t) ? t.GetString() ?? "" : "";
        if (english ? Han.IsMatch(title) : !Han.IsMatch(title)) return $"{(int)r.StatusCode} title not in {(english ? "English" : "Chinese")}: {title}";
        if (r.StatusCode == HttpStatusCode.BadRequest && !(doc.RootElement.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object && e.EnumerateObject().Any()))
            return $"400 without errors naming the place: {Cut(text)}";
        return null;
    }

    /// <summary>A stack trace, an exception type or the framework's binding message in an answer.</summary>
    public static bool LeaksInternals(string text) =>
        text.Contains("   at ", StringComparison.Ordinal) || text.Contains("Exception", StringComparison.Ordinal)
        || text.Contains("Failed to read parameter", StringComparison.Ordinal) || text.Contains(".cs:line", StringComparison.Ordinal);

    public static string Cut(string text) => text.Length <= 240 ? text : text[..240] + "…";

    /// <summary>The field paths a 400 names (empty for any other answer).</summary>
    public static async Task<IReadOnlyList<string>> NamedAsync(HttpResponseMessage r)
    {
        if (r.StatusCode != HttpStatusCode.BadRequest || r.Content.Headers.ContentType?.MediaType != "application/problem+json") return [];
        using var doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
        return doc.RootElement.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object ? e.EnumerateObject().Select(p => p.Name).ToList() : [];
    }
}
