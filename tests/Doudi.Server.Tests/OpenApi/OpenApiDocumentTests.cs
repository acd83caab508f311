using System.Net;
using Doudi.Server.Tests.Infrastructure;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Doudi.Server.Tests.OpenApi;

/// <summary>
/// Issue 9 item 2: the OpenAPI document is a contract integrators generate clients from. It parses and validates with
/// Microsoft.OpenApi, declares the security schemes and each operation's requirement, keeps every operation published
/// before, and the API reference page is served from the server itself.
/// </summary>
public sealed class OpenApiDocumentTests(SqliteFixture fx) : IClassFixture<SqliteFixture>
{
    internal static async Task<(OpenApiDocument Document, string Json)> ReadAsync(ServerFixture fx)
    {
        var json = await fx.Anonymous().GetStringAsync("/openapi/v1.json");
        var (document, diagnostic) = OpenApiDocument.Parse(json, "json", new OpenApiReaderSettings());
        Assert.NotNull(document);
        Assert.True(diagnostic is null || diagnostic.Errors.Count == 0,
            "parse errors: " + string.Join("; ", diagnostic?.Errors.Select(e => $"{e.Pointer}: {e.Message}") ?? []));
        return (document!, json);
    }

    internal static IEnumerable<(string Path, HttpMethod Method, OpenApiOperation Operation)> Operations(OpenApiDocument d) =>
        from p in d.Paths from o in p.Value.Operations ?? [] select (p.Key, o.Key, o.Value);

