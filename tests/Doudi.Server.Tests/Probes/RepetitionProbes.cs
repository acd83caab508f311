using System.Net;
using System.Text.Json;
using Doudi.Server.Tests.Infrastructure;

namespace Doudi.Server.Tests.Probes;

/// <summary>
/// A client that sends things twice — in a row, or at once from several connections — and one that pages absurdly.
/// Money is paid once, a reversal is done once, an import or a name list sent again changes nothing; absurd paging
/// and invented query parameters (sorting, sizes the endpoint does not take) are refused naming the parameter.
/// No timing: concurrency is many requests started together and their answers counted, whatever order they finish in.
/// </summary>
public abstract class RepetitionProbes(ServerFixture fx)
{
    private static object Bill(string id, string person, decimal total = 12000) =>
        new { id, person, date = "2023-04-01", kind = "inpatient", total, inPolicy = total, basicPaid = total / 2, criticalPaid = 0 };

    /// <summary>Sends until the answer is not "busy, retry" (503 + Retry-After): what a careful client does; bounded.</summary>
    private static async Task<(HttpStatusCode Status, JsonElement Body, string Text)> Persist(Func<Task<(HttpStatusCode, JsonElement, string)>> send)
    {
        for (var i = 0; ; i++)
        {
            var answer = await send();
            if (answer.Item1 != HttpStatusCode.ServiceUnavailable || i == 20) return answer;
        }
    }

