using System.Net;
using Doudi.Server.Settlements;
using Doudi.Server.Storage;
using Doudi.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Doudi.Server.Tests;

/// <summary>
/// The import's two lanes on PostgreSQL (two chunks in flight on two connections), made deterministic with the import's
/// test hook (<see cref="BulkImport.ChunkHook"/>) instead of hoping for an interleaving: a chunk is held at a point and
/// released when the other has reached one (or is seen waiting on a lock), so each test forces the interleaving it names.
/// File order holds across chunks: for a person's bills (I-3: each bill sees the earlier ones) and for a bill id.
/// </summary>
public sealed class ImportLaneTests(PostgresFixture fx) : IClassFixture<PostgresFixture>, IPostgresTests
{
    private const int Chunk = BulkImport.ChunkSize;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2); // only a broken build waits this long: then the test fails, it does not hang

    /// <summary>One inpatient bill: in-policy 1,200 − basic 1,000 = 200 → 80% = 160 (富政办〔2022〕21号 二.3).</summary>
    private static string Small(string id, string person, int n) =>
        $"{{\"id\":\"{id}\",\"person\":\"{person}\",\"date\":\"2023-{1 + n % 12:D2}-{1 + n % 28:D2}\",\"kind\":\"inpatient\",\"total\":1500,\"inPolicy\":1200,\"basicPaid\":1000,\"criticalPaid\":0}}\n";

    private BulkImport Import => fx.Factory.Services.GetRequiredService<BulkImport>();

    private async Task<(HttpStatusCode Status, System.Text.Json.JsonElement Report, string Text)> ImportAsync(string file, Func<long, int, string, Task> hook)
    {
        Import.ChunkHook = hook;
        try { return await (await fx.As("operator")).PostRaw("/api/settlement-imports?format=jsonl", file, "application/x-ndjson"); }
        finally { Import.ChunkHook = null; }
    }

    /// <summary>Until another connection of this database waits on a lock (the later chunk, blocked on a person the held chunk locked).</summary>
    private async Task<bool> SomeoneWaitsOnALockAsync()
    {
        var until = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < until)
        {
            var waiting = await fx.Db.ReadAsync(async c => Convert.ToInt64(await c.ScalarAsync(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", null)));
            if (waiting > 0) return true;
            await Task.Delay(20);
        }
        return false;
    }

    [DbFact]
    public async Task A_chunk_retried_while_the_next_waits_for_its_person_keeps_the_lock_and_file_order()
    {
        // Two persons' bills alternate through 2,400 rows, so each has bills in all three chunks. The first chunk, holding
        // both persons' locks, is held until the second chunk is seen waiting for them; then its first attempt fails as a
        // race would (an id stored meanwhile) and it settles again. Before: the retry rolled back past the locks, the waiting
        // chunk took them at once and settled the persons' later bills first. The annual limit of 150,000 is reached at a
        // person's 938th bill (937 × 160 = 149,920; that bill pays 80, every later one 0), in the second chunk.
        var a = await People.RegisterAsync(fx, "fuyang", "subsistence", name: "重试甲");
        var b = await People.RegisterAsync(fx, "fuyang", "subsistence", name: "重试乙");
        var tag = Guid.NewGuid().ToString("N")[..8];
        const int rows = 2400;
        var file = string.Concat(Enumerable.Range(0, rows).Select(n => Small($"{tag}-{n}", n % 2 == 0 ? a : b, n)));
        var sawWaiter = false;
        var retried = 0;
        var (status, report, text) = await ImportAsync(file, async (chunk, attempt, point) =>
        {
            if (chunk != 0 || attempt != 1) return;
            if (point == "locked") sawWaiter = await SomeoneWaitsOnALockAsync();
            if (point == "written") { retried++; throw new BulkImport.ChunkRaced(); }
        });
        Assert.True(status == HttpStatusCode.OK, text);
        Assert.True(sawWaiter, "the second chunk never waited for the first one's persons");
        Assert.Equal(1, retried);
        Assert.Equal(rows, report.GetProperty("settled").GetInt64());
        var paid = (await fx.Db.ReadAsync(c => c.ListAsync("SELECT id, assistance FROM settlements WHERE id LIKE @t", null,
            r => (r.S("id"), r.M("assistance")), ("t", tag + "-%")))).ToDictionary(x => x.Item1, x => x.Item2);
        AssertPaidInFileOrder(paid, tag, rows, a, b);
    }

    /// <summary>
    /// Two persons' bills of 160 each alternating through <paramref name="rows"/> rows (<c>tag-n</c>), settled in file
    /// order: a person's first 937 bills pay 160, the 938th 80 (150,000 − 937 × 160), every later one 0.
    /// </summary>
    internal static void AssertPaidInFileOrder(Dictionary<string, decimal> paid, string tag, int rows, string a, string b)
    {
        foreach (var (person, first) in new[] { (a, 0), (b, 1) })
        {
            var k = 0;
            for (var n = first; n < rows; n += 2, k++)
                Assert.True((k < 937 ? 160m : k == 937 ? 80m : 0m) == paid[$"{tag}-{n}"], $"{person}'s bill {k} (row {n}) paid {paid[$"{tag}-{n}"]}");
        }
    }

    [DbFact]
    public async Task The_same_id_for_two_persons_in_neighbouring_chunks_is_the_earlier_rows()
    {
        // The first chunk is person A's 1,000 bills, its last one under the id X; the second chunk is person B's, its first
        // one under X as well. The first chunk is held (its persons locked) until the second has stored its settlements or the
        // import holds the second back. Before: the second chunk stored X for B, the first one's X hit the unique key, settled
        // again and refused the EARLIER row (a later row of the file won). Now the second chunk waits for the first because
        // they share an id: X is A's bill, B's row is refused as another bill under a stored id.
        var a = await People.RegisterAsync(fx, "fuyang", "subsistence", name: "同号甲");
        var b = await People.RegisterAsync(fx, "fuyang", "subsistence", name: "同号乙");
        var tag = Guid.NewGuid().ToString("N")[..8];
        var x = $"{tag}-X";
        var file = string.Concat(Enumerable.Range(0, Chunk).Select(n => Small(n == Chunk - 1 ? x : $"{tag}-a{n}", a, n)))
                   + string.Concat(Enumerable.Range(0, Chunk).Select(n => Small(n == 0 ? x : $"{tag}-b{n}", b, n)));
        var secondWritten = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondHeldBack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (status, report, text) = await ImportAsync(file, async (chunk, attempt, point) =>
        {
            if (chunk == 1 && point == "written") secondWritten.TrySetResult();
            if (chunk == 1 && point == "waits") secondHeldBack.TrySetResult();
            if (chunk == 0 && attempt == 1 && point == "locked")
                await Task.WhenAny(secondWritten.Task, secondHeldBack.Task, Task.Delay(Patience));
        });
        Assert.True(status == HttpStatusCode.OK, text);
        var owner = await fx.Db.ReadAsync(c => c.ScalarAsync("SELECT person_id FROM settlements WHERE id = @x", null, ("x", x)));
        Assert.Equal(a, owner as string);
        Assert.True(secondHeldBack.Task.IsCompleted, "the second chunk was not held back");
        Assert.Equal(2 * Chunk - 1, report.GetProperty("settled").GetInt64());
        var error = Assert.Single(report.GetProperty("errors").EnumerateArray());
        Assert.Equal(Chunk + 1, error.GetProperty("row").GetInt64()); // B's first row (rows count from 1)
    }

    /// <summary>A request body that sends its first part, then waits for the gate before the rest.</summary>
    private sealed class PausingContent(string first, string rest, Task gate) : HttpContent
    {
        public readonly TaskCompletionSource FirstSent = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(first));
            await stream.FlushAsync();
            FirstSent.TrySetResult();
            await gate;
            await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(rest));
        }

        protected override bool TryComputeLength(out long length) { length = -1; return false; }
    }

    [DbFact]
    public async Task Rows_read_before_the_sender_pauses_are_settled_and_shown_while_it_waits()
    {
        // The reader hands its rows on in batches (BulkImport.ItemBatches, 64 rows); a batch not yet full is handed on before the
        // reader waits for the sender, so the 37 rows sent before the pause (fewer than a batch, a chunk) are settled meanwhile
        // (the lanes' one-second pause) and the progress shows them. Each: in-policy 1,200 − basic 1,000 = 200 → 80% = 160.
        // JSON Lines: a CSV file is read only once its first 64 kB are in (CsvEncoding sniffs its encoding), so a pause within
        // them shows nothing whatever the batches.
        var p = await People.RegisterAsync(fx, "fuyang", "subsistence", name: "暂停");
        var tag = Guid.NewGuid().ToString("N")[..8];
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var content = new PausingContent(string.Concat(Enumerable.Range(0, 37).Select(n => Small($"{tag}-{n}", p, n))),
            string.Concat(Enumerable.Range(37, 5).Select(n => Small($"{tag}-{n}", p, n))), gate.Task);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-ndjson");
        var op = await fx.As("operator");
        var post = op.PostAsync("/api/settlement-imports?format=jsonl", content);
        try
        {
            await content.FirstSent.Task;
            var until = DateTime.UtcNow + Patience;
            long done = 0;
            while (done < 37 && DateTime.UtcNow < until)
            {
                var (s, list, t) = await op.GetJson("/api/settlement-imports?state=running");
                Assert.True(s == HttpStatusCode.OK, t);
                done = list.EnumerateArray().Select(r => r.GetProperty("rowsDone").GetInt64()).DefaultIfEmpty(0).Max();
                Assert.False(post.IsCompleted, "the import ended before its body did: " + (post.IsCompleted ? await (await post).Content.ReadAsStringAsync() : ""));
                if (done < 37) await Task.Delay(50);
            }
            Assert.Equal(37, done);
            Assert.Equal(37 * 160m, await fx.Db.ReadAsync(async c => Convert.ToDecimal(await c.ScalarAsync(
                "SELECT SUM(assistance) FROM settlements WHERE person_id = @p", null, ("p", p)))));
        }
        finally { gate.TrySetResult(); }
        var (status, report, text) = await Http.Read(await post);
        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Equal(42, report.GetProperty("settled").GetInt64());
    }
}
