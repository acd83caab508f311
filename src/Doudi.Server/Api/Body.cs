using System.Text.Json;

namespace Doudi.Server.Api;

/// <summary>Reads a JSON request body; broken JSON is a 400 naming the place it broke.</summary>
public static class Body
{
    public static async Task<JsonDocument> ReadJsonAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            var doc = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 32 }, ct);
            var problems = new List<FieldProblem>();
            Duplicates(doc.RootElement, "", problems);
            // The record the endpoint declares as its body (Declare.JsonBody) lists every field it reads: any other is refused
            // by name here, for every endpoint at once, so none can ignore a misspelt or invented field.
            if (problems.Count == 0 && request.HttpContext.GetEndpoint()?.Metadata.GetMetadata<DeclaredJsonBody>() is { } declared)
                declared.RefuseUnknown(doc.RootElement, "", problems);
            if (problems.Count == 0) return doc;
            doc.Dispose();
            throw ApiProblemException.Invalid(problems);
        }
        catch (JsonException e)
        {
            var where = e.Path is { Length: > 0 } ? e.Path : "$";
            throw ApiProblemException.Invalid([new FieldProblem(where,
                new($"JSON 格式错误（第 {e.LineNumber + 1} 行，第 {e.BytePositionInLine + 1} 字节）", $"broken JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})"))]);
        }
    }

    /// <summary>
    /// A key given twice in one object (<c>{"a":1,"a":2}</c>) is valid JSON whose meaning depends on the reader: refused
    /// at every depth, each named by its path, whatever the endpoint then reads.
    /// </summary>
    public static void Duplicates(JsonElement e, string path, List<FieldProblem> problems)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                HashSet<string>? seen = null;
                foreach (var p in e.EnumerateObject())
                {
                    var at = path.Length == 0 ? p.Name : $"{path}.{p.Name}";
                    if (!(seen ??= new(StringComparer.Ordinal)).Add(p.Name))
                        problems.Add(new FieldProblem(at, new("字段重复出现", "the field is given twice")));
                    Duplicates(p.Value, at, problems);
                }
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in e.EnumerateArray()) Duplicates(item, $"{(path.Length == 0 ? "$" : path)}[{i++}]", problems);
                break;
        }
    }

    public static JsonElement RequireObject(JsonDocument doc)
    {
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
            throw ApiProblemException.Invalid([new FieldProblem("$", new("请求体应为 JSON 对象", "the body must be a JSON object"))]);
        return doc.RootElement;
    }

    public static IResult RawJson(string json, int status = 200) => new Utf8Json(json, status);

    /// <summary>The content type of every JSON answer written by hand (<see cref="RawJson"/>, the settlement's answer).</summary>
    public const string JsonContentType = "application/json; charset=utf-8";

    /// <summary>
    /// A JSON text answered as UTF-8 with a fixed content type. Results.Content would parse the content type and look the
    /// encoding up on every answer (a lock once the code-page provider is registered): measurable on the one-stop path.
    /// </summary>
    private sealed class Utf8Json(string json, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            var response = http.Response;
            response.StatusCode = status;
            response.ContentType = JsonContentType;
            response.ContentLength = System.Text.Encoding.UTF8.GetByteCount(json);
            return response.WriteAsync(json, System.Text.Encoding.UTF8);
        }
    }
}
