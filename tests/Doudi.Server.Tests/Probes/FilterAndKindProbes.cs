using System.Net;
using System.Text.Json;
using Doudi.Server.Tests.Infrastructure;

namespace Doudi.Server.Tests.Probes;

/// <summary>
/// Probes left open by the first round (session 4): a list filter with an unknown region, state or stage answered 200
/// with an empty list (the caller reads "nothing there"); JSON numbers were taken where the declared record says text
/// (an id number sent as a number has lost its leading zeros and its X) and text where it says a number; and the
/// cache-buster parameter some HTTP clients add to every GET. Each operation is read from the OpenAPI document, so a new
/// endpoint is probed the day it is declared.
/// </summary>
public abstract class FilterAndKindProbes(ServerFixture fx)
{
    [DbFact]
    public async Task An_unknown_region_in_any_query_is_refused_by_name_never_an_empty_list()
    {
        var callers = await Callers.AllAsync(fx);
        var operations = (await Operation.ReadAsync(callers["bureau_admin"])).Where(o => o.Query.Contains("region")).ToList();
        Assert.True(operations.Count >= 15, $"only {operations.Count} operations take a region in the query");
        var failures = new List<string>();
        foreach (var op in operations)
        {
            using var r = await Callers.SendAsync(callers[Callers.FirstAllowed(op)], op.Method, op.Url() + "?region=nowhere", op.JsonBody is null ? null : "{}");
            var text = await r.Content.ReadAsStringAsync();
            if (r.StatusCode != HttpStatusCode.BadRequest || !(await Answers.NamedAsync(r)).Contains("region") || !text.Contains("未知的统筹区“nowhere”", StringComparison.Ordinal))
                failures.Add($"{op}: {(int)r.StatusCode} {Answers.Cut(text)}");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n" + string.Join('\n', failures));

        // A known region still filters; an empty one (a form's unselected filter) is no filter, as before.
        var op2 = callers["bureau_operator"];
        Assert.Equal(HttpStatusCode.OK, (await op2.GetAsync("/api/persons?region=fuyang")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await op2.GetAsync("/api/persons?region=")).StatusCode);
    }

    [DbFact]
    public async Task An_unknown_state_or_stage_in_a_list_filter_is_refused_by_name()
    {
        var op = await fx.As("operator");
        foreach (var (url, name) in new[] { ("/api/posthoc-applications?state=approved_maybe", "state"), ("/api/reduction-cases?stage=nope", "stage") })
        {
            using var r = await op.GetAsync(url);
            Assert.True(r.StatusCode == HttpStatusCode.BadRequest, $"{url}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
            Assert.Contains(name, await Answers.NamedAsync(r));
        }
        Assert.Equal(HttpStatusCode.OK, (await op.GetAsync("/api/posthoc-applications?state=submitted")).StatusCode);
    }

    [DbFact]
    public async Task A_number_where_the_body_declares_text_and_text_where_it_declares_a_number_are_refused_by_path()
    {
        var callers = await Callers.AllAsync(fx);
        var operations = (await Operation.ReadAsync(callers["bureau_admin"])).Where(o => o.JsonBody is not null).ToList();
        var failures = new List<string>();
        var probed = 0;
        foreach (var op in operations)
        {
            var sample = op.SampleBody();
            foreach (var field in sample.Keys)
            {
                // "x" is the sample of a text field (also dates), 1 of a number: each is sent as the other kind.
                object? wrong = sample[field] switch { "x" => 123, 1 => "1", true => "true", _ => null };
                if (wrong is null) continue;
                var body = JsonSerializer.Serialize(new Dictionary<string, object?>(sample) { [field] = wrong });
                using var r = await Callers.SendAsync(callers[Callers.FirstAllowed(op)], op.Method, op.Url(), body);
                probed++;
                var named = await Answers.NamedAsync(r);
                // A placeholder id in the path may be refused (404, or by its name) before the body is read.
                if (op.HasPathParameters && (r.StatusCode == HttpStatusCode.NotFound
                    || named.Any(System.Text.RegularExpressions.Regex.Matches(op.Path, "\\{([^}]+)\\}").Select(m => m.Groups[1].Value).Contains))) continue;
                if (r.StatusCode != HttpStatusCode.BadRequest || !named.Contains(field))
                    failures.Add($"{op} [{field} = {JsonSerializer.Serialize(wrong)}]: {(int)r.StatusCode} names {string.Join(", ", named)}");
            }
        }
        Assert.True(probed >= 100, $"only {probed} fields probed");
        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n" + string.Join('\n', failures.Take(60)));

        // The answer names the place and the kind, in Chinese.
        var (s, problem, _) = await (await fx.As("operator")).PostJson("/api/persons", new { idNumber = 330102199001011234L, name = "甲", region = "fuyang" });
        Assert.Equal(HttpStatusCode.BadRequest, s);
        Assert.Equal("应为字符串", problem.GetProperty("errors").GetProperty("idNumber")[0].GetString());
    }

    [DbFact]
    public async Task The_jquery_cache_buster_is_taken_on_reads_and_nothing_else_is()
    {
        // Decision (src/Doudi.Server/README.md, "Query parameters"): `_` with digits only, the timestamp jQuery's
        // cache: false and similar clients add to every GET, is accepted on GET and HEAD and ignored; any other
        // undeclared parameter, or `_` on a write or with another value, is still refused by name.
        var op = await fx.As("operator");
        Assert.Equal(HttpStatusCode.OK, (await op.GetAsync("/api/persons?_=1732900000000")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await op.GetAsync("/api/persons?region=fuyang&_=1732900000000")).StatusCode);
        foreach (var url in new[] { "/api/persons?_=abc", "/api/persons?cb=1732900000000", "/api/persons?_=1&_=2" })
        {
            using var r = await op.GetAsync(url);
            Assert.True(r.StatusCode == HttpStatusCode.BadRequest, $"{url}: {(int)r.StatusCode}");
        }
        using var write = await Callers.SendAsync(op, "POST", "/api/persons?_=1732900000000", JsonSerializer.Serialize(new { idNumber = People.UniqueIdNumber(), name = "甲", region = "fuyang" }));
        Assert.Equal(HttpStatusCode.BadRequest, write.StatusCode);
        Assert.Contains("_", await Answers.NamedAsync(write));
    }
}

public sealed class FilterAndKindProbesSqlite(SqliteFixture fx) : FilterAndKindProbes(fx), IClassFixture<SqliteFixture>;
public sealed class FilterAndKindProbesPostgres(PostgresFixture fx) : FilterAndKindProbes(fx), IClassFixture<PostgresFixture>, IPostgresTests;
