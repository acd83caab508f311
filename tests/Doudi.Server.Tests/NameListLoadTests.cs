using System.Diagnostics;
using System.Net;
using System.Text;
using Doudi.Server.Imports;
using Doudi.Server.Storage;
using Doudi.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Doudi.Server.Tests;

/// <summary>
/// Issue 9 item 3 for name lists: a long import does not stall the counter (one-stop settlement of persons it touches answers
/// 201, or 503 with Retry-After — never 500, never a wait to the client's timeout), a lock or writer wait is answered 503
/// with Retry-After in both languages, an import started twice at once runs once and the other is told (409), and a running
/// import shows its state and rows done.
/// </summary>
public abstract class NameListLoadTests(ServerFixture fx)
{
    /// <summary>Longest any answer may take: the settlement lock wait (3 s by default) and room for a loaded 2-core machine, far below a HIS timeout.</summary>
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(15);

    private static string Csv(IEnumerable<string> ids, string category) =>
        "身份证号,姓名,人员类别,乡镇\n" + string.Concat(ids.Select((id, i) => $"{id},名单{i},{category},银湖街道\n"));

    private static object Bill(string person, int day) => new
    {
        id = $"NLL{Guid.NewGuid():N}"[..20], person, date = $"2023-03-{day:D2}", kind = "outpatient", total = 3000, inPolicy = 2500, basicPaid = 0, criticalPaid = 0,
    };

