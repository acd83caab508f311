using System.Threading.Channels;
using Doudi.Cases;
using Doudi.Server.Api;
using Doudi.Server.Registry;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Settlements;

/// <summary>
/// One-stop settlement on PostgreSQL when many hospitals settle at once: bills that arrive while others are being settled are
/// settled together, in one transaction per group, by the same rules as one bill alone (<see cref="SettlementService.SettleGroupAsync"/>,
/// which the bulk import's chunks use too). A group costs two round trips to lock its persons and read what their bills need
/// (<see cref="SettlementBatchStore.LoadGroupAsync"/>) and one to store its settlements set-based and COMMIT — where one bill
/// alone costs two — so the database starts a handful of statements and flushes its WAL once per group instead of once per bill.
/// Every bill is answered only after its group's COMMIT has returned (synchronous_commit stays on): nothing answered can be lost.
/// <para>
/// A bill goes the one-bill way (<see cref="SettlementService.SettleAsync"/>), with today's answers, when it arrives alone
/// (a lane found no other waiting), when it is to be held for review, when its person is locked by another transaction (a
/// group never waits for a person: FOR UPDATE SKIP LOCKED; the one-bill way waits up to the lock timeout and answers 503),
/// when its person key names nobody, and — every bill of the group — when the group fails (an id stored meanwhile by another
/// transaction, a deadlock, a lost connection): nothing of a failed group is stored.
/// </para>
/// <para>
/// <c>Doudi:Settlement:GroupLanes</c> (default 2, 0 turns grouping off; SQLite never groups: it has one writer) groups may be
/// in flight at once, each on its own connection; <c>Doudi:Settlement:GroupSize</c> (default 32) bills at most per group.
/// Bills are taken in the order they arrived; two bills of one person in a group are settled in that order, the second
/// against the first's totals (I-3), as they would be one after the other.
/// </para>
/// </summary>
public sealed class OneStopGroups : IAsyncDisposable
{
    private sealed record Queued(GroupBill Bill, TaskCompletionSource<SettleOutcome> Answer, CancellationToken Ct);

    private readonly Database _db;
    private readonly SettlementService _service;
    private readonly ILogger<OneStopGroups> _log;
    private readonly Channel<Queued> _queue = Channel.CreateUnbounded<Queued>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly Task[] _lanes;
    private readonly int _size;

    public OneStopGroups(Database db, SettlementService service, IConfiguration config, ILogger<OneStopGroups> log)
    {
        (_db, _service, _log) = (db, service, log);
        var lanes = db.Dialect == Dialect.Postgres ? Math.Clamp(config.GetValue("Doudi:Settlement:GroupLanes", 2), 0, 16) : 0;
        _size = Math.Clamp(config.GetValue("Doudi:Settlement:GroupSize", 32), 2, 1000);
        _lanes = Enumerable.Range(0, lanes).Select(_ => Task.Run(LaneAsync)).ToArray();
    }

    /// <summary>
    /// Tests only (null otherwise): awaited by a lane at a point — "taking" (a bill waits; the lane is about to take what
    /// waits as a group), "read" (the group's persons are locked and its reads done, nothing written yet).
    /// </summary>
    public Func<string, Task>? Hook { get; set; }

    /// <summary>Bills waiting for a lane.</summary>
    public int Waiting => _queue.Reader.Count;

    private long _groups, _grouped;

    /// <summary>Groups committed so far, and the bills they settled or answered (the rest went the one-bill way).</summary>
    public (long Groups, long Bills) Committed => (Interlocked.Read(ref _groups), Interlocked.Read(ref _grouped));

    /// <summary>Settles one bill (as <see cref="SettlementService.SettleAsync"/>, whose answers it gives), in a group when others are waiting.</summary>
    public Task<SettleOutcome> SettleAsync(BillDocument input, Actor actor, string source, CancellationToken ct, IReadOnlyList<FieldProblem>? hold)
    {
        if (_lanes.Length == 0 || hold is { Count: > 0 }) return _service.SettleAsync(input, actor, source, ct, hold);
        var waiting = new Queued(new GroupBill(input, SettlementService.HashOf(input), actor, source, null),
            new TaskCompletionSource<SettleOutcome>(TaskCreationOptions.RunContinuationsAsynchronously), ct);
        return _queue.Writer.TryWrite(waiting) ? waiting.Answer.Task : _service.SettleAsync(input, actor, source, ct, hold);
    }

