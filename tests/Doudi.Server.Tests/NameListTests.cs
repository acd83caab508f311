using System.Net;
using Doudi.Server.Tests.Infrastructure;

namespace Doudi.Server.Tests;

/// <summary>Monthly name lists: a batch validated whole, applied all-or-nothing, idempotent, with a dated change report (I-1).</summary>
public abstract class NameListTests(ServerFixture fx)
{
    private static string Csv(params (string Id, string Name, string Category)[] rows) =>
        "身份证号,姓名,人员类别,乡镇\n" + string.Join("\n", rows.Select(r => $"{r.Id},{r.Name},{r.Category},银湖街道")) + "\n";

    private async Task<long> CountAsync(string table) =>
        Convert.ToInt64(await fx.Db.ReadAsync(c => Doudi.Server.Storage.Sql.ScalarAsync(c, $"SELECT COUNT(*) FROM {table}", null)));

    [DbFact]
    public async Task A_good_list_creates_persons_and_dated_identities_and_a_repeat_changes_nothing()
    {
        var civil = await fx.As("civil");
        string a = People.UniqueIdNumber(), b = People.UniqueIdNumber(), c = People.UniqueIdNumber();
        // national codes 7019 (低保) and 7131 (特困) beside our code "marginal"
        var csv = Csv((a, "王芳", "7019"), (b, "李强", "7131"), (c, "赵敏", "marginal"));
        var (status, report, text) = await civil.PostRaw("/api/name-lists?month=2024-05&region=fuyang", csv, "text/csv");
        Assert.True(status == HttpStatusCode.Created, text);
        Assert.Equal(3, report.GetProperty("new").GetArrayLength());
        var wang = report.GetProperty("new").EnumerateArray().Single(x => x.Str("idNumber") == a);
        Assert.Equal("subsistence", wang.Str("category"));
        Assert.Equal("2024-05-01", wang.Str("recognized"));
        Assert.Equal("2024-06-01", wang.Str("effectiveFrom")); // I-1: recognised in May → from 1 June
        Assert.False(report.GetProperty("repeated").GetBoolean());

        var identities = await CountAsync("identities");
        var audits = await CountAsync("audit_log");
        var again = await civil.PostRaw("/api/name-lists?month=2024-05&region=fuyang", csv, "text/csv");
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.True(again.Body.GetProperty("repeated").GetBoolean());
        Assert.Equal(report.Str("batch"), again.Body.Str("batch"));
        Assert.Equal(identities, await CountAsync("identities"));
        Assert.Equal(audits, await CountAsync("audit_log"));
    }