    [DbFact]
    public async Task The_same_settlement_sent_eight_times_at_once_is_settled_once_and_every_retry_gets_the_same_answer()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var (hospital, _) = await fx.HospitalAsync("重复提交医院");
        var id = "dup-" + Guid.NewGuid().ToString("N")[..8];
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Persist(() => hospital.PostJson("/api/settlements", Bill(id, person)))));
        Assert.True(answers.Count(a => a.Status == HttpStatusCode.Created) == 1, string.Join('\n', answers.Select(a => $"{(int)a.Status} {Answers.Cut(a.Text)}")));
        Assert.True(answers.Count(a => a.Status == HttpStatusCode.OK) == 7, string.Join('\n', answers.Select(a => $"{(int)a.Status} {Answers.Cut(a.Text)}")));
        var first = answers.Single(a => a.Status == HttpStatusCode.Created);
        Assert.All(answers, a => Assert.Equal(first.Body.Dec("assistance"), a.Body.Dec("assistance")));
        Assert.All(answers.Where(a => a.Status == HttpStatusCode.OK), a => Assert.Equal(answers.First(x => x.Status == HttpStatusCode.OK).Text, a.Text));

        var (_, list, _) = await (await fx.As("operator")).GetJson($"/api/settlements?person={person}");
        Assert.Equal(1, list.GetProperty("total").GetInt64());
        // the year's running total counts the bill once
        var (_, year, yearText) = await (await fx.As("operator")).GetJson($"/api/persons/{person}/years/2023");
        Assert.Equal(1, year.GetProperty("bills").GetArrayLength());
        Assert.True(first.Body.Dec("assistance") > 0, first.Text);
        // the same id with another amount is a conflict, not a second payment
        var (changed, _, changedText) = await hospital.PostJson("/api/settlements", Bill(id, person, 13000));
        Assert.True(changed == HttpStatusCode.Conflict, changedText);
        Assert.Null(await Answers.RefusalProblemAsync(await hospital.PostAsync("/api/settlements", JsonContent(Bill(id, person, 13000)))));
    }

    private static StringContent JsonContent(object o) => new(JsonSerializer.Serialize(o), System.Text.Encoding.UTF8, "application/json");

    [DbFact]
    public async Task A_reversal_sent_twice_or_at_once_reverses_once_and_the_reversed_id_cannot_be_settled_again()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var op = await fx.As("operator");
        var id = "rev-" + Guid.NewGuid().ToString("N")[..8];
        var (s, _, t) = await op.PostJson("/api/settlements", Bill(id, person));
        Assert.True(s == HttpStatusCode.Created, t);
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Persist(() => op.PostJson($"/api/settlements/{id}/reversal", new { reason = "重复冲销探测" }))));
        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.OK or HttpStatusCode.Conflict, $"{(int)a.Status} {a.Text}"));
        Assert.All(answers.Where(a => a.Status == HttpStatusCode.OK), a => Assert.Equal("reversed", a.Body.Str("status")));
        var (_, audit, _) = await (await fx.As("admin")).GetJson($"/api/audit?entity=settlement&entityId={id}");
        Assert.Equal(1, audit.GetProperty("items").EnumerateArray().Count(e => e.GetProperty("action").GetString() == "reverse"));
        var (again, _, againText) = await op.PostJson("/api/settlements", Bill(id, person));
        Assert.True(again == HttpStatusCode.Conflict, againText);
    }

    [DbFact]
    public async Task A_settlement_import_sent_again_stores_nothing_new_and_pays_nothing_twice()
    {
        var op = await fx.As("operator");
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var tag = Guid.NewGuid().ToString("N")[..6];
        var csv = "id,person,date,kind,total,inPolicy,basicPaid,criticalPaid\n" +
                  $"{tag}-1,{person},2023-03-01,inpatient,12000,10000,6000,0\n{tag}-2,{person},2023-05-01,inpatient,8000,8000,4000,0\n";
        var (s1, r1, t1) = await op.PostRaw("/api/settlement-imports", csv, "text/csv");
        Assert.True((int)s1 is 200 or 201, t1);
        var (_, before, _) = await op.GetJson($"/api/persons/{person}/years/2023");
        var (s2, r2, t2) = await op.PostRaw("/api/settlement-imports", csv, "text/csv");
        Assert.True((int)s2 is 200 or 201, t2);
        var (_, after, _) = await op.GetJson($"/api/persons/{person}/years/2023");
        Assert.Equal(2, after.GetProperty("bills").GetArrayLength());
        Assert.Equal(before.GetRawText(), after.GetRawText());
        var (_, list, _) = await op.GetJson($"/api/settlements?person={person}");
        Assert.Equal(2, list.GetProperty("total").GetInt64());
    }

    [DbFact]
    public async Task A_name_list_sent_twice_changes_nothing_the_second_time()
    {
        var civil = await fx.As("civil");
        var csv = $"身份证号,姓名,人员类别\n{People.UniqueIdNumber()},赵一,7019\n{People.UniqueIdNumber()},钱二,7131\n";
        var (s1, r1, t1) = await civil.PostRaw("/api/name-lists?month=2024-05&region=wenzhou&mode=changes", csv, "text/csv");
        Assert.True(s1 == HttpStatusCode.Created, t1);
        Assert.Equal(2, r1.GetProperty("new").GetArrayLength());
        var identities = await IdentityCountAsync();
        // the same file again: the stored report of the first import, nothing applied twice
        var (s2, r2, t2) = await civil.PostRaw("/api/name-lists?month=2024-05&region=wenzhou&mode=changes", csv, "text/csv");
        Assert.True((int)s2 is 200 or 201, t2);
        Assert.Equal(r1.GetProperty("new").GetRawText(), r2.GetProperty("new").GetRawText());
        Assert.Equal(identities, await IdentityCountAsync());
    }

    private async Task<long> IdentityCountAsync() =>
        Convert.ToInt64(await fx.Db.ReadAsync(c => Doudi.Server.Storage.Sql.ScalarAsync(c, "SELECT COUNT(*) FROM identities", null)));

    [DbFact]
    public async Task Absurd_paging_and_invented_query_parameters_are_refused_naming_the_parameter_on_every_listing()
    {
        var callers = await Callers.AllAsync(fx);
        var operations = await Operation.ReadAsync(callers["bureau_admin"]);
        var failures = new List<string>();
        foreach (var op in operations.Where(o => o.Method == "GET" && o.Secured))
        {
            var client = callers[Callers.FirstAllowed(op)];
            var probes = new List<(string Query, string Name)> { ("sort=name", "sort"), ("orderBy=id%20desc", "orderBy"), ("size=1000000000", "size"), ("zz=1", "zz") };
            if (op.Query.Contains("page")) probes.AddRange([("page=-1", "page"), ("page=0", "page"), ("page=1e9", "page"), ("page=99999999999", "page")]);
            if (op.Query.Contains("pageSize")) probes.AddRange([("pageSize=1000000000", "pageSize"), ("pageSize=0", "pageSize"), ("pageSize=-5", "pageSize"), ("pageSize=2.5", "pageSize")]);
            foreach (var (query, name) in probes)
            {
                using var r = await Callers.SendAsync(client, "GET", op.Url() + "?" + query);
                // a path whose id is not found may answer 404 first; otherwise the parameter is named
                if (op.HasPathParameters && r.StatusCode == HttpStatusCode.NotFound) continue;
                if (await Answers.RefusalProblemAsync(r) is { } wrong) failures.Add($"{op}?{query}: {wrong}");
                else if (!(await Answers.NamedAsync(r)).Contains(name)) failures.Add($"{op}?{query}: does not name {name}");
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n" + string.Join('\n', failures.Take(60)));
    }
}

public sealed class RepetitionProbesSqlite(SqliteFixture fx) : RepetitionProbes(fx), IClassFixture<SqliteFixture>;
public sealed class RepetitionProbesPostgres(PostgresFixture fx) : RepetitionProbes(fx), IClassFixture<PostgresFixture>, IPostgresTests;
