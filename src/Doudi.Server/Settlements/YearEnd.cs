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
public sealed class YearEnd(Database db, ISettlementCalculator calculator)
{
    /// <summary>Households settled (and written) at a time; the answer does not depend on it (tested).</summary>
    public int HouseholdsPerChunk { get; set; } = StoredYear.DefaultHouseholdsPerChunk;

    public async Task<YearEndRunHeader> RunAsync(string region, int year, Actor actor, CancellationToken ct)
    {
        // One run of a region's year at a time across nodes: a second one started meanwhile is told (409), not queued. The
        // lock is held by a transaction of its own for the whole run (PostgreSQL; SQLite is one node and needs none).
        await using var held = await RunLocks.HoldAsync(db, $"year-end:{region}:{year}", ct)
            ?? throw ApiProblemException.Conflict(new($"{region} {year} 年度结算正在另一节点运行，请稍后查看结果", $"a year-end run of {region} {year} is in progress on another node; look for its result shortly"));
        await using var scope = await db.BeginWriteAsync(ct);
        var (c, tx) = (scope.Connection, scope.Transaction);
        // Every chunk reads the same snapshot of the year (PostgreSQL; SQLite's write transaction is one already).
        if (db.Dialect == Dialect.Postgres) await c.ExecAsync("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", tx);
        var run = await SettleAsync(c, tx, db.Dialect, calculator, region, year, actor.Name, HouseholdsPerChunk, null, ct);
        await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "run", "year_end", run.Id, null,
            new { region, year, persons = run.Persons, households = run.Households, bills = run.Bills });
        await scope.CommitAsync(ct);
        return run;
    }

    /// <summary>
    /// Settles the region's year chunk by chunk in the caller's write transaction and stores the run; <paramref name="each"/>
    /// sees every chunk with its results, in order (relief runs pay from them).
    /// </summary>
    /// <remarks>
    /// Two stages overlap, since a city's year keeps the database and the engine about equally busy: this caller owns the
    /// connection — it reads chunk n+1 and stores the rows of the chunks already settled — while one worker parses, settles
    /// and serialises chunk n. At most one read chunk waits for the worker, so memory holds a few chunks whatever the
    /// year's size. The results do not depend on the chunking or the overlap (tested: chunk by chunk equals the whole year).
    /// </remarks>
    public static async Task<YearEndRunHeader> SettleAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx, Dialect dialect,
        ISettlementCalculator calculator, string region, int year, string createdBy, int householdsPerChunk,
        Func<YearData, List<PersonYearResult>, List<HouseholdYearResult>, Task>? each, CancellationToken ct, string? problemType = null)
    {
        var run = await YearEndStore.BeginAsync(c, tx, region, year, createdBy);
        int persons = 0, households = 0, bills = 0;
        var read = Channel.CreateBounded<StoredYearChunk>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        var settled = Channel.CreateUnbounded<Settled>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var runId = run.Id;
        var worker = Task.Run(async () =>
        {
            try
            {
                await foreach (var raw in read.Reader.ReadAllAsync(stop.Token))
                {
                    var chunk = raw.Build();
                    var (ps, hs) = Settle(calculator, chunk, problemType);
                    settled.Writer.TryWrite(new(chunk, ps, hs, YearEndStore.Rows(runId, ps, hs, id => chunk.Persons.TryGetValue(id, out var p) ? p.Household : id)));
                }
                settled.Writer.TryComplete();
            }
            catch
            {
                stop.Cancel(); // the connection's stage stops waiting; this failure is the one answered
                throw;
            }
        }, CancellationToken.None);

        async Task StoreAsync(Settled s)
        {
            await YearEndStore.AddAsync(c, tx, s.Rows, stop.Token);
            if (each is not null) await each(s.Chunk, s.Persons, s.Households);
            persons += s.Persons.Count;
            households += s.Households.Count;
            bills += s.Chunk.Results.Count;
        }

        Exception? failed = null;
        try
        {
            await foreach (var raw in StoredYear.ReadChunksAsync(c, tx, region, year, StoredYearRead.Facts, householdsPerChunk).WithCancellation(stop.Token))
            {
                await read.Writer.WriteAsync(raw, stop.Token);
                while (settled.Reader.TryRead(out var s)) await StoreAsync(s);
            }
            read.Writer.Complete();
            await foreach (var s in settled.Reader.ReadAllAsync(stop.Token)) await StoreAsync(s);
        }
        catch (Exception e)
        {
            failed = e;
            stop.Cancel();
        }
        finally { read.Writer.TryComplete(); }
        // The worker's failure when it failed first (this stage then only saw the cancellation); else this stage's own.
        try { await worker; }
        catch when (failed is not null and not OperationCanceledException) { }
        if (failed is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed);

        run = run with { Persons = persons, Households = households, Bills = bills };
        await YearEndStore.FinishAsync(c, tx, run);
        return run;
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

    private sealed record Settled(YearData Chunk, List<PersonYearResult> Persons, List<HouseholdYearResult> Households, YearEndRows Rows);
}
