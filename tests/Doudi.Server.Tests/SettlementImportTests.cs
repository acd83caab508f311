using System.Net;
using System.Text;
using System.Text.Json;
using Doudi.Server.Storage;
using Doudi.Server.Tests.Infrastructure;

namespace Doudi.Server.Tests;

/// <summary>
/// Issue 9 item 3: the settlement import at a city's scale — chunked, set-based, idempotent, all or nothing when asked,
/// visible while it runs, safe beside one-stop settlements of the same persons, and settling every bill exactly as the
/// one-stop API does. Fuyang subsistence (富政办〔2022〕21号 二.3): 80% of (in-policy − basic − critical), at most
/// 150,000 a year.
/// </summary>
public abstract class SettlementImportTests(ServerFixture fx)
{
    private const int Chunk = Doudi.Server.Settlements.BulkImport.ChunkSize;

    /// <summary>One inpatient bill in our names: base 10000 − 6000 = 4000 → 80% = 3200 assistance.</summary>
    private static string Line(string id, string person, int n) =>
        $"{{\"id\":\"{id}\",\"person\":\"{person}\",\"date\":\"2023-{1 + n % 12:D2}-{1 + n % 28:D2}\",\"kind\":\"inpatient\",\"total\":12000,\"inPolicy\":10000,\"basicPaid\":6000,\"criticalPaid\":0}}\n";

    private static string National(string id, string person, int n) => SettledAlike.National(id, person, n);

    private Task<long> Count(string sql, params (string, object?)[] args) =>
        fx.Db.ReadAsync(async c => Convert.ToInt64(await c.ScalarAsync(sql, null, args)));

    private static string Tag() => Guid.NewGuid().ToString("N")[..8];

    [DbFact]
    public async Task The_same_file_twice_adds_nothing_across_chunks()
    {
        var persons = new List<string>();
        for (var i = 0; i < 3; i++) persons.Add(await People.RegisterAsync(fx, "fuyang", "subsistence", name: "幂等" + i));
        var tag = Tag();
        var rows = Chunk + Chunk / 2; // two chunks
        var sb = new StringBuilder();
        for (var n = 0; n < rows; n++) sb.Append(National($"{tag}-{n}", persons[n % 3], n)).Append('\n');
        var op = await fx.As("operator");
        var (status, first, text) = await op.PostRaw("/api/settlement-imports?format=jsonl", sb.ToString(), "application/x-ndjson");
        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Equal(rows, first.GetProperty("settled").GetInt64());

        async Task<long[]> State() =>
        [
            await Count("SELECT COUNT(*) FROM settlements WHERE id LIKE @t", ("t", tag + "-%")),
            await Count("SELECT COUNT(*) FROM settlement_items WHERE settlement_id LIKE @t", ("t", tag + "-%")),
            await Count("SELECT COUNT(*) FROM settlement_context WHERE settlement_id LIKE @t", ("t", tag + "-%")),
            await Count("SELECT COUNT(*) FROM audit_log WHERE entity = 'settlement' AND entity_id LIKE @t", ("t", tag + "-%")),
            await Count("SELECT COALESCE(SUM(bills), 0) FROM insight_monthly WHERE dimension = 'region'"),
            await Count("SELECT COALESCE(SUM(amount_fen), 0) FROM ledger_totals"),
        ];
        var before = await State();
        Assert.Equal([rows, 2L * rows, rows, rows], before[..4]);

        var (s2, again, t2) = await op.PostRaw("/api/settlement-imports?format=jsonl", sb.ToString(), "application/x-ndjson");
        Assert.True(s2 == HttpStatusCode.OK, t2);
        Assert.Equal(0, again.GetProperty("settled").GetInt64());
        Assert.Equal(rows, again.GetProperty("replayed").GetInt64());
        Assert.Equal(before, await State());
    }

