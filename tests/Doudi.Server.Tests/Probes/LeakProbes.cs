using System.Net;
using Doudi.Server.Tests.Infrastructure;

namespace Doudi.Server.Tests.Probes;

/// <summary>
/// Least privilege, probed over every readable operation of the OpenAPI document: a full ID number reaches no answer
/// for a role that must not see it (departments, the charity federation, auditors, hospitals), and no log line at all,
/// even when a caller puts it in a query string; one hospital reaches nothing of another's through ids in paths.
/// </summary>
public abstract class LeakProbes(ServerFixture fx)
{
    [DbFact]
    public async Task No_full_id_number_in_any_answer_for_roles_that_must_not_see_it_nor_in_any_log_line()
    {
        var op = await fx.As("operator");
        var idNumber = People.UniqueIdNumber();
        var (ps, person, pt) = await op.PostJson("/api/persons", new { idNumber, name = "泄露探测", region = "fuyang", township = "富春街道" });
        Assert.True(ps == HttpStatusCode.Created, pt);
        var personId = person.Str("id");
        var household = person.Str("household");
        Assert.Equal(HttpStatusCode.Created, (await op.PostJson($"/api/persons/{personId}/identities", new { category = "subsistence", department = "civil_affairs", recognized = "2022-05-10" })).Status);
        var callers = await Callers.AllAsync(fx, "泄露探测医院");
        var settlement = "leak-" + Guid.NewGuid().ToString("N")[..8];
        var (ss, _, st) = await callers["hospital"].PostJson("/api/settlements",
            new { id = settlement, person = idNumber, date = "2023-04-01", kind = "inpatient", total = 90000, inPolicy = 80000, basicPaid = 40000, criticalPaid = 0 });
        Assert.True(ss == HttpStatusCode.Created, st);
        var (rs, run, rt) = await op.PostJson("/api/year-end-runs", new { region = "fuyang", year = 2023 });
        Assert.True(rs == HttpStatusCode.Created, rt);
        // the ID number in query strings, as careless callers send it (it must be masked in the request log)
        Assert.Equal(HttpStatusCode.OK, (await callers["hospital"].GetAsync($"/api/eligibility?person={idNumber}&date=2023-04-01")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await op.GetAsync($"/api/persons?q={idNumber}")).StatusCode);

        var operations = await Operation.ReadAsync(callers["bureau_admin"]);
        var fill = new Dictionary<string, string>
        {
            ["person"] = personId, ["region"] = "fuyang", ["year"] = "2023", ["household"] = household, ["date"] = "2023-04-01",
        };
        string UrlFor(Operation o)
        {
            var id = o.Path.StartsWith("/api/households", StringComparison.Ordinal) ? household
                : o.Path.StartsWith("/api/settlements", StringComparison.Ordinal) ? settlement
                : o.Path.StartsWith("/api/year-end-runs", StringComparison.Ordinal) ? run.Str("id") : personId;
            var url = o.Path.Replace("{personId}", personId, StringComparison.Ordinal).Replace("{householdId}", household, StringComparison.Ordinal);
            url = new Operation(o.Method, url, o.Secured, o.Bearer, o.Roles, o.Query, o.RequiredQuery, o.JsonBody, o.Document).Url(id);
            var query = o.Query.Where(fill.ContainsKey).Select(q => $"{q}={fill[q]}").ToList();
            return query.Count == 0 ? url : url + "?" + string.Join('&', query);
        }
        var failures = new List<string>();
        var read = 0;
        foreach (var o in operations.Where(o => o.Method == "GET" && o.Secured))
            foreach (var role in new[] { "department", "charity", "auditor", "hospital" }.Where(o.Allows))
            {
                var url = UrlFor(o);
                var r = await callers[role].GetAsync(url);
                var bytes = await r.Content.ReadAsByteArrayAsync();
                if (r.IsSuccessStatusCode) read++;
                var text = System.Text.Encoding.UTF8.GetString(bytes);
                if (text.Contains(idNumber, StringComparison.Ordinal) || ContainsInXlsx(bytes, idNumber))
                    failures.Add($"{role} {url}: {(int)r.StatusCode} shows the full ID number");
            }
        Assert.True(read > 40, $"only {read} successful reads");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        var logged = fx.Logs.Lines.Where(l => l.Contains(idNumber, StringComparison.Ordinal)).ToList();
        Assert.True(logged.Count == 0, string.Join('\n', logged.Take(5)));
    }

    /// <summary>An xlsx is a zip: the ID number would be in its shared strings or sheets, compressed.</summary>
    private static bool ContainsInXlsx(byte[] bytes, string text)
    {
        if (bytes.Length < 4 || bytes[0] != 'P' || bytes[1] != 'K') return false;
        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(bytes));
        foreach (var entry in zip.Entries)
        {
            using var reader = new StreamReader(entry.Open());
            if (reader.ReadToEnd().Contains(text, StringComparison.Ordinal)) return true;
        }
        return false;
    }

    [DbFact]
    public async Task One_hospital_reaches_nothing_of_anothers_through_ids_in_paths_bodies_or_query_strings()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var (mine, _) = await fx.HospitalAsync("甲医院");
        var (theirs, _) = await fx.HospitalAsync("乙医院");
        var settled = "idor-" + Guid.NewGuid().ToString("N")[..8];
        var held = "idor-held-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(HttpStatusCode.Created, (await mine.PostJson("/api/settlements",
            new { id = settled, person, date = "2023-04-01", kind = "inpatient", total = 1000, inPolicy = 1000, basicPaid = 500, criticalPaid = 0 })).Status);
        var (hs, _, ht) = await mine.PostJson("/api/settlements",
            new { id = held, person, date = "2023-04-02", kind = "inpatient", total = 50_000_000, inPolicy = 40_000_000, basicPaid = 500, criticalPaid = 0 });
        Assert.True(hs == HttpStatusCode.Accepted, ht);

        foreach (var url in new[] { $"/api/settlements/{settled}", $"/api/held-settlements/{held}", $"/api/settlements?person={person}" })
        {
            var (s, body, text) = await theirs.GetJson(url);
            Assert.True(s == HttpStatusCode.NotFound || (s == HttpStatusCode.OK && body.GetProperty("total").GetInt64() == 0), $"{url}: {text}");
            Assert.DoesNotContain("\"assistance\"", text); // nothing of the settlement beyond the id the caller sent
        }
        foreach (var (url, body) in new[] { ($"/api/settlements/{settled}/reversal", (object)new { reason = "越权" }), ("/api/national/2208", new { setl_id = settled }) })
        {
            var (s, _, text) = await theirs.PostJson(url, body);
            Assert.True(s == HttpStatusCode.NotFound, $"{url}: {text}");
        }
        var (_, still, _) = await mine.GetJson($"/api/settlements/{settled}");
        Assert.Equal("settled", still.Str("status"));
    }
}

public sealed class LeakProbesSqlite(SqliteFixture fx) : LeakProbes(fx), IClassFixture<SqliteFixture>;
public sealed class LeakProbesPostgres(PostgresFixture fx) : LeakProbes(fx), IClassFixture<PostgresFixture>, IPostgresTests;
