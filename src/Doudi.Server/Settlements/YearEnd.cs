using System.Threading.Channels;
using Doudi.Engine.Results;
using Doudi.Engine.Settlement;
using Doudi.Server.Api;
using Doudi.Server.Audit;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Settlements;

/// <summary>
/// The engine's annual rules (fuyang special assistance and cap, wenzhou-2022 resolution, jiande household lines)
/// over the stored, non-reversed settlements of a region's cost year, with each bill's effective result
/// (<see cref="StoredYear"/>). A city's year is settled household chunk by household chunk and its results written as
/// rows as it goes (<see cref="YearEndStore"/>), so memory holds one chunk. Each run is stored and audited; a later run
/// does not overwrite an earlier one.
/// </summary>
public sealed class YearEnd(Database db, ISettlementCalculator calculator, ILogger<YearEnd> log)
{
    /// <summary>Households settled (and written) at a time; the answer does not depend on it (tested).</summary>
    public int HouseholdsPerChunk { get; set; } = StoredYear.DefaultHouseholdsPerChunk;

    public async Task<YearEndRunHeader> RunAsync(string region, int year, Actor actor, CancellationToken ct)
    {
        // One run of a region's year at a time across nodes: a second one started meanwhile is told (409), not queued. The
        // lock is held by a transaction of its own for the whole run (PostgreSQL; SQLite is one node and needs none).
        await using var held = await RunLocks.HoldAsync(db, $"year-end:{region}:{year}", ct)
            ?? throw new ApiProblemException(StatusCodes.Status409Conflict, new($"{region} {year} 年度结算正在另一节点运行，请稍后查看结果", $"a year-end run of {region} {year} is in progress on another node; look for its result shortly"),
                type: "https://doudi.example/problems/conflict") { RetryAfterSeconds = 30 };
        await using var scope = await db.BeginWriteAsync(ct);
        var (c, tx) = (scope.Connection, scope.Transaction);
        // Every chunk reads the same snapshot of the year (PostgreSQL; SQLite's write transaction is one already).
        if (db.Dialect == Dialect.Postgres) await c.ExecAsync("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", tx);
        var stats = new RunStats();
        var run = await SettleAsync(c, tx, db.Dialect, calculator, region, year, actor.Name, HouseholdsPerChunk, null, ct, stats: stats);
        await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "run", "year_end", run.Id, null,
            new { region, year, persons = run.Persons, households = run.Households, bills = run.Bills });
        await scope.CommitAsync(ct);
        log.LogInformation("year-end run {Run} of {Region} {Year}: {Bills} bills, {Persons} person-years, {Households} household-years in {Elapsed:F1} s " +
            "(storing rows {Storing:F1} s; {Workers} workers settling {Settling:F1} s in all)", run.Id, region, year, run.Bills, run.Persons, run.Households,
            stats.Elapsed.TotalSeconds, stats.Storing.TotalSeconds, stats.Workers, stats.Settling.TotalSeconds);
        return run;
    }

    /// <summary>
    /// Settles the region's year chunk by chunk in the caller's write transaction and stores the run; <paramref name="each"/>
    /// sees every chunk with its results, in order (relief runs pay from them). <paramref name="stats"/>, when given, is
    /// told where the time went.
    /// </summary>
    /// <remarks>
    /// The work overlaps, since a city's year keeps the database and the engine about equally busy: this caller owns the
    /// connection — it reads chunk n+1 and stores the rows of the chunks already settled, in chunk order — while workers
    /// (one per core) parse, settle and serialise the chunks read before. At most one read chunk waits for a worker and at
    /// most one settled chunk per worker waits to be stored, so memory holds a few chunks whatever the year's size. The
    /// results do not depend on the chunking, the overlap or the number of workers (tested: chunk by chunk equals the
    /// whole year); the engine is pure, so chunks settle independently.
    /// </remarks>
    public static async Task<YearEndRunHeader> SettleAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx, Dialect dialect,
        ISettlementCalculator calculator, string region, int year, string createdBy, int householdsPerChunk,
        Func<YearData, List<PersonYearResult>, List<HouseholdYearResult>, Task>? each, CancellationToken ct, string? problemType = null, RunStats? stats = null)
    {
        var run = await YearEndStore.BeginAsync(c, tx, region, year, createdBy);
        var runId = run.Id;
        int persons = 0, households = 0, bills = 0;
        int workers = Math.Clamp(Environment.ProcessorCount, 1, 4);
        var read = Channel.CreateBounded<(StoredYearChunk Chunk, TaskCompletionSource<Settled> Done)>(
            new BoundedChannelOptions(1) { SingleWriter = true, SingleReader = workers == 1 });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        long settling = 0;
        var pool = Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            await foreach (var (raw, done) in read.Reader.ReadAllAsync(stop.Token))
            {
                long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                try
                {
                    var chunk = raw.Build();
                    var (ps, hs) = Settle(calculator, chunk, problemType);
                    // The chunk and its results are kept only for a caller that looks at them: memory holds the rows to store.
                    done.SetResult(new(each is null ? null : (chunk, ps, hs), ps.Count, hs.Count, chunk.Results.Count,
                        YearEndStore.Rows(runId, ps, hs, id => chunk.Persons.TryGetValue(id, out var p) ? p.Household : id)));
                }
                catch (Exception e)
                {
                    done.SetException(e); // answered by the connection's stage when it comes to this chunk
                    stop.Cancel();        // nothing after it is settled or stored
                    return;
                }
                finally { Interlocked.Add(ref settling, System.Diagnostics.Stopwatch.GetTimestamp() - t0); }
            }
        }, CancellationToken.None)).ToArray();

        // Chunks handed to the workers and not yet stored, in the order they were read (and are stored).
        var pending = new Queue<Task<Settled>>();
        long started = System.Diagnostics.Stopwatch.GetTimestamp(), storing = 0;
        async Task StoreAsync(Settled s)
        {
            long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            await YearEndStore.AddAsync(c, tx, s.Rows, ct);
            storing += System.Diagnostics.Stopwatch.GetTimestamp() - t0;
            if (each is not null) await each(s.Seen!.Value.Chunk, s.Seen.Value.Persons, s.Seen.Value.Households);
            persons += s.Persons;
            households += s.Households;
            bills += s.Bills;
        }
        try
        {
            await foreach (var raw in StoredYear.ReadChunksAsync(c, tx, region, year, StoredYearRead.Facts, householdsPerChunk).WithCancellation(stop.Token))
            {
                var done = new TaskCompletionSource<Settled>(TaskCreationOptions.RunContinuationsAsynchronously);
                pending.Enqueue(done.Task);
                await read.Writer.WriteAsync((raw, done), stop.Token);
                while (pending.Count > 0 && (pending.Peek().IsCompleted || pending.Count > workers)) await StoreAsync(await pending.Dequeue());
            }
            read.Writer.Complete();
            while (pending.Count > 0) await StoreAsync(await pending.Dequeue());
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // A worker failed and stopped the run: its error is the answer, not the cancellation it caused here.
            read.Writer.TryComplete();
            await EndAsync(pool);
            pending.FirstOrDefault(t => t.IsFaulted)?.GetAwaiter().GetResult();
            throw;
        }
        finally
        {
            read.Writer.TryComplete();
            stop.Cancel(); // the workers stop at once when this stage failed
            await EndAsync(pool);
        }
        if (stats is not null)
        {
            stats.Elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            stats.Storing = TimeSpan.FromSeconds(storing / (double)System.Diagnostics.Stopwatch.Frequency);
            stats.Settling = TimeSpan.FromSeconds(Interlocked.Read(ref settling) / (double)System.Diagnostics.Stopwatch.Frequency);
            stats.Workers = workers;
        }

        run = run with { Persons = persons, Households = households, Bills = bills };
        await YearEndStore.FinishAsync(c, tx, run);
        return run;
    }

    private static async Task EndAsync(Task[] workers)
    {
        try { await Task.WhenAll(workers); }
        catch (OperationCanceledException) { } // a worker's own failure went to its chunk
    }

    private static (List<PersonYearResult> Persons, List<HouseholdYearResult> Households) Settle(ISettlementCalculator calculator, YearData chunk, string? problemType)
    {
        try { return calculator.SettleYears(chunk.File, chunk.Results); }
        catch (SettlementException e)
        {
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, new("年度结算无法完成", "The year-end run cannot be completed"),
                e.Problems.Select(p => new FieldProblem(p.Path, new(p.Message, p.Message))).ToList(), problemType);
        }
    }

    /// <summary>Where a run's time went: wall time, the connection's time storing rows, and the workers' time settling (summed over workers).</summary>
    public sealed class RunStats
    {
        public TimeSpan Elapsed { get; set; }
        public TimeSpan Storing { get; set; }
        public TimeSpan Settling { get; set; }
        public int Workers { get; set; }
    }

    private sealed record Settled((YearData Chunk, List<PersonYearResult> Persons, List<HouseholdYearResult> Households)? Seen, int Persons, int Households, int Bills, YearEndRows Rows);
}
