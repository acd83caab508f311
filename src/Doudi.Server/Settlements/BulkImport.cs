using System.Data.Common;
using System.Text;
using System.Threading.Channels;
using Doudi.Cases;
using Doudi.Server.Api;
using Doudi.Server.Audit;
using Doudi.Server.Imports;
using Doudi.Server.Registry;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Settlements;

public sealed record RowError(long Row, long Line, string? Id, Dictionary<string, string[]> Errors);

public sealed class BulkImportReport
{
    public required string Id { get; init; }
    public required string Format { get; init; }
    public required string Mode { get; init; }
    public bool DryRun { get; init; }
    /// <summary>running, done (the import finished; see committed) or failed (stopped by an error of the server; committed chunks stay).</summary>
    public string State { get; set; } = BulkImport.Running;
    public long Rows { get; set; }
    /// <summary>Rows settled, replayed, held or refused so far (a long import shows it while it runs).</summary>
    public long RowsDone { get; set; }
    public long Settled { get; set; }
    public long Replayed { get; set; }
    /// <summary>Rows outside the plausibility bounds, held for review (they pay nothing until released).</summary>
    public long Held { get; set; }
    public long Rejected { get; set; }
    public bool Committed { get; set; }
    public bool ErrorsTruncated { get; set; }
    public List<RowError> Errors { get; } = [];
}

/// <summary>
/// Streams a period's settlement records (CSV with a header row, or JSON Lines), in our field names or the national
/// platform's, through the same settlement rules as the one-stop API (<see cref="SettlementService.Decide"/>: same ledger,
/// same idempotency on the settlement id), a chunk at a time: the chunk's persons are locked in id order, their
/// identities, stored bills and year counts read set-based, every bill settled in file order against a ledger kept in
/// memory for the chunk, and the new settlements, audit entries, context, items and hooks written set-based (PostgreSQL:
/// binary COPY into staging, then INSERT … SELECT … ON CONFLICT on the settlement id; SQLite: multi-row INSERTs).
/// Mode <c>per_row</c> (default): each chunk is committed, bad rows are reported and stored nowhere; the same file sent again
/// adds nothing. Mode <c>all_or_nothing</c>: one transaction, stored only if no row fails. <c>dryRun</c> settles everything
/// and stores nothing. The report keeps the first 1,000 row errors. Memory is bounded by the chunk, not the file.
/// </summary>
public sealed class BulkImport(Database db, SettlementService service, Plausibility plausibility, ILogger<BulkImport> log, IConfiguration? config = null)
{
    /// <summary>
    /// Chunks in flight at once on PostgreSQL in per_row mode (<c>Doudi:Import:Lanes</c>, 1–4, default 2: one settling while
    /// the other is written); each lane has its own connection and transaction.
    /// </summary>
    private readonly int _lanes = Math.Clamp(config?.GetValue("Doudi:Import:Lanes", 2) ?? 2, 1, 4);

    /// <summary>Rows per chunk: 2,000 (session 7: the whole city 139–146 s against 148–154 s with 1,000 — half the commits, fewer monthly-aggregate rows per bill — at ≈ 100 MiB more peak).</summary>
    public const int ChunkSize = 2000;

    /// <summary>
    /// Tests only (null otherwise): called with the chunk's number in file order, its attempt and a point — "locked" (it
    /// holds its persons' locks, the next chunk may start), "written" (its settlements are stored, not yet committed),
    /// "waits" (the dispatcher holds this chunk back until the chunks in flight end). A hook may hold a chunk there, or
    /// throw <see cref="ChunkRaced"/> to make it settle again.
    /// </summary>
    internal Func<long, int, string, Task>? ChunkHook { get; set; }
    public const int MaxErrorsKept = 1000;
    public const string Running = "running", Done = "done", Failed = "failed";

    private Database Db => db;

    /// <summary>Imports running in this process, for their live progress.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, BulkImportReport> _running = new(StringComparer.Ordinal);

    /// <summary>A running import's live report (this process), or null.</summary>
    public BulkImportReport? Live(string id) => _running.TryGetValue(id, out var r) ? r : null;