    [DbFact]
    public async Task Next_month_reports_changed_and_ended_identities_with_their_dates_and_keeps_history()
    {
        var civil = await fx.As("civil");
        string a = People.UniqueIdNumber(), b = People.UniqueIdNumber();
        var first = await civil.PostRaw("/api/name-lists?month=2024-03&region=jiande", Csv((a, "陈刚", "subsistence"), (b, "周丽", "marginal")), "text/csv");
        Assert.Equal(HttpStatusCode.Created, first.Status);
        var person = first.Body.GetProperty("new").EnumerateArray().Single(x => x.Str("idNumber") == a).Str("person");

        // April: 陈刚 moves from 低保 to 特困; 周丽 is no longer listed — ending more than 10% of a small roster needs confirm=true.
        var (status, report, text) = await civil.PostRaw("/api/name-lists?month=2024-04&region=jiande&confirm=true", Csv((a, "陈刚", "destitute")), "text/csv");
        Assert.True(status == HttpStatusCode.Created, text);
        var changed = report.GetProperty("changed").EnumerateArray().Single();
        Assert.Equal("destitute", changed.Str("category"));
        Assert.Equal("subsistence", changed.Str("previousCategory"));
        Assert.Equal("2024-04-30", changed.Str("effectiveTo"));   // old one to the end of April (I-1)
        Assert.Equal("2024-05-01", changed.Str("effectiveFrom")); // new one from 1 May
        var ended = report.GetProperty("ended").EnumerateArray().Single();
        Assert.Equal(b, ended.Str("idNumber"));
        Assert.Equal("2024-04-30", ended.Str("effectiveTo"));

        var (_, p, _) = await civil.GetJson($"/api/persons/{person}");
        var history = p.GetProperty("identities").EnumerateArray().ToList();
        Assert.Equal(2, history.Count);
        Assert.Equal("subsistence", history[0].Str("category"));
        Assert.Equal("2024-04-01", history[0].Str("revoked"));
        Assert.Equal("destitute", history[1].Str("category"));
        Assert.Equal(JsonValueKindNull, history[1].GetProperty("revoked").ValueKind);
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    [DbFact]
    public async Task A_bad_list_is_rejected_whole_with_every_problem_and_changes_nothing()
    {
        var civil = await fx.As("civil");
        var persons = await CountAsync("persons");
        var identities = await CountAsync("identities");
        var good = People.UniqueIdNumber();
        var bad = good[..17] + (good[17] == '0' ? '1' : '0'); // wrong check digit
        var csv = Csv((People.UniqueIdNumber(), "孙悦", "subsistence"), (bad, "钱进", "subsistence"), (People.UniqueIdNumber(), "吴越", "millionaire"), (good, "郑和", "7052"));
        var (status, body, text) = await civil.PostRaw("/api/name-lists?month=2024-05&region=fuyang", csv, "text/csv");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var errors = body.GetProperty("errors");
        Assert.True(errors.TryGetProperty("line 3.身份证号", out _), text);
        Assert.True(errors.TryGetProperty("line 4.人员类别", out _), text);
        Assert.True(errors.TryGetProperty("line 5.人员类别", out _), text); // 7052 is veterans affairs', not civil affairs'
        Assert.Equal(persons, await CountAsync("persons"));
        Assert.Equal(identities, await CountAsync("identities"));

        var dup = People.UniqueIdNumber();
        var (s2, b2, t2) = await civil.PostJson("/api/name-lists?month=2024-05&region=fuyang&format=json",
            new { rows = new[] { new { idNumber = dup, name = "冯军", category = "subsistence" }, new { idNumber = dup, name = "冯军", category = "marginal" } } });
        Assert.Equal(HttpStatusCode.BadRequest, s2);
        Assert.True(b2.GetProperty("errors").TryGetProperty("rows[1]", out _), t2);
        Assert.Equal(persons, await CountAsync("persons"));
    }

    [DbFact]
    public async Task Departments_send_only_their_own_lists_and_other_departments_identities_are_reported_as_conflicts()
    {
        var veterans = await fx.As("veterans");
        var id = People.UniqueIdNumber();
        var civil = await fx.As("civil");
        Assert.Equal(HttpStatusCode.Created, (await civil.PostRaw("/api/name-lists?month=2024-05&region=pengshui&mode=changes", Csv((id, "何伟", "subsistence")), "text/csv")).Status);

        var forbidden = await veterans.PostRaw("/api/name-lists?department=civil_affairs&month=2024-05&region=pengshui", Csv((id, "何伟", "subsistence")), "text/csv");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.Status);

        var (status, report, text) = await veterans.PostRaw("/api/name-lists?month=2024-05&region=pengshui", Csv((id, "何伟", "7052")), "text/csv");
        Assert.True(status == HttpStatusCode.Created, text);
        Assert.Equal("veterans_affairs", report.Str("department"));
        var conflict = report.GetProperty("conflicts").EnumerateArray().Single();
        Assert.Equal("subsistence", conflict.Str("previousCategory"));
        Assert.Contains("I-2", conflict.Str("note"));
        // the department role does not see ID numbers in full
        Assert.Matches(@"^\d{4}\*{10}\d{3}[\dX]$", conflict.Str("idNumber"));
    }
}

public sealed class NameListTestsSqlite(SqliteFixture fx) : NameListTests(fx), IClassFixture<SqliteFixture>;
public sealed class NameListTestsPostgres(PostgresFixture fx) : NameListTests(fx), IClassFixture<PostgresFixture>, IPostgresTests;
