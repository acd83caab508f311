using System.Net;
using System.Text;
using System.Text.Json;
using Doudi.Server.Tests.Infrastructure;

namespace Doudi.Server.Tests.Probes;

/// <summary>
/// Careless and hostile bodies against every operation that takes JSON (from the OpenAPI document), sent by a caller
/// the operation allows: not JSON, the wrong type at the root and in every field, keys given twice, invented fields,
/// control and bidi characters, over-long strings, numbers JSON cannot hold, deep nesting, a wrong content type. Each is
/// refused (never stored, never 5xx) as problem+json naming the place; invented and repeated fields by their name.
/// </summary>
public abstract class BodyProbes(ServerFixture fx)
{
    private static string Serialize(object? value) => JsonSerializer.Serialize(value);

    /// <summary>Query values an operation requires, so that its body is read at all.</summary>
    private static readonly Dictionary<string, string> RequiredValues = new()
    {
        ["department"] = "civil_affairs", ["month"] = "2024-01", ["region"] = "wenzhou", ["mode"] = "changes", ["year"] = "2023",
    };

    private static string UrlOf(Operation op)
    {
        var query = op.Query.Where(RequiredValues.ContainsKey).Select(q => $"{q}={RequiredValues[q]}")
            .Concat(op.RequiredQuery.Where(q => !RequiredValues.ContainsKey(q)).Select(q => $"{q}=x")).ToList();
        return op.Url() + (query.Count == 0 ? "" : "?" + string.Join('&', query));
    }

    /// <summary>The names of the path's parameters: a placeholder id may be refused by its name before the body is read.</summary>
    private static HashSet<string> PathParameters(Operation op) =>
        System.Text.RegularExpressions.Regex.Matches(op.Path, "\\{([^}]+)\\}").Select(m => m.Groups[1].Value).ToHashSet();