    private async Task<JsonList> WaitDoneAsync(HttpClient client, string location)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var (status, body, text) = await client.GetJson(location);
            Assert.True(status == HttpStatusCode.OK, text);
            var state = body.Str("state");
            if (state is "done" or "failed") return new(body, text);
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(5), "the import did not finish");
            await Task.Delay(100);
        }
    }

    private sealed record JsonList(System.Text.Json.JsonElement Body, string Text);

    [DbFact]
    public async Task One_stop_settlement_of_persons_a_long_import_touches_keeps_answering()
    {
        var civil = await fx.As("civil");
        var (hospital, _) = await fx.HospitalAsync("name-list load HIS");
        var ids = Enumerable.Range(0, 20_000).Select(_ => People.UniqueIdNumber()).ToList();
        var (s1, first, t1) = await civil.PostRaw("/api/name-lists?month=2023-01&region=fuyang&mode=changes", Csv(ids, "7019"), "text/csv");
        Assert.True(s1 == HttpStatusCode.Created, t1[..Math.Min(500, t1.Length)]);
        var byId = first.GetProperty("new").EnumerateArray().ToDictionary(x => x.Str("idNumber"), x => x.Str("person"));
        var persons = ids.Take(20).Select(id => byId[id]).ToList();

        // February: every listed person moves from 低保 to 特困 — each one's identities are ended and added, so the import
        // holds every one of their rows until it commits.
        var start = await civil.PostAsync("/api/name-lists?month=2023-02&region=fuyang&mode=changes&async=true", new StringContent(Csv(ids, "7131"), Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var location = start.Headers.Location!.ToString();

        var answers = new List<(HttpStatusCode Status, TimeSpan Took, bool RetryAfter, string Text)>();
        var during = 0;
        for (int n = 0; ; n++)
        {
            var (_, progress, _) = await civil.GetJson(location);
            var running = progress.Str("state") is "reading" or "applying";
            var clock = Stopwatch.StartNew();
            var r = await hospital.PostAsync("/api/settlements", System.Net.Http.Json.JsonContent.Create(Bill(persons[n % persons.Count], 1 + n % 28)));
            var text = await r.Content.ReadAsStringAsync();
            answers.Add((r.StatusCode, clock.Elapsed, r.Headers.RetryAfter is not null, text));
            if (running) during++;
            if (!running) break;
            await Task.Delay(25);
        }
        var done = await WaitDoneAsync(civil, location);
        Assert.Equal("done", done.Body.Str("state"));
        Assert.Equal(20_000, done.Body.GetProperty("changed").GetArrayLength());
        Assert.True(during > 0, "no settlement was sent while the import ran");
        foreach (var a in answers)
        {
            Assert.True(a.Status is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, $"{(int)a.Status}: {a.Text}");
            if (a.Status == HttpStatusCode.ServiceUnavailable) Assert.True(a.RetryAfter, "a 503 without Retry-After");
            Assert.True(a.Took < Prompt, $"a settlement took {a.Took.TotalSeconds:F1} s");
        }
        // Afterwards the same persons settle as 特困 (destitute) from March.
        var (s2, _, t2) = await hospital.PostJson("/api/settlements", Bill(persons[0], 28));
        Assert.True(s2 == HttpStatusCode.Created, t2);
    }

    [DbFact]
    public async Task A_settlement_that_cannot_get_its_lock_is_answered_503_with_Retry_After_at_once()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var (hospital, _) = await fx.HospitalAsync("busy HIS");
        var clock = Stopwatch.StartNew();
        HttpResponseMessage busy;
        if (fx.Dialect == Dialect.Postgres)
        {
            // Another transaction (an import, a slow node) holds the person's row.
            await using var other = new NpgsqlConnection(fx.Db.ConnectionString);
            await other.OpenAsync();
            await using var tx = await other.BeginTransactionAsync();
            await using (var cmd = new NpgsqlCommand("SELECT 1 FROM persons WHERE id = @p FOR UPDATE", other, tx))
            {
                cmd.Parameters.AddWithValue("p", person);
                await cmd.ExecuteNonQueryAsync();
            }
            clock.Restart();
            busy = await hospital.PostAsync("/api/settlements", System.Net.Http.Json.JsonContent.Create(Bill(person, 3)));
            await tx.RollbackAsync();
        }
        else
        {
            // SQLite's one writer is held (as a name-list import holds it while it writes).
            await using var scope = await fx.Db.BeginWriteAsync();
            clock.Restart();
            busy = await hospital.PostAsync("/api/settlements", System.Net.Http.Json.JsonContent.Create(Bill(person, 3)));
        }
        var took = clock.Elapsed;
        var (status, body, text) = await Http.Read(busy);
        Assert.True(status == HttpStatusCode.ServiceUnavailable, text);
        Assert.NotNull(busy.Headers.RetryAfter);
        Assert.Equal("https://doudi.example/problems/busy", body.Str("type"));
        Assert.Contains("请稍后重试", body.Str("title"));
        Assert.True(took < Prompt, $"took {took.TotalSeconds:F1} s");

        // Once the lock is free the person settles.
        var (s2, _, t2) = await hospital.PostJson("/api/settlements", Bill(person, 4));
        Assert.True(s2 == HttpStatusCode.Created, t2);
    }

    [DbFact]
    public async Task An_import_started_twice_at_once_runs_once_and_the_other_is_told()
    {
        var civil = await fx.As("civil");
        var list = Csv([People.UniqueIdNumber(), People.UniqueIdNumber()], "7019");

        // This node is already importing civil affairs' list for jiande.
        var progress = fx.Factory.Services.GetRequiredService<NameListProgress>();
        var run = progress.Begin(new NameListImporter.Request("civil_affairs", "2024-01", "jiande", "changes", "csv", [1]), NameListImporter.NewBatchId())!;
        var told = await civil.PostAsync("/api/name-lists?month=2024-01&region=jiande&mode=changes", new StringContent(list, Encoding.UTF8, "text/csv"));
        var (s1, b1, t1) = await Http.Read(told);
        Assert.True(s1 == HttpStatusCode.Conflict, t1);
        Assert.Equal("https://doudi.example/problems/import-running", b1.Str("type"));
        Assert.NotNull(told.Headers.RetryAfter);
        await progress.EndAsync(run, null);

        if (fx.Dialect == Dialect.Postgres)
        {
            // Another node is importing it: its transaction holds the import's advisory lock.
            await using var other = new NpgsqlConnection(fx.Db.ConnectionString);
            await other.OpenAsync();
            await using var tx = await other.BeginTransactionAsync();
            await using (var cmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext(@k))", other, tx))
            {
                cmd.Parameters.AddWithValue("k", NameListProgress.KeyOf("civil_affairs", "jiande"));
                await cmd.ExecuteNonQueryAsync();
            }
            var (s2, b2, t2) = await civil.PostRaw("/api/name-lists?month=2024-01&region=jiande&mode=changes", list, "text/csv");
            Assert.True(s2 == HttpStatusCode.Conflict, t2);
            await tx.RollbackAsync();
        }
        var (s3, _, t3) = await civil.PostRaw("/api/name-lists?month=2024-01&region=jiande&mode=changes", list, "text/csv");
        Assert.True(s3 == HttpStatusCode.Created, t3);

        // Two different lists sent at the same moment: one runs (201), the other runs after it or is told (409); none fails,
        // and nobody ends up with two open identities of the department.
        var ids = Enumerable.Range(0, 3000).Select(_ => People.UniqueIdNumber()).ToList();
        var both = await Task.WhenAll(
            civil.PostAsync("/api/name-lists?month=2024-02&region=jiande&mode=changes", new StringContent(Csv(ids, "7019"), Encoding.UTF8, "text/csv")),
            civil.PostAsync("/api/name-lists?month=2024-02&region=jiande&mode=changes", new StringContent(Csv(ids, "7131"), Encoding.UTF8, "text/csv")));
        var texts = await Task.WhenAll(both.Select(r => r.Content.ReadAsStringAsync()));
        for (int i = 0; i < 2; i++) Assert.True(both[i].StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, texts[i][..Math.Min(400, texts[i].Length)]);
        Assert.Contains(both, r => r.StatusCode == HttpStatusCode.Created);
        var doubled = Convert.ToInt64(await fx.Db.ReadAsync(c => c.ScalarAsync(
            "SELECT COUNT(*) FROM (SELECT person_id FROM identities WHERE department = 'civil_affairs' AND revoked IS NULL GROUP BY person_id HAVING COUNT(*) > 1) x", null)));
        Assert.Equal(0, doubled);
    }

    [DbFact]
    public async Task A_running_list_shows_its_progress_on_another_node_then_its_report_or_its_failure()
    {
        // Another node: a second server on the same database with its own memory (its NameListProgress knows no run).
        // Before, its GET answered 404 while the first node imported the list: progress was kept per node.
        await using var other = fx.Factory.WithWebHostBuilder(_ => { });
        var otherCivil = other.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        (await otherCivil.PostAsync("/api/auth/login", System.Net.Http.Json.JsonContent.Create(new { username = "civil", password = ServerFixture.StaffPassword }))).EnsureSuccessStatusCode();
        var importer = fx.Factory.Services.GetRequiredService<NameListImporter>();
        var reached = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        importer.ApplyingHook = async run => { reached.TrySetResult(run.Batch); await release.Task; };
        var civil = await fx.As("civil");
        var ids = Enumerable.Range(0, 300).Select(_ => People.UniqueIdNumber()).ToList();
        string location;
        try
        {
            var start = await civil.PostAsync("/api/name-lists?month=2023-07&region=pengshui&mode=changes&async=true", new StringContent(Csv(ids, "7019"), Encoding.UTF8, "text/csv"));
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
            location = start.Headers.Location!.ToString();
            var batch = await reached.Task.WaitAsync(TimeSpan.FromMinutes(2));
            Assert.Equal($"/api/name-lists/{batch}", location);
            // Held after reading, before its write transaction: the other node shows the state and rows the first one stored.
            var (status, view, text) = await otherCivil.GetJson(location);
            Assert.True(status == HttpStatusCode.OK, text);
            Assert.Equal("applying", view.Str("state"));
            Assert.Equal(300, view.GetProperty("rowsRead").GetInt64());
            Assert.Equal(300, view.GetProperty("rows").GetInt32());
            Assert.Equal(batch, view.Str("batch"));
        }
        finally
        {
            importer.ApplyingHook = null;
            release.TrySetResult();
        }
        var done = await WaitDoneAsync(otherCivil, location);
        Assert.Equal("done", done.Body.Str("state"));
        Assert.Equal(300, done.Body.GetProperty("new").GetArrayLength());

        // A list that fails on the first node: the other node tells why.
        await ABadListFailsAtItsLineAsync(civil, otherCivil, ids[0], "2023-08");
    }

    [DbFact]
    public async Task An_asynchronous_import_answers_202_and_shows_its_state_and_rows_then_its_report()
    {
        var civil = await fx.As("civil");
        var ids = Enumerable.Range(0, 5000).Select(_ => People.UniqueIdNumber()).ToList();
        var start = await civil.PostAsync("/api/name-lists?month=2023-05&region=pengshui&mode=changes&async=true", new StringContent(Csv(ids, "7019"), Encoding.UTF8, "text/csv"));
        var (status, view, text) = await Http.Read(start);
        Assert.True(status == HttpStatusCode.Accepted, text);
        var location = start.Headers.Location!.ToString();
        Assert.Equal($"/api/name-lists/{view.Str("batch")}", location);
        Assert.Contains(view.Str("state"), new[] { "reading", "applying", "done" });
        Assert.True(view.TryGetProperty("rowsRead", out _) && view.TryGetProperty("rowsDone", out _), text);

        var done = await WaitDoneAsync(civil, location);
        Assert.Equal("done", done.Body.Str("state"));
        Assert.Equal(5000, done.Body.GetProperty("new").GetArrayLength());
        Assert.Equal(view.Str("batch"), done.Body.Str("batch"));

        // A bad list started asynchronously: GET tells why, with the line and column named, and nothing is stored.
        await ABadListFailsAtItsLineAsync(civil, civil, ids[0], "2023-06");
    }

    /// <summary>Starts a list whose one ID number has a wrong check digit on <paramref name="sender"/>'s node; <paramref name="reader"/> sees it fail at line 2.</summary>
    private async Task ABadListFailsAtItsLineAsync(HttpClient sender, HttpClient reader, string id, string month)
    {
        var bad = "身份证号,姓名,人员类别\n" + id[..17] + (id[17] == '0' ? '1' : '0') + ",钱进,7019\n";
        var badStart = await sender.PostAsync($"/api/name-lists?month={month}&region=pengshui&mode=changes&async=true", new StringContent(bad, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.Accepted, badStart.StatusCode);
        var failed = await WaitDoneAsync(reader, badStart.Headers.Location!.ToString());
        Assert.Equal("failed", failed.Body.Str("state"));
        Assert.Equal(400, failed.Body.GetProperty("problem").GetProperty("status").GetInt32());
        Assert.True(failed.Body.GetProperty("problem").GetProperty("errors").TryGetProperty("line 2.身份证号", out _), failed.Text);
    }
}

public sealed class NameListLoadTestsSqlite(SqliteFixture fx) : NameListLoadTests(fx), IClassFixture<SqliteFixture>;
public sealed class NameListLoadTestsPostgres(PostgresFixture fx) : NameListLoadTests(fx), IClassFixture<PostgresFixture>, IPostgresTests;