    [DbFact]
    public async Task All_or_nothing_rolls_back_every_chunk_when_the_last_row_fails()
    {
        var p = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var tag = Tag();
        var sb = new StringBuilder();
        for (var n = 0; n < Chunk * 2 + 10; n++) sb.Append(Line($"{tag}-{n}", p, n));
        sb.Append($"{{\"id\":\"{tag}-bad\",\"person\":\"NOBODY-{tag}\",\"date\":\"2023-05-01\",\"kind\":\"inpatient\",\"total\":12000,\"inPolicy\":10000,\"basicPaid\":6000,\"criticalPaid\":0}}\n");
        var regionBills = await Count("SELECT COALESCE(SUM(bills), 0) FROM insight_monthly WHERE dimension = 'region'");
        var audits = await Count("SELECT COUNT(*) FROM audit_log WHERE entity = 'settlement'");
        var op = await fx.As("operator");
        var (status, report, text) = await op.PostRaw("/api/settlement-imports?mode=all_or_nothing", sb.ToString(), "application/x-ndjson");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.False(report.GetProperty("committed").GetBoolean(), text);
        Assert.Equal(0, report.GetProperty("settled").GetInt64());
        var error = Assert.Single(report.GetProperty("errors").EnumerateArray());
        Assert.Equal(Chunk * 2 + 11, error.GetProperty("line").GetInt64());
        Assert.True(error.GetProperty("errors").TryGetProperty("person", out _), text);

        Assert.Equal(0, await Count("SELECT COUNT(*) FROM settlements WHERE person_id = @p", ("p", p)));
        Assert.Equal(0, await Count("SELECT COUNT(*) FROM ledger_totals WHERE person_id = @p AND amount_fen <> 0", ("p", p)));
        Assert.Equal(regionBills, await Count("SELECT COALESCE(SUM(bills), 0) FROM insight_monthly WHERE dimension = 'region'"));
        Assert.Equal(audits, await Count("SELECT COUNT(*) FROM audit_log WHERE entity = 'settlement'"));
        var (_, stored, _) = await op.GetJson($"/api/settlement-imports/{report.Str("id")}");
        Assert.Equal("done", stored.Str("state"));
        Assert.False(stored.GetProperty("committed").GetBoolean());
    }

    [DbFact]
    public async Task Per_row_errors_are_named_by_row_and_line_in_any_chunk()
    {
        var p = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var tag = Tag();
        // CSV, national names: line 1 is the header, row n is on line n + 1.
        var sb = new StringBuilder("setl_id,psn_no,setl_time,med_type,insutype,medfee_sumamt,inscp_scp_amt,hifp_pay,hifmi_pay\n");
        var badAmount = 7; var nobody = Chunk + 3; var future = Chunk + 100;
        for (var n = 1; n <= Chunk + 200; n++)
        {
            var who = n == nobody ? "NOBODY" : p;
            var amount = n == badAmount ? "12x00" : "12000";
            var when = n == future ? "2099-01-01 09:00:00" : $"2023-{1 + n % 12:D2}-{1 + n % 28:D2} 09:00:00";
            sb.Append($"{tag}-{n},{who},{when},21,390,{amount},10000,6000,0\n");
        }
        var op = await fx.As("operator");
        var (status, report, text) = await op.PostRaw("/api/settlement-imports", sb.ToString(), "text/csv");
        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Equal(Chunk + 197, report.GetProperty("settled").GetInt64());
        var errors = report.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal([badAmount, nobody, future], errors.Select(e => (int)e.GetProperty("row").GetInt64()));
        Assert.Equal([badAmount + 1, nobody + 1, future + 1], errors.Select(e => (int)e.GetProperty("line").GetInt64()));
        Assert.True(errors[0].GetProperty("errors").TryGetProperty("medfee_sumamt", out _), text);
        Assert.True(errors[1].GetProperty("errors").TryGetProperty("psn_no", out _), text);
        Assert.True(errors[2].GetProperty("errors").TryGetProperty("setl_time", out _), text);
        // 150,000 is reached after 47 bills of 3,200 (46 × 3200 = 147,200, the 47th pays 2,800) and holds across chunks.
        var (_, summary, _) = await op.GetJson($"/api/persons/{p}/years/2023");
        Assert.Equal(150000m, summary.Dec("assistance"));
    }