    private static IEnumerable<(string Name, string Body, string? MustName)> Cases(Operation op)
    {
        var sample = op.SampleBody();
        yield return ("not JSON", "{\"a\":", null);
        yield return ("not JSON at all", "<xml/>", null);
        yield return ("array root", "[]", null);
        yield return ("string root", "\"{}\"", null);
        yield return ("number root", "1e309", null);
        yield return ("null root", "null", null);
        yield return ("empty", "", null);
        yield return ("deep nesting", new string('[', 500) + new string(']', 500), null);
        yield return ("deep objects", string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200), null);
        yield return ("invented field", Serialize(new Dictionary<string, object?>(sample) { ["zzInvented"] = 1 }), "zzInvented");
        yield return ("NUL in a key", "{\"a\\u0000b\":1}", null);
        if (sample.Count == 0) yield break;
        var first = sample.Keys.First();
        yield return ("repeated key", "{" + Serialize(first) + ":" + Serialize(sample[first]) + "," + Serialize(sample)[1..], first);
        foreach (var field in sample.Keys)
        {
            Dictionary<string, object?> With(object? value) => new(sample) { [field] = value };
            yield return ($"{field} as object", Serialize(With(new Dictionary<string, object?> { ["x"] = 1 })), null);
            yield return ($"{field} as array", Serialize(With(new[] { 1, 2 })), null);
            yield return ($"{field} with NUL", Serialize(With("a\u0000b")), null);
            yield return ($"{field} with a bidi override", Serialize(With("\u202Egpj.exe")), null);
            if (sample[field] is "x") yield return ($"{field} over-long", Serialize(With(new string('长', 120_000))), null);
            yield return ($"{field} as 1e309", Serialize(With(0)).Replace($"\"{field}\":0", $"\"{field}\":1e309", StringComparison.Ordinal), null);
            yield return ($"{field} as -1", Serialize(With(-1)), null);
            yield return ($"{field} as NaN", Serialize(With("NaN")), null);
            yield return ($"{field} lone surrogate", Serialize(With("x")).Replace($"\"{field}\":\"x\"", $"\"{field}\":\"\\ud800\"", StringComparison.Ordinal), null);
        }
    }

    [DbFact]
    public async Task Every_json_body_operation_refuses_malformed_bodies_with_the_place_named_and_never_a_server_error()
    {
        var callers = await Callers.AllAsync(fx);
        var operations = (await Operation.ReadAsync(callers["bureau_admin"])).Where(o => o.JsonBody is not null).ToList();
        Assert.True(operations.Count >= 40, $"only {operations.Count} operations take JSON");
        var failures = new List<string>();
        var calls = 0;
        foreach (var op in operations)
        {
            var client = callers[Callers.FirstAllowed(op)];
            var url = UrlOf(op);
            foreach (var (name, body, mustName) in Cases(op))
            {
                using var r = await Callers.SendAsync(client, op.Method, url, body);
                calls++;
                var status = (int)r.StatusCode;
                if (status < 400 && name.EndsWith("-1", StringComparison.Ordinal)) continue; // a field where -1 is a fine value
                if (status < 400 && name == "array root" && op.Path == "/api/name-lists") continue; // documented: the rows alone
                if (status < 400 && (name.EndsWith(" as NaN", StringComparison.Ordinal) || name.EndsWith(" as 1e309", StringComparison.Ordinal))
                    && op.Path is "/api/tokens" or "/api/exports/xlsx") continue; // free text: "NaN" is a name like any other
                if (await Answers.RefusalProblemAsync(r) is { } wrong) { failures.Add($"{op} [{name}]: {wrong}"); continue; }
                // An invented or repeated field is named, whatever else is wrong — unless the path's id was not found first.
                var named = await Answers.NamedAsync(r);
                if (mustName is not null && !(op.HasPathParameters && (status == 404 || named.Any(PathParameters(op).Contains)))
                    && !named.Any(p => p == mustName || p.EndsWith("." + mustName, StringComparison.Ordinal)))
                    failures.Add($"{op} [{name}]: {status} does not name {mustName}: {string.Join(", ", await Answers.NamedAsync(r))}");
            }
        }
        Assert.True(calls > 1000, $"only {calls} calls");
        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n" + string.Join('\n', failures.Take(60)));
    }

    [DbFact]
    public async Task A_repeated_key_never_picks_one_value_silently()
    {
        // Login with the username given twice: one reader would log in as the first, another as the last.
        var anon = fx.Anonymous();
        var login = $"{{\"username\":\"nobody\",\"username\":\"operator\",\"password\":\"{ServerFixture.StaffPassword}\"}}";
        using var r = await Callers.SendAsync(anon, "POST", "/api/auth/login", login);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains("username", await Answers.NamedAsync(r));
        Assert.False(r.Headers.Contains("Set-Cookie"));
        // nested: a repeated key inside an object of the body is named by its path
        var op = await fx.As("operator");
        using var nested = await Callers.SendAsync(await fx.As("admin"), "POST", "/api/exports/xlsx",
            "{\"sheet\":\"表\",\"columns\":[{\"key\":\"a\",\"title\":\"甲\",\"title\":\"乙\"}],\"rows\":[]}");
        Assert.Equal(HttpStatusCode.BadRequest, nested.StatusCode);
        Assert.Contains("columns[0].title", await Answers.NamedAsync(nested));
        // a person registered with the name given twice is not registered
        var id = People.UniqueIdNumber();
        using var person = await Callers.SendAsync(op, "POST", "/api/persons", $"{{\"idNumber\":\"{id}\",\"name\":\"甲\",\"name\":\"乙\",\"region\":\"fuyang\"}}");
        Assert.Equal(HttpStatusCode.BadRequest, person.StatusCode);
        var (_, found, _) = await op.GetJson($"/api/persons?q={id}");
        Assert.Equal(0, found.GetProperty("total").GetInt64());
        // a CSV name list with a column given twice: one reader takes 甲, another 乙 (it took the last)
        var listed = People.UniqueIdNumber();
        var (ls, lp, lt) = await (await fx.As("civil")).PostRaw("/api/name-lists?month=2024-06&region=wenzhou&mode=changes",
            $"身份证号,姓名,姓名,人员类别\n{listed},甲,乙,7019\n", "text/csv");
        Assert.True(ls == HttpStatusCode.BadRequest, lt);
        Assert.True(lp.GetProperty("errors").TryGetProperty("line 1.姓名", out _), lt);
        var (_, none, _) = await op.GetJson($"/api/persons?q={listed}");
        Assert.Equal(0, none.GetProperty("total").GetInt64());
    }

    [DbFact]
    public async Task Invisible_characters_are_refused_in_stored_text_and_named()
    {
        var op = await fx.As("operator");
        foreach (var (name, text) in new[] { ("bidi override", "张\u202E三"), ("zero-width space", "张\u200B三"), ("byte order mark", "张\uFEFF三"),
                     ("line separator", "张\u2028三"), ("bidi isolate", "\u2066张三\u2069") })
        {
            var id = People.UniqueIdNumber();
            var (status, problem, body) = await op.PostJson("/api/persons", new { idNumber = id, name = text, region = "fuyang" });
            Assert.True(status == HttpStatusCode.BadRequest, $"{name}: {body}");
            Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _), body);
            Assert.DoesNotContain(text, body); // the message shows the character's code, not the character
        }
        // and in a bill: the settlement id and the national platform's fields
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var (s, p, t) = await op.PostJson("/api/settlements", new { id = "bill\u202Egpj", person, date = "2023-04-01", kind = "inpatient", total = 1000, inPolicy = 1000, basicPaid = 500, criticalPaid = 0 });
        Assert.True(s == HttpStatusCode.BadRequest, t);
        Assert.True(p.GetProperty("errors").TryGetProperty("id", out _), t);
    }

    [DbFact]
    public async Task Bodies_of_the_wrong_content_type_or_encoding_are_read_as_what_they_are_or_refused_never_half_read()
    {
        var op = await fx.As("operator");
        var id = People.UniqueIdNumber();
        var json = $"{{\"idNumber\":\"{id}\",\"name\":\"王五\",\"region\":\"fuyang\"}}";
        // gzip is not taken: the compressed bytes are not JSON, and no decompression bomb can be sent
        using var gz = new MemoryStream();
        using (var z = new System.IO.Compression.GZipStream(gz, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
            z.Write(Encoding.UTF8.GetBytes(json));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/persons") { Content = new ByteArrayContent(gz.ToArray()) };
        request.Content.Headers.ContentType = new("application/json");
        request.Content.Headers.ContentEncoding.Add("gzip");
        using var zipped = await op.SendAsync(request);
        Assert.Null(await Answers.RefusalProblemAsync(zipped));
        // form-encoded, XML, UTF-16: refused as not JSON, with the place named
        foreach (var (body, type) in new[] { ("idNumber=" + id + "&name=x&region=fuyang", "application/x-www-form-urlencoded"), ("<person/>", "application/xml") })
        {
            using var r = await Callers.SendAsync(op, "POST", "/api/persons", body, type);
            Assert.Null(await Answers.RefusalProblemAsync(r));
        }
        using var utf16 = new HttpRequestMessage(HttpMethod.Post, "/api/persons") { Content = new ByteArrayContent(Encoding.Unicode.GetBytes(json)) };
        utf16.Content.Headers.ContentType = new("application/json") { CharSet = "utf-16" };
        using var u = await op.SendAsync(utf16);
        Assert.True((int)u.StatusCode < 500 && !Answers.LeaksInternals(await u.Content.ReadAsStringAsync()));
        var (_, found, _) = await op.GetJson($"/api/persons?q={id}");
        Assert.Equal(0, found.GetProperty("total").GetInt64());
    }
}

public sealed class BodyProbesSqlite(SqliteFixture fx) : BodyProbes(fx), IClassFixture<SqliteFixture>;
public sealed class BodyProbesPostgres(PostgresFixture fx) : BodyProbes(fx), IClassFixture<PostgresFixture>, IPostgresTests;