    /// <summary>One lane: takes what is waiting (at most a group), settles it, and again; a lone bill goes the one-bill way.</summary>
    private async Task LaneAsync()
    {
        var reader = _queue.Reader;
        var group = new List<Queued>(_size);
        while (await reader.WaitToReadAsync())
        {
            if (Hook is { } hook) await hook("taking");
            group.Clear();
            while (group.Count < _size && reader.TryRead(out var w))
            {
                if (w.Ct.IsCancellationRequested) w.Answer.TrySetCanceled(w.Ct); // the client left before anything was done
                else group.Add(w);
            }
            try
            {
                if (group.Count == 1) await LoneAsync(group[0]);
                else if (group.Count > 1) await GroupAsync(group);
            }
            catch (Exception e)
            {
                // Not expected (every bill is answered inside): the lane goes on.
                _log.LogError(e, "one-stop settlement group failed outside its bills");
                foreach (var w in group) w.Answer.TrySetException(e);
            }
        }
    }

    /// <summary>
    /// How long a lane waits for a lone bill's answer before it takes what waits next. While it waits, the bills arriving
    /// meanwhile make the next group (a lane that never waited would take every bill alone); a bill whose person another
    /// transaction holds waits up to the lock timeout, and must not hold up every counter that long.
    /// </summary>
    private static readonly TimeSpan LoneWait = TimeSpan.FromMilliseconds(20);

    private async Task LoneAsync(Queued w)
    {
        var answer = AloneAsync(w);
        using var stop = new CancellationTokenSource();
        await Task.WhenAny(answer, Task.Delay(LoneWait, stop.Token));
        await stop.CancelAsync();
    }

    /// <summary>The one-bill way, answering the waiting request with what it answers.</summary>
    private async Task AloneAsync(Queued w)
    {
        try { w.Answer.TrySetResult(await _service.SettleAsync(w.Bill.Input, w.Bill.Actor, w.Bill.Source, w.Ct)); }
        catch (OperationCanceledException) when (w.Ct.IsCancellationRequested) { w.Answer.TrySetCanceled(w.Ct); }
        catch (Exception e) { w.Answer.TrySetException(e); }
    }

    private async Task GroupAsync(List<Queued> group)
    {
        (GroupOutcome[] Outcomes, bool[] Alone) done;
        try
        {
            done = await _db.WriteAsync(scope => SettleAndStoreAsync(scope, group), null, CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Nothing of the group is stored: each bill goes the one-bill way, at once and side by side (one may wait for a lock).
            if (!Database.IsUniqueViolation(e)) _log.LogWarning("one-stop settlement group of {Count} bills failed ({Error}); settling them one by one", group.Count, e.GetType().Name);
            foreach (var w in group) _ = AloneAsync(w);
            return;
        }
        Interlocked.Increment(ref _groups);
        Interlocked.Add(ref _grouped, done.Alone.Count(a => !a));
        for (var i = 0; i < group.Count; i++)
        {
            var (w, o) = (group[i], done.Outcomes[i]);
            if (done.Alone[i]) _ = AloneAsync(w);
            else if (o.New is { } n)
                w.Answer.TrySetResult(n.Answer());
            else if (o.Refused is { } refused) w.Answer.TrySetException(refused);
            else w.Answer.TrySetResult(o.Answer!);
        }
    }

    private async Task<(GroupOutcome[], bool[])> SettleAndStoreAsync(WriteScope scope, List<Queued> group)
    {
        var (c, tx) = (scope.Connection, scope.Transaction);
        var keys = group.Select(w => ChineseId.NormalizeKey(w.Bill.Input.PersonKey)).ToList();
        var years = group.Select(w => w.Bill.Input.Bill.Date.Year).ToList();
        var state = await SettlementBatchStore.LoadGroupAsync(c, tx, keys, group.Select(w => w.Bill.Input.Bill.Id).ToList(), years.Min() - 1, years.Max(),
            _db.SettlementLockTimeout);
        if (Hook is { } hook) await hook("read");
        // A bill whose person this group could not lock (held by another transaction) or that names nobody goes the one-bill way.
        var alone = keys.Select(k => !state.PersonsByKey.ContainsKey(k)).ToArray();
        var mine = group.Where((_, i) => !alone[i]).Select(w => w.Bill).ToList();
        var settled = await _service.SettleGroupAsync(c, tx, mine, state, json: null);
        if (settled.Fresh.Count > 0)
        {
            var writes = _service.GroupWritesSql(c, settled);
            await c.ExecAsync(string.Join(";", writes.Select(x => x.Sql)) + ";" + Database.CommitSql, tx, [.. writes.SelectMany(x => x.Args)]);
            scope.MarkCommitted();
        }
        // The outcomes back in the group's order, those gone the one-bill way left empty.
        var outcomes = new GroupOutcome[group.Count];
        for (int i = 0, m = 0; i < group.Count; i++) if (!alone[i]) outcomes[i] = settled.Outcomes[m++];
        return (outcomes, alone);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        try { await Task.WhenAll(_lanes); } catch (Exception) { }
        if (_lanes.Length > 0)
            _log.LogInformation("one-stop settlement: {Groups} groups committed {Bills} bills", Interlocked.Read(ref _groups), Interlocked.Read(ref _grouped));
    }
}