    [Fact]
    public async Task The_document_parses_and_validates_with_no_errors()
    {
        var (document, _) = await ReadAsync(fx);
        var errors = document.Validate(Microsoft.OpenApi.ValidationRuleSet.GetDefaultRuleSet())?.ToList() ?? [];
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Pointer}: {e.Message}")));
        Assert.True(Operations(document).Count() >= 100);
    }

    [Fact]
    public async Task Every_operation_published_before_issue_9_still_exists()
    {
        var (document, _) = await ReadAsync(fx);
        var now = Operations(document).Select(o => $"{o.Method.Method.ToUpperInvariant()} {o.Path}").ToHashSet();
        var before = File.ReadAllLines(Path.Combine(Prevention.FictionalRegion.RepoRoot(), "tests", "Doudi.Server.Tests", "data", "openapi-operations-before-issue9.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.True(before.Count > 100);
        var missing = before.Where(b => !now.Contains(b)).ToList();
        Assert.True(missing.Count == 0, "dropped: " + string.Join(", ", missing));
    }

    /// <summary>POSTs that take no body at all: the path and the session say everything.</summary>
    private static readonly HashSet<string> NoBody =
    [
        "POST /api/auth/logout", "POST /api/users/{username}/deactivation", "POST /api/tokens/{id}/revocation",
        "POST /api/persons/{id}/identities/{identityId}/retroactive",
    ];

    [Fact]
    public async Task Every_operation_has_a_schema_for_each_success_it_declares_and_for_the_body_it_takes()
    {
        var (document, _) = await ReadAsync(fx);
        var untyped = new List<string>();
        foreach (var (path, method, op) in Operations(document))
        {
            var name = $"{method.Method.ToUpperInvariant()} {path}";
            var problems = new List<string>();
            Assert.True(op.Responses!.Keys.Any(k => k.StartsWith('2')), $"{name} declares no success");
            foreach (var (status, response) in op.Responses!.Where(r => r.Key.StartsWith('2') && r.Key != "204"))
                if (response.Content is not { Count: > 0 } content || content.Values.Any(m => m.Schema is null))
                    problems.Add($"{name} {status} has no schema");
            if (method == HttpMethod.Post || method == HttpMethod.Put || method == HttpMethod.Patch)
            {
                if (NoBody.Contains(name)) Assert.True(op.RequestBody is null, $"{name} declares a body it does not take");
                else if (op.RequestBody?.Content is not { Count: > 0 } body || body.Values.Any(m => m.Schema is null)) problems.Add($"{name} declares no request body");
            }
            untyped.AddRange(problems);
        }
        Assert.True(untyped.Count == 0, string.Join("\n", untyped));
    }

    [Fact]
    public void The_schema_validator_refuses_undeclared_and_missing_properties_and_wrong_types()
    {
        var doc = System.Text.Json.JsonDocument.Parse("""
            {"components":{"schemas":{"A":{"type":"object","required":["a","d"],"properties":{"a":{"type":"string"},"n":{"type":["null","number"]},
              "d":{"type":"string","format":"date"},"m":{"type":"object","additionalProperties":{"type":"number"}}}}}}}
            """).RootElement;
        var validator = new SchemaValidator(doc);
        var schema = System.Text.Json.JsonDocument.Parse("""{"$ref":"#/components/schemas/A"}""").RootElement;
        List<string> Check(string json) { var p = new List<string>(); validator.Validate(schema, System.Text.Json.JsonDocument.Parse(json).RootElement, "$", p); return p; }
        Assert.Empty(Check("""{"a":"x","n":null,"d":"2023-04-01","m":{"k":1.5}}"""));
        Assert.Single(Check("""{"a":"x","d":"2023-04-01","extra":1}"""));        // undeclared
        Assert.Single(Check("""{"d":"2023-04-01"}"""));                          // a required one missing
        Assert.Single(Check("""{"a":1,"d":"2023-04-01"}"""));                    // wrong type
        Assert.Single(Check("""{"a":"x","d":"2023-13-01"}"""));                 // not a date
        Assert.Single(Check("""{"a":"x","d":"2023-04-01","m":{"k":"1"}}"""));    // a map's value of the wrong type
    }

    [Fact]
    public async Task Security_schemes_are_declared_and_each_operation_requires_what_its_authorization_says()
    {
        var (document, _) = await ReadAsync(fx);
        var schemes = document.Components!.SecuritySchemes!;
        Assert.Equal(SecuritySchemeType.ApiKey, schemes["cookie"].Type);
        Assert.Equal(ParameterLocation.Cookie, schemes["cookie"].In);
        Assert.Equal("doudi.auth", schemes["cookie"].Name);
        Assert.Equal(SecuritySchemeType.Http, schemes["bearer"].Type);
        Assert.Equal("bearer", schemes["bearer"].Scheme);

        string[] Required(string path, HttpMethod method) =>
            (document.Paths[path].Operations![method].Security ?? []).SelectMany(r => r.Keys.Select(k => k.Reference.Id!)).Order().ToArray();
        // Anonymous endpoints have no requirement.
        Assert.Empty(Required("/health", HttpMethod.Get));
        Assert.Empty(Required("/api/auth/login", HttpMethod.Post));
        // Hospital systems may settle with their token; staff pages are cookie only.
        Assert.Equal(["bearer", "cookie"], Required("/api/settlements", HttpMethod.Post));
        Assert.Equal(["bearer", "cookie"], Required("/api/national/1101", HttpMethod.Post));
        Assert.Equal(["cookie"], Required("/api/users", HttpMethod.Get));
        Assert.Equal(["cookie"], Required("/api/audit", HttpMethod.Get));
        // Every operation with a requirement answers 401 as a problem, and a role-restricted one 403.
        foreach (var (path, method, op) in Operations(document).Where(o => o.Operation.Security is { Count: > 0 }))
            Assert.True(op.Responses!.ContainsKey("401"), $"{method} {path} declares no 401");
        Assert.True(document.Paths["/api/users"].Operations![HttpMethod.Get].Responses!.ContainsKey("403"));
    }

    [Fact]
    public async Task The_api_reference_page_is_served_with_its_script_from_the_server_and_no_cdn()
    {
        var client = fx.Anonymous();
        var page = await client.GetAsync("/api-reference/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("scalar.js", html);
        Assert.Contains("openapi/v1.json", html);
        Assert.Contains("\"withDefaultFonts\":false", html); // Scalar's default fonts come from its CDN
        Assert.DoesNotMatch("src=\"https?://", html);
        var script = await client.GetAsync("/api-reference/scalar.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.True((await script.Content.ReadAsByteArrayAsync()).Length > 100_000);
    }
}