    /// <summary>A request body sent in two parts: the second only when the test says so, so the import is visibly mid-way.</summary>
    private sealed class TwoPartContent(string first, string rest, Task gate, string type) : HttpContent
    {
        public readonly TaskCompletionSource FirstSent = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(first));
            await stream.FlushAsync();
            FirstSent.TrySetResult();
            await gate;
            await stream.WriteAsync(Encoding.UTF8.GetBytes(rest));
        }

        protected override bool TryComputeLength(out long length) { length = -1; return false; }

        public TwoPartContent Typed() { Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(type); return this; }
    }

    [DbFact]
    public async Task A_running_import_shows_its_progress_and_one_stop_settlement_answers_meanwhile()
    {
        var p = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var tag = Tag();
        var first = new StringBuilder();
        for (var n = 0; n < 2 * Chunk + 5; n++) first.Append(Line($"{tag}-{n}", p, n));
        var rest = new StringBuilder();
        for (var n = 2 * Chunk + 5; n < 2 * Chunk + 50; n++) rest.Append(Line($"{tag}-{n}", p, n));
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var content = new TwoPartContent(first.ToString(), rest.ToString(), gate.Task, "application/x-ndjson").Typed();
        var op = await fx.As("operator");
        var post = op.PostAsync("/api/settlement-imports?format=jsonl", content);
        await content.FirstSent.Task;

        // The first two chunks are settled and committed while the body is still open: the import is running, rows done ≥ 4,000.
        JsonElement running = default;
        for (var i = 0; i < 600; i++)
        {
            var (s, list, t) = await op.GetJson("/api/settlement-imports?state=running");
            Assert.True(s == HttpStatusCode.OK, t);
            var mine = list.EnumerateArray().Where(r => r.GetProperty("rowsDone").GetInt64() >= 2 * Chunk).ToList();
            if (mine.Count > 0) { running = mine[0]; break; }
            Assert.False(post.IsCompleted, "the import ended before its body did");
            await Task.Delay(100);
        }
        Assert.Equal(JsonValueKind.Object, running.ValueKind);
        var id = running.Str("id");
        var (gs, one, gt) = await op.GetJson($"/api/settlement-imports/{id}");
        Assert.True(gs == HttpStatusCode.OK, gt);
        Assert.Equal("running", one.Str("state"));
        Assert.True(one.GetProperty("rowsDone").GetInt64() >= 2 * Chunk, gt);

        // One-stop settlement of the same person answers during the import (its rows are locked only while a chunk is written).
        var (ss, settled, st) = await op.PostJson("/api/settlements", new { id = tag + "-counter", person = p, date = "2023-06-30", kind = "inpatient", total = 12000, inPolicy = 10000, basicPaid = 6000, criticalPaid = 0 });
        Assert.True(ss == HttpStatusCode.Created, st);
        Assert.Equal(0m, settled.Dec("assistance")); // 4,000 bills of 3,200 already reached the 150,000 limit

        gate.SetResult();
        var (status, report, text) = await Http.Read(await post);
        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Equal(id, report.Str("id"));
        Assert.Equal(2 * Chunk + 50, report.GetProperty("settled").GetInt64());
        var (_, done, _) = await op.GetJson($"/api/settlement-imports/{id}");
        Assert.Equal("done", done.Str("state"));
        Assert.Equal(2 * Chunk + 50, done.GetProperty("rowsDone").GetInt64());
        var (_, summary, _) = await op.GetJson($"/api/persons/{p}/years/2023");
        Assert.Equal(150000m, summary.Dec("assistance"));
    }

    [DbFact]
    public async Task An_asynchronous_import_answers_202_with_its_location()
    {
        var p = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var tag = Tag();
        var sb = new StringBuilder();
        for (var n = 0; n < 30; n++) sb.Append(Line($"{tag}-{n}", p, n));
        var op = await fx.As("operator");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/settlement-imports?format=jsonl") { Content = new StringContent(sb.ToString(), Encoding.UTF8, "application/x-ndjson") };
        request.Headers.Add("Prefer", "respond-async");
        var answer = await op.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        var location = answer.Headers.Location!.ToString();
        JsonElement report = default;
        for (var i = 0; i < 600; i++)
        {
            (_, report, _) = await op.GetJson(location);
            if (report.Str("state") != "running") break;
            await Task.Delay(100);
        }
        Assert.Equal("done", report.Str("state"));
        Assert.Equal(30, report.GetProperty("settled").GetInt64());
        Assert.True(report.GetProperty("committed").GetBoolean());
        // 30 × 3200 = 96,000 (under the 150,000 limit)
        var (_, summary, _) = await op.GetJson($"/api/persons/{p}/years/2023");
        Assert.Equal(96000m, summary.Dec("assistance"));
    }

    [DbFact]
    public async Task An_import_and_one_stop_settlements_of_the_same_persons_never_exceed_the_limit_nor_pay_twice()
    {
        var persons = new List<string>();
        for (var i = 0; i < 3; i++) persons.Add(await People.RegisterAsync(fx, "fuyang", "subsistence", name: "并发" + i));
        var tag = Tag();
        var rows = Chunk + 500;
        var sb = new StringBuilder();
        for (var n = 0; n < rows; n++) sb.Append(Line($"{tag}-{n}", persons[n % 3], n));
        var op = await fx.As("operator");
        var import = op.PostRaw("/api/settlement-imports?format=jsonl", sb.ToString(), "application/x-ndjson");
        // Meanwhile, each person's counter settles 40 bills of its own and resends 20 of the import's (same id, same bill).
        var counters = persons.Select(async (p, k) =>
        {
            var client = await fx.As("operator");
            var statuses = new List<HttpStatusCode>();
            for (var j = 0; j < 60; j++)
            {
                var body = j % 3 == 2
                    ? Line($"{tag}-{3 * j + k}", p, 3 * j + k) // the import's row 3j + k is this person's (rows go round the three persons)
                    : Line($"{tag}-c{k}-{j}", p, j);
                var (s, _, t) = await client.PostRaw("/api/settlements", body, "application/json");
                // A counter that finds the person locked by a chunk for longer than the lock timeout is told 503 + Retry-After, and retries.
                for (var retry = 0; s == HttpStatusCode.ServiceUnavailable && retry < 20; retry++)
                {
                    await Task.Delay(200);
                    (s, _, t) = await client.PostRaw("/api/settlements", body, "application/json");
                }
                Assert.True(s is HttpStatusCode.Created or HttpStatusCode.OK, t);
                statuses.Add(s);
            }
            return statuses;
        }).ToList();
        var (status, report, text) = await import;
        await Task.WhenAll(counters);
        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Equal(0, report.GetProperty("rejected").GetInt64());
        Assert.Equal(rows, report.GetProperty("settled").GetInt64() + report.GetProperty("replayed").GetInt64());

        // Every id stored once: the import's rows and each counter's 40 own bills.
        Assert.Equal(rows + 3 * 40, await Count("SELECT COUNT(*) FROM settlements WHERE id LIKE @t", ("t", tag + "-%")));
        foreach (var p in persons)
        {
            // 540 and more bills of 3,200 each: exactly the annual limit of 150,000 (富政办〔2022〕21号 二.3), never more.
            var paid = await fx.Db.ReadAsync(async c => Convert.ToDecimal(await c.ScalarAsync(
                "SELECT SUM(assistance) FROM settlements WHERE person_id = @p AND status = 'settled'", null, ("p", p)), System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(150000m, paid);
            var (_, summary, _) = await op.GetJson($"/api/persons/{p}/years/2023");
            Assert.Equal(150000m, summary.Dec("assistance"));
        }
    }

    [DbFact]
    public async Task A_persons_bills_in_several_chunks_are_settled_in_file_order()
    {
        // Two persons' bills alternate through 2,400 rows (three chunks; on PostgreSQL two chunks are settled at once on two
        // connections), so each person has bills in every chunk. One bill: in-policy 1,200 − basic 1,000 = 200 → 80% = 160
        // (富政办〔2022〕21号 二.3). The annual limit of 150,000 is reached at a person's 938th bill: 937 × 160 = 149,920, so
        // that bill pays 150,000 − 149,920 = 80, and every later one 0. A person's 938th bill is row 2 × 937 = 1,874 or 1,875
        // (0-based): in the second chunk, so the second chunk must see all of the first one's bills of the person.
        var a = await People.RegisterAsync(fx, "fuyang", "subsistence", name: "顺序甲");
        var b = await People.RegisterAsync(fx, "fuyang", "subsistence", name: "顺序乙");
        var tag = Tag();
        const int rows = 2400;
        static string Small(string id, string person, int n) =>
            $"{{\"id\":\"{id}\",\"person\":\"{person}\",\"date\":\"2023-{1 + n % 12:D2}-{1 + n % 28:D2}\",\"kind\":\"inpatient\",\"total\":1500,\"inPolicy\":1200,\"basicPaid\":1000,\"criticalPaid\":0}}\n";
        var file = string.Concat(Enumerable.Range(0, rows).Select(n => Small($"{tag}-{n}", n % 2 == 0 ? a : b, n)));
        var op = await fx.As("operator");
        var (status, report, text) = await op.PostRaw("/api/settlement-imports?format=jsonl", file, "application/x-ndjson");
        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Equal(rows, report.GetProperty("settled").GetInt64());
        var paid = (await fx.Db.ReadAsync(c => c.ListAsync("SELECT id, assistance FROM settlements WHERE id LIKE @t", null,
            r => (r.S("id"), r.M("assistance")), ("t", tag + "-%")))).ToDictionary(x => x.Item1, x => x.Item2);
        ImportLaneTests.AssertPaidInFileOrder(paid, tag, rows, a, b);
        foreach (var person in new[] { a, b })
        {
            var (_, summary, _) = await op.GetJson($"/api/persons/{person}/years/2023");
            Assert.Equal(150000m, summary.Dec("assistance"));
        }
        // The import's progress record ends with every row counted once.
        Assert.Equal(rows, await Count("SELECT rows_done FROM settlement_imports WHERE id = @id", ("id", report.GetProperty("id").GetString())));
    }

    private Task<Dictionary<string, (string Label, long[] Figures)>> Insights() => SettledAlike.InsightsAsync(fx);

    private static Dictionary<string, string> Delta(Dictionary<string, (string Label, long[] Figures)> from, Dictionary<string, (string Label, long[] Figures)> to) =>
        SettledAlike.Delta(from, to);

    [DbFact]
    public async Task The_import_settles_every_bill_as_the_one_stop_api_does()
    {
        // Two persons alike in everything the rules read; the same bills, one-stop for the first, imported for the second.
        var household1 = "HI-" + Tag();
        var household2 = "HI-" + Tag();
        var a = await People.RegisterAsync(fx, "fuyang", "subsistence", household: household1, name: "甲");
        var b = await People.RegisterAsync(fx, "fuyang", "subsistence", household: household2, name: "乙");
        var op = await fx.As("operator");
        var tag = Tag();
        const int bills = 30;
        var before = await Insights();
        for (var n = 0; n < bills; n++)
        {
            var (s, _, t) = await op.PostRaw("/api/settlements", National($"{tag}-a{n}", a, n), "application/json");
            Assert.True(s == HttpStatusCode.Created, t);
        }
        var afterOneStop = await Insights();
        var file = string.Join("\n", Enumerable.Range(0, bills).Select(n => National($"{tag}-b{n}", b, n)));
        var (status, report, text) = await op.PostRaw("/api/settlement-imports?format=jsonl", file, "application/x-ndjson");
        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Equal(bills, report.GetProperty("settled").GetInt64());
        // The console's monthly aggregates gain the same from the import (summed per chunk, one upsert) as from the one-stop
        // settlements (one upsert each): every region, township, category, kind, institution, diagnosis and item row alike.
        var oneStopAdded = Delta(before, afterOneStop);
        Assert.Contains(oneStopAdded.Keys, k => k.StartsWith("item|", StringComparison.Ordinal));
        Assert.Contains(oneStopAdded.Keys, k => k.StartsWith("institution|", StringComparison.Ordinal));
        Assert.Equal(oneStopAdded, Delta(afterOneStop, await Insights()));

        await SettledAlike.AssertStoredAlikeAsync(fx, op, Enumerable.Range(0, bills).Select(n => ($"{tag}-a{n}", $"{tag}-b{n}")).ToList(), (a, household1), (b, household2));
    }
}

public sealed class SettlementImportTestsSqlite(SqliteFixture fx) : SettlementImportTests(fx), IClassFixture<SqliteFixture>;
public sealed class SettlementImportTestsPostgres(PostgresFixture fx) : SettlementImportTests(fx), IClassFixture<PostgresFixture>, IPostgresTests;
