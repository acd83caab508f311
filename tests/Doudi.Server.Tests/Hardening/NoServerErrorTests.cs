using System.Net;
using System.Text;
using System.Text.Json;
using Doudi.Server.Tests.Infrastructure;

namespace Doudi.Server.Tests.Hardening;

/// <summary>
/// Issue 8, no input gets a 5xx: every endpoint the server declares in its OpenAPI document, called by the administrator
/// and by a hospital token with odd path values, odd query parameters and odd bodies, answers below 500.
/// </summary>
public abstract class NoServerErrorTests(ServerFixture fx)
{
    private static readonly string[] OddValues =
        ["%01", "abc", "-1", "0", "99999999999", "1e309", "x'%20OR%201=1--", new string('9', 300), "%E4%B8%AD%E6%96%87", "%F0%9F%98%80", "2023-02-30", "null"];

    private static readonly string[] OddBodies =
        ["", "null", "[]", "{}", "\"text\"", "{\"id\":\"\\u0000\"}", "{\"id\":1e999}", "{\"a\":", "{\"year\":\"2023\",\"region\":\"\\ud800\"}",
         "{\"name\":\"" + new string('长', 5000) + "\"}", "{\"a\":1,\"a\":2}", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"];

    [DbFact]
    public async Task Odd_paths_queries_and_bodies_never_get_a_server_error_on_any_endpoint()
    {
        var admin = await fx.As("admin");
        var (hospital, _) = await fx.HospitalAsync("模糊测试医院");
        var (_, doc, _) = await admin.GetJson("/openapi/v1.json");
        var failures = new List<string>();
        int calls = 0, unauthorized = 0;
        foreach (var path in doc.GetProperty("paths").EnumerateObject())
        {
            if (path.Name == "/api/auth/logout") continue; // it would end the administrator's session for the rest of the run
            foreach (var op in path.Value.EnumerateObject())
            {
                var method = op.Name.ToUpperInvariant();
                var query = op.Value.TryGetProperty("parameters", out var ps)
                    ? ps.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!).ToList()
                    : [];
                foreach (var value in OddValues)
                {
                    var url = System.Text.RegularExpressions.Regex.Replace(path.Name, "\\{[^}]+\\}", value);
                    if (query.Count > 0) url += "?" + string.Join('&', query.Select(q => $"{q}={value}"));
                    var bodies = method is "POST" or "PUT" or "PATCH" ? OddBodies.Take(value == "abc" ? OddBodies.Length : 2) : [null];
                    foreach (var body in bodies)
                        foreach (var client in new[] { admin, hospital })
                        {
                            using var request = new HttpRequestMessage(new HttpMethod(method), url);
                            if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                            var response = await client.SendAsync(request);
                            calls++;
                            if (response.StatusCode == HttpStatusCode.Unauthorized) unauthorized++;
                            if ((int)response.StatusCode >= 500)
                                failures.Add($"{method} {url} {(body is null ? "" : body[..Math.Min(body.Length, 60)])} → {(int)response.StatusCode} {(await response.Content.ReadAsStringAsync())[..Math.Min(300, (int)(response.Content.Headers.ContentLength ?? 300))]}");
                        }
                }
            }
        }
        Assert.True(calls > 500, $"only {calls} calls");
        Assert.True(unauthorized < calls / 10, $"{unauthorized} of {calls} calls were not logged in");
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(40)));
    }
}

public sealed class NoServerErrorTestsSqlite(SqliteFixture fx) : NoServerErrorTests(fx), IClassFixture<SqliteFixture>;
public sealed class NoServerErrorTestsPostgres(PostgresFixture fx) : NoServerErrorTests(fx), IClassFixture<PostgresFixture>, IPostgresTests;