    /// <summary>Records an import as running (visible to GET on every node) and returns its report.</summary>
    public async Task<BulkImportReport> StartAsync(string format, string mode, bool dryRun, Actor actor, CancellationToken ct)
    {
        var report = new BulkImportReport { Id = "SI" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6)), Format = format, Mode = mode, DryRun = dryRun };
        _running[report.Id] = report;
        await db.WriteAsync((c, tx) => c.ExecAsync("INSERT INTO settlement_imports (id, format, mode, rows_total, rows_settled, rows_replayed, rows_rejected, committed, errors_json, created_at, created_by, state, updated_at) " +
            "VALUES (@id, @f, @m, 0, 0, 0, 0, @c, '[]', @at, @by, @st, @at)", tx,
            ("id", report.Id), ("f", format), ("m", dryRun ? "dry_run" : mode), ("c", false), ("at", DateTimeOffset.UtcNow), ("by", actor.Name), ("st", Running)), ct);
        return report;
    }

    public async Task<BulkImportReport> RunAsync(Stream body, string format, string mode, bool dryRun, Actor actor, CancellationToken ct, Encoding? charset = null,
        BulkImportReport? started = null)
    {
        var report = started ?? await StartAsync(format, mode, dryRun, actor, ct);
        var atomic = mode == "all_or_nothing" || dryRun;
        var source = "import:" + report.Id;
        // PostgreSQL, chunk by chunk commits (per_row): two chunks (_lanes) in flight on two connections, so one settles (server CPU)
        // while the other is written (the database's): both cores work. Each chunk locks its persons in its own
        // transaction, so a person's bills in two chunks are still settled in file order (the later chunk waits for the
        // earlier one's commit, then reads its running totals). One transaction (all_or_nothing, dry runs) or SQLite: one lane.
        var lanes = !atomic && db.Dialect == Dialect.Postgres ? _lanes : 1;
        var runs = Enumerable.Range(0, lanes).Select(_ => new Run(this, report, atomic, actor, source)).ToArray();
        var gc = GcFigures.Now();
        var inFlight = new Task?[lanes];
        var inFlightIds = new HashSet<string>?[lanes];
        var pending = new List<PendingRow>(ChunkSize);
        long chunks = 0;
        async Task DispatchAsync()
        {
            if (pending.Count == 0) return;
            var number = chunks++;
            var lane = (int)(number % lanes);
            if (inFlight[lane] is { } previous) { inFlight[lane] = null; await previous; }
            var rows = pending;
            pending = new List<PendingRow>(ChunkSize);
            if (lanes == 1) { await runs[lane].ChunkAsync(rows, null, number, ct); return; }
            // A bill id also in a chunk still in flight (the same id for two persons, say): that chunk ends first, so the
            // earlier row in the file is the one stored and the later one is refused as a different bill under its id.
            var ids = rows.Select(r => r.Input.Bill.Id).ToHashSet(StringComparer.Ordinal);
            for (var i = 0; i < lanes; i++)
                if (inFlight[i] is { } other && inFlightIds[i] is { } theirs && theirs.Overlaps(ids))
                {
                    if (ChunkHook is { } hook) await hook(number, 0, "waits");
                    inFlight[i] = null;
                    await other;
                }
            inFlightIds[lane] = ids;
            // The next chunk starts only once this one holds its persons' locks: were it to start at once, the later chunk
            // could lock a person first and settle the person's later bills before the earlier ones (not in file order).
            var locked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var task = runs[lane].ChunkAsync(rows, locked, number, ct);
            inFlight[lane] = task;
            await Task.WhenAny(locked.Task, task);
        }
        async Task DrainAsync()
        {
            await DispatchAsync();
            for (var i = 0; i < lanes; i++)
                if (inFlight[i] is { } t) { inFlight[i] = null; await t; }
        }
        try
        {
            try
            {
                // Reading, checking and hashing rows (one core) runs ahead of settling and writing chunks (the other core and
                // the database), through a bounded channel of batches of rows: memory stays bounded by a few chunks.
                var channel = new ItemBatches();
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var producer = Task.Run(() => ReadAsync(body, format, charset, report, channel, stop.Token), stop.Token);
                FieldProblem? fileProblem = null;
                try
                {
                    while (true)
                    {
                        if (!channel.TryRead(out var item))
                        {
                            // Nothing read yet. With lanes, a chunk is cut where the person changes, so the rows read so far may
                            // wait for more: if the sender pauses (a second), they are settled meanwhile and the progress shows them.
                            if (lanes > 1 && pending.Count > 0)
                            {
                                using var pause = CancellationTokenSource.CreateLinkedTokenSource(ct);
                                pause.CancelAfter(TimeSpan.FromSeconds(1));
                                try { if (!await channel.WaitToReadAsync(pause.Token)) break; }
                                catch (OperationCanceledException) when (!ct.IsCancellationRequested) { await DispatchAsync(); }
                            }
                            else if (!await channel.WaitToReadAsync(ct)) break;
                            continue;
                        }
                        if (item.FileProblem is not null) { fileProblem = item.FileProblem; continue; }
                        if (item.Refused is not null)
                        {
                            lock (report) { Reject(report, item.Row, item.Line, item.Id, item.Refused); report.RowsDone++; }
                            continue;
                        }
                        pending.Add(item.Pending!);
                        // A full chunk ends where the person changes (a file in person order then never has one person in two
                        // chunks, so the lanes seldom wait for each other), when no further row is read yet (a slow sender
                        // still sees its progress), or at four chunks' size whatever comes.
                        if (pending.Count >= ChunkSize && (lanes == 1 || pending.Count >= 4 * ChunkSize || !channel.TryPeek(out var next)
                                || next.Pending is null || !string.Equals(next.Pending.Input.PersonKey, item.Pending.Input.PersonKey, StringComparison.Ordinal)))
                            await DispatchAsync();
                    }
                }
                catch
                {
                    await stop.CancelAsync(); // the reader must not wait on a full channel nobody reads
                    try { await producer; } catch (OperationCanceledException) { }
                    throw;
                }
                await producer;
                if (fileProblem is not null)
                {
                    if (!atomic)
                    {
                        await DrainAsync();
                        foreach (var run in runs) if (run.Scope is not null) await run.Scope.CommitAsync(ct);
                    }
                    Reject(report, report.Rows + 1, 0, null, [fileProblem]);
                    report.Committed = !atomic;
                }
                else
                {
                    await DrainAsync();
                    foreach (var run in runs)
                        if (run.Scope is not null && (!atomic || (report.Rejected == 0 && !dryRun))) await run.Scope.CommitAsync(ct);
                    report.Committed = !dryRun && (!atomic || report.Rejected == 0);
                }
            }
            finally
            {
                // A chunk still running (another failed first) ends before its connection is given back.
                foreach (var t in inFlight) if (t is not null) { try { await t; } catch (Exception) { } }
                foreach (var run in runs) if (run.Scope is not null) await run.Scope.DisposeAsync();
            }
            report.State = Done;
        }
        catch (Exception e)
        {
            // The server's own failure (not the file's): committed chunks stay, the record says where it stopped.
            report.State = Failed;
            report.Committed = false;
            log.LogError(e, "settlement import {Id} failed after {Rows} rows", report.Id, report.RowsDone);
            await FinishAsync(report, actor, CancellationToken.None);
            throw;
        }
        finally
        {
            _running.TryRemove(report.Id, out _);
            log.LogInformation("settlement import {Id}: {Rows} rows; wall seconds in chunks: {Phases}; garbage collector (whole process): {Gc}", report.Id, report.Rows,
                string.Join(" | ", runs.Select(r => r.Timings.ToString())), GcFigures.Now().Since(gc, report.Rows));
        }
        report.Errors.Sort((a, b) => a.Row.CompareTo(b.Row));
        await FinishAsync(report, actor, ct);
        if (!report.Committed) report.Settled = 0;
        return report;
    }

    private async Task FinishAsync(BulkImportReport report, Actor actor, CancellationToken ct) =>
        await db.WriteAsync(async (c, tx) =>
        {
            var now = DateTimeOffset.UtcNow;
            await c.ExecAsync("UPDATE settlement_imports SET rows_total = @n, rows_settled = @s, rows_replayed = @r, rows_rejected = @x, rows_held = @h, rows_done = @d, " +
                              "committed = @c, errors_json = @e, state = @st, updated_at = @at, finished_at = @at WHERE id = @id", tx,
                ("id", report.Id), ("n", report.Rows), ("s", report.Committed ? report.Settled : 0L), ("r", report.Replayed), ("x", report.Rejected), ("h", report.Held),
                ("d", report.RowsDone), ("c", report.Committed), ("e", Json.Serialize(report.Errors)), ("st", report.State), ("at", now));
            await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "import", "settlement_import", report.Id, null,
                new { report.Format, report.Mode, report.DryRun, report.Rows, report.Settled, report.Replayed, report.Rejected, report.Committed, report.State });
            return 0;
        }, ct);

    /// <summary>Where a chunk's wall time goes (logged at the end of each import, for the benchmarks).</summary>
    private sealed class Timings
    {
        public double Load, Decide, Settlements, Details, Hooks;
        private long _t = System.Diagnostics.Stopwatch.GetTimestamp();
        public void Start() => _t = System.Diagnostics.Stopwatch.GetTimestamp();
        public void Add(ref double phase) { var now = System.Diagnostics.Stopwatch.GetTimestamp(); phase += (now - _t) / (double)System.Diagnostics.Stopwatch.Frequency; _t = now; }
        public override string ToString() => FormattableString.Invariant($"load {Load:F1}, settle {Decide:F1}, write settlements {Settlements:F1}, write audit/context/items {Details:F1}, hooks {Hooks:F1}");
    }


    /// <summary>
    /// The process's allocations and collections during an import (logged with the timings, for the benchmarks: bytes
    /// allocated per row do not depend on how loaded the machine is, CPU seconds do).
    /// </summary>
    private readonly record struct GcFigures(long Allocated, int Gen0, int Gen1, int Gen2, TimeSpan Paused)
    {
        public static GcFigures Now() => new(GC.GetTotalAllocatedBytes(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());

        public string Since(GcFigures start, long rows) => FormattableString.Invariant(
            $"{(Allocated - start.Allocated) / Math.Max(1, rows)} bytes allocated per row, collections gen0 {Gen0 - start.Gen0} gen1 {Gen1 - start.Gen1} gen2 {Gen2 - start.Gen2}, paused {(Paused - start.Paused).TotalSeconds:F1} s");
    }

    /// <summary>What the reader hands on: a row to settle, a row refused as read, or a problem of the whole file (the last item).</summary>
    private sealed record Item(long Row, long Line, string? Id, PendingRow? Pending, IReadOnlyList<FieldProblem>? Refused, FieldProblem? FileProblem = null);

    /// <summary>Reads the rows (only this task touches <see cref="BulkImportReport.Rows"/> until it ends), checks plausibility and hashes each bill.</summary>
    private async Task ReadAsync(Stream body, string format, Encoding? charset, BulkImportReport report, ItemBatches output, CancellationToken ct)
    {
        try
        {
            // The rows read so far are handed on before the reader waits for the sender (a slow sender sees its progress).
            body = new FlushBeforeWait(body, () => output.FlushAsync(ct));
            using var reader = format == "csv" ? await CsvEncoding.ReaderAsync(body, charset, ct)
                : new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
            await foreach (var (row, line, read, rowProblems) in Rows(reader, format, ct))
            {
                report.Rows++;
                if (rowProblems.Count > 0 || !read!.Ok)
                {
                    await output.WriteAsync(new(row, line, null, null, rowProblems.Count > 0 ? rowProblems : BillRequest.ToFields(read!.Problems)), ct);
                    continue;
                }
                var input = read.Value!;
                IReadOnlyList<FieldProblem> hold;
                try { hold = plausibility.Check(input); }
                catch (ApiProblemException e) { await output.WriteAsync(new(row, line, input.Bill.Id, null, e.Fields), ct); continue; }
                await output.WriteAsync(new(row, line, input.Bill.Id, new PendingRow(row, line, input, SettlementService.HashOf(input), hold), null), ct);
            }
            await output.CompleteAsync(ct);
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            await output.WriteAsync(new(0, 0, null, null, null, new FieldProblem("file", e is DecoderFallbackException
                ? CsvEncoding.Undecodable(charset ?? CsvEncoding.Utf8) : new(e.Message, e.Message))), ct);
            await output.CompleteAsync(ct);
        }
        catch (Exception e) { output.Fail(e); }
    }

    /// <summary>
    /// The reader's items handed to the settling side in batches through a bounded channel: one channel operation, and at most
    /// one wake-up of the settling side, per batch instead of per row (a wake-up per row cost a thread switch per row). A batch is
    /// handed on when full, before the reader waits for the sender (<see cref="FlushBeforeWait"/>) and at the end. One writer
    /// (the reader task), one reader (the dispatch loop); memory stays bounded by two chunks' rows, as with a row per item.
    /// </summary>
    private sealed class ItemBatches
    {
        public const int BatchRows = 64;
        private readonly Channel<List<Item>> _channel =
            Channel.CreateBounded<List<Item>>(new BoundedChannelOptions(2 * ChunkSize / BatchRows) { SingleReader = true, SingleWriter = true });
        private List<Item> _writing = new(BatchRows);
        private List<Item>? _reading;
        private int _next;

        public ValueTask WriteAsync(Item item, CancellationToken ct)
        {
            _writing.Add(item);
            return _writing.Count >= BatchRows ? FlushAsync(ct) : ValueTask.CompletedTask;
        }

        public ValueTask FlushAsync(CancellationToken ct)
        {
            if (_writing.Count == 0) return ValueTask.CompletedTask;
            var batch = _writing;
            _writing = new List<Item>(BatchRows);
            return _channel.Writer.WriteAsync(batch, ct);
        }

        public async Task CompleteAsync(CancellationToken ct)
        {
            await FlushAsync(ct);
            _channel.Writer.Complete();
        }

        public void Fail(Exception e) => _channel.Writer.Complete(e);

        public bool TryRead(out Item item)
        {
            if (_reading is null || _next >= _reading.Count)
            {
                if (!_channel.Reader.TryRead(out _reading)) { item = null!; return false; }
                _next = 0;
            }
            item = _reading[_next++];
            return true;
        }

        public bool TryPeek(out Item item)
        {
            if (_reading is not null && _next < _reading.Count) { item = _reading[_next]; return true; }
            if (_channel.Reader.TryPeek(out var batch)) { item = batch[0]; return true; }
            item = null!;
            return false;
        }

        public ValueTask<bool> WaitToReadAsync(CancellationToken ct) =>
            _reading is not null && _next < _reading.Count ? ValueTask.FromResult(true) : _channel.Reader.WaitToReadAsync(ct);
    }

    /// <summary>The request body, read as it is, except that before a read that has to wait for the sender it calls <paramref name="flush"/>.</summary>
    private sealed class FlushBeforeWait(Stream inner, Func<ValueTask> flush) : ReadOnlyStream
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            var read = inner.ReadAsync(buffer, ct);
            if (!read.IsCompleted) await flush();
            return await read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }

    private sealed record PendingRow(long Row, long Line, BillDocument Input, string Hash, IReadOnlyList<FieldProblem> Hold);

    /// <summary>A chunk's outcome, merged into the report only once the chunk is written.</summary>
    private sealed class ChunkResult
    {
        public long Settled, Replayed, Held;
        public readonly List<(PendingRow Row, IReadOnlyList<FieldProblem> Problems)> Refused = [];
    }

    /// <summary>A settlement id stored meanwhile by someone else (another person's one-stop settlement): the chunk is read and settled again.</summary>
    internal sealed class ChunkRaced : Exception;

    /// <summary>One lane of an import: its open transaction, in which it settles and writes one chunk after another.</summary>
    private sealed class Run(BulkImport owner, BulkImportReport report, bool atomic, Actor actor, string source)
    {
        public WriteScope? Scope;
        public readonly Timings Timings = new();
        /// <summary>The lane's chunk's JSON columns, as UTF-8 (kept from chunk to chunk).</summary>
        public readonly JsonArena Json = new();
        private Database Db => owner.Db;

        /// <param name="locked">Set once the chunk's persons are locked (the next chunk may then start), or null.</param>
        public async Task ChunkAsync(List<PendingRow> pending, TaskCompletionSource? locked, long number, CancellationToken ct)
        {
            if (pending.Count == 0) return;
            Scope ??= await Db.BeginWriteAsync(ct);
            var pg = Db.Dialect == Dialect.Postgres;
            for (var attempt = 1; ; attempt++)
            {
                if (pg) await Scope.Transaction.SaveAsync("chunk", ct);
                var holdsLocks = false;
                async Task At(string point)
                {
                    if (point == "locked")
                    {
                        // A retry rolls back to here, not to "chunk": the persons stay locked, so a later chunk waiting for one
                        // of them cannot take it meanwhile and settle the person's later bills first.
                        if (pg) { await Scope!.Transaction.SaveAsync("locked", ct); holdsLocks = true; }
                        locked?.TrySetResult();
                    }
                    if (owner.ChunkHook is { } hook) await hook(number, attempt, point);
                }
                try
                {
                    var result = await owner.SettleChunkAsync(Scope.Connection, Scope.Transaction, pending, actor, source, Timings, Json, At);
                    if (pg) await Scope.Transaction.ReleaseAsync("chunk", ct);
                    lock (report)
                    {
                        report.Settled += result.Settled; report.Replayed += result.Replayed; report.Held += result.Held;
                        foreach (var (row, problems) in result.Refused) Reject(report, row.Row, row.Line, row.Input.Bill.Id, problems);
                    }
                    break;
                }
                catch (Exception e) when (pg && attempt < 5 && (e is ChunkRaced || Database.IsUniqueViolation(e) || e is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.DeadlockDetected }))
                {
                    // An id stored meanwhile (by one-stop settlement or the import's other lane), or a deadlock: read and settle again.
                    await Scope.Transaction.RollbackAsync(holdsLocks ? "locked" : "chunk", ct);
                }
            }
            (string, object?)[] progress;
            lock (report)
            {
                report.RowsDone += pending.Count;
                progress = [("id", report.Id), ("n", report.Rows), ("d", report.RowsDone), ("s", report.Settled), ("r", report.Replayed), ("x", report.Rejected),
                    ("h", report.Held), ("at", DateTimeOffset.UtcNow)];
            }
            if (atomic) return;
            // per_row: the chunk is committed with the import's progress, so GET shows it on any node (GREATEST: the other
            // lane may have committed a later figure first).
            await Scope.Connection.ExecAsync(SettlementBatchStore.ProgressSql(Db.Dialect), Scope.Transaction, progress);
            if (pg) await Scope.CommitAndContinueAsync(ct);
            else
            {
                await Scope.CommitAsync(ct);
                await Scope.DisposeAsync(); // releases SQLite's writer between chunks so one-stop settlement goes on
                Scope = null;
            }
        }
    }

    /// <summary>Settles a chunk of rows in file order (one implementation: <see cref="SettlementService.Decide"/>) and writes what it stored set-based.</summary>
    private async Task<ChunkResult> SettleChunkAsync(DbConnection c, DbTransaction tx, List<PendingRow> rows, Actor actor, string source, Timings timings,
        JsonArena json, Func<string, Task> at)
    {
        timings.Start();
        json.Reset();
        var years = rows.Select(r => r.Input.Bill.Date.Year).ToList();
        var state = await SettlementBatchStore.LoadAsync(c, tx, db.Dialect, rows.Select(r => ChineseId.NormalizeKey(r.Input.PersonKey)).ToList(),
            rows.Select(r => r.Input.Bill.Id).ToList(), years.Min() - 1, years.Max());
        await at("locked");
        timings.Add(ref timings.Load);
        var result = new ChunkResult();
        var group = await service.SettleGroupAsync(c, tx, rows.Select(r => new GroupBill(r.Input, r.Hash, actor, source, r.Hold)).ToList(), state, json);
        for (var i = 0; i < rows.Count; i++)
        {
            var o = group.Outcomes[i];
            if (o.New is not null) result.Settled++;
            else if (o.Refused is { } e) result.Refused.Add((rows[i], e.Fields.Count > 0 ? e.Fields : [new FieldProblem("$", e.Title)]));
            else if (o.Answer is { Held: not null, Replayed: false }) result.Held++;
            else result.Replayed++;
        }
        var (fresh, deltas) = (group.Fresh, group.Deltas);
        timings.Add(ref timings.Decide);
        if (fresh.Count == 0) return result;
        var settlementRows = fresh.Select(SettlementBatchStore.SettlementRow).ToList();
        // PostgreSQL: straight into the table by binary COPY (no staging copy of the rows): an id stored meanwhile by someone
        // else (the chunk read it absent) fails the COPY with a unique violation, and the chunk is read and settled again.
        // SQLite has one writer: nobody stores anything meanwhile.
        var inserted = db.Dialect == Dialect.Postgres
            ? await BulkRows.WriteAsync(c, tx, "settlements", SettlementBatchStore.SettlementColumns, settlementRows)
            : await BulkRows.InsertNewAsync(c, tx, "settlements", "id", SettlementBatchStore.SettlementColumns, settlementRows);
        if (inserted != fresh.Count) throw new ChunkRaced();
        await at("written");
        // What the year-end rules read of each bill (YearFacts), as the one-stop settlement stores it.
        await BulkRows.WriteAsync(c, tx, "settlement_year_facts", SettlementBatchStore.YearFactColumns,
            fresh.Select(SettlementBatchStore.YearFactRow).ToList());
        timings.Add(ref timings.Settlements);
        await BulkRows.WriteAsync(c, tx, "audit_log", SettlementBatchStore.AuditColumns, fresh.Select(SettlementBatchStore.AuditRow).ToList());
        await BulkRows.WriteAsync(c, tx, "settlement_context", SettlementBatchStore.ContextColumns,
            fresh.Select(n => SettlementContext.ContextRow(n.Input)).OfType<object?[]>().ToList());
        await BulkRows.WriteAsync(c, tx, "settlement_items", SettlementBatchStore.ItemColumns, fresh.SelectMany(n => SettlementContext.ItemRows(n.Input)).ToList());
        timings.Add(ref timings.Details);
        await LedgerTotals.AddManyAsync(c, tx, deltas);
        // The console's monthly aggregates of the chunk, summed: one upsert.
        await service.AggregateManyAsync(c, tx, fresh);
        timings.Add(ref timings.Hooks);
        return result;
    }

    private static void Reject(BulkImportReport report, long row, long line, string? id, IEnumerable<FieldProblem> problems)
    {
        report.Rejected++;
        if (report.Errors.Count >= MaxErrorsKept) { report.ErrorsTruncated = true; return; }
        report.Errors.Add(new RowError(row, line, id, problems.GroupBy(p => p.Path).ToDictionary(g => g.Key, g => g.Select(p => p.Message.Zh + " / " + p.Message.En).ToArray())));
    }

    /// <summary>The rows as bills, read by Doudi.Cases' reader (CSV cells as text, a JSON line as a bill object), with problems of the row's shape.</summary>
    private static async IAsyncEnumerable<(long Row, long Line, ReadResult<BillDocument>? Read, List<FieldProblem> Problems)> Rows(
        TextReader reader, string format, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        long row = 0;
        if (format == "csv")
        {
            List<string>? header = null;
            await foreach (var (line, cells) in new CsvReader(reader).ReadAllAsync(ct))
            {
                if (header is null) { header = cells.Select(h => h.Trim()).ToList(); continue; }
                row++;
                var problems = new List<FieldProblem>();
                if (cells.Count != header.Count)
                    problems.Add(new("$", new($"应有 {header.Count} 列，实有 {cells.Count} 列", $"expected {header.Count} columns, found {cells.Count}")));
                if (problems.Count > 0) { yield return (row, line, null, problems); continue; }
                for (var i = 0; i < cells.Count; i++) cells[i] = cells[i].Trim(); // the row's own list: trimmed in place
                yield return (row, line, BillReader.ReadRow(header, cells), problems);
            }
            if (header is null) throw new FormatException("the file is empty or has no header / 文件为空或缺少表头");
            yield break;
        }
        long lineNo = 0;
        string? text;
        while ((text = await reader.ReadLineAsync(ct)) is not null)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            row++;
            if (text.Length > BillRequest.MaxBytes)
            {
                yield return (row, lineNo, null, [new("$", new("此行过长，不是一张单据", "the line is too long to be one bill"))]);
                continue;
            }
            yield return (row, lineNo, BillReader.ReadDocument(Encoding.UTF8.GetBytes(text)), []);
        }
    }
}
