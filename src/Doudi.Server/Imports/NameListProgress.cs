using System.Collections.Concurrent;
using Doudi.Server.Api;
using Doudi.Server.Storage;

namespace Doudi.Server.Imports;

/// <summary>What <c>GET /api/name-lists/{id}</c> answers while an import runs (or after it failed): its state and rows done.</summary>
/// <param name="State"><c>reading</c> (rows parsed and checked: <paramref name="RowsRead"/>), <c>applying</c> (changes worked out:
/// <paramref name="RowsDone"/> of <paramref name="Rows"/>, written at commit), <c>done</c>, or <c>failed</c> with <paramref name="Problem"/>.</param>
public sealed record NameListImportStatus(string Batch, string State, string Department, string Month, string Region, string Mode,
    long RowsRead, long RowsDone, int? Rows, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, NameListImportProblem? Problem);

/// <summary>Why an import failed: the problem answer a synchronous import would have given.</summary>
public sealed record NameListImportProblem(int Status, string Title, IReadOnlyDictionary<string, string[]>? Errors);

/// <summary>
/// This node's name-list imports: one per department and region at a time (a second is told 409 at once; across nodes the
/// import's advisory lock does the same), and each run's progress for <c>GET</c>. Finished runs are kept an hour so an
/// asynchronous caller can read a failure; a finished import's report is read from the database.
/// Each run's progress is also stored (<see cref="NameListRunStore"/>, <c>name_list_runs</c>) so a GET on another node
/// shows it: when it starts, every <see cref="StoreEvery"/> rows read or applied (in the background, one write at a time;
/// not while applying on SQLite, whose one writer is the import's own transaction), when it starts applying and when it ends.
/// </summary>
public sealed class NameListProgress(TimeProvider clock, Database? db = null, ILogger<NameListProgress>? log = null)
{
    /// <summary>Rows between two stored progress writes: cheap (a city's million-row list is 40 writes), still moving on a GET.</summary>
    public const int StoreEvery = 50_000;

    private readonly ConcurrentDictionary<string, Run> _byBatch = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Run> _running = new(StringComparer.Ordinal);

    public static string KeyOf(string department, string region) => $"namelist|{department}|{region}";

    public sealed class Run(string batch, NameListImporter.Request request, DateTimeOffset startedAt, NameListProgress? owner = null)
    {
        internal int Storing;
        // The list's content (a city's list is 20–60 MB) is needed only while the import runs: a finished run is kept an
        // hour for GET, and holding every list's bytes that long kept ~0.5 GB alive after a city's 24 monthly lists.
        private NameListImporter.Request? _request = request;
        public string Batch { get; } = batch;
        /// <summary>The request being imported; released when the run ends (<see cref="NameListProgress.End"/>).</summary>
        public NameListImporter.Request Request => _request ?? throw new InvalidOperationException($"name-list run {Batch} has ended");
        internal bool HoldsContent => _request is not null;
        public string Department { get; } = request.Department;
        public string Month { get; } = request.Month;
        public string Region { get; } = request.Region;
        public string Mode { get; } = request.Mode;
        public string Key => KeyOf(Department, Region);
        public DateTimeOffset StartedAt { get; } = startedAt;
        public DateTimeOffset? FinishedAt { get; internal set; }
        public string State { get; internal set; } = "reading";
        private long _read, _done;
        public long RowsRead => Interlocked.Read(ref _read);
        public long RowsDone => Interlocked.Read(ref _done);
        public int? Rows { get; private set; }
        public ApiProblemException? Failure { get; internal set; }
        internal void Read() { if (Interlocked.Increment(ref _read) % StoreEvery == 0) owner?.StoreInBackground(this); }
        internal void Applied() { if (Interlocked.Increment(ref _done) % StoreEvery == 0) owner?.StoreInBackground(this); }
        internal void Applying(int rows) { Rows = rows; State = "applying"; }
        internal void Release() => _request = null;
    }

    /// <summary>Registers a run, or null when this department's list for this region is being imported on this node.</summary>
    public Run? Begin(NameListImporter.Request request, string batch)
    {
        Prune();
        var run = new Run(batch, request, clock.GetUtcNow(), this);
        if (!_running.TryAdd(run.Key, run)) return null;
        _byBatch[batch] = run;
        return run;
    }

    /// <summary>Ends a run: done, or failed with the problem its caller was (or would have been) answered; stored for every node.</summary>
    public async Task EndAsync(Run run, ApiProblemException? failure)
    {
        run.FinishedAt = clock.GetUtcNow();
        run.Failure = failure;
        run.State = failure is null ? "done" : "failed";
        run.Release();
        _running.TryRemove(new KeyValuePair<string, Run>(run.Key, run));
        await StoreAsync(run, CancellationToken.None);
    }

    /// <summary>
    /// Stores the run's progress now (at its start and when it starts applying). A failure to store progress is logged and
    /// does not fail the import: the progress is a view, the import's own transaction is what counts.
    /// </summary>
    public async Task StoreAsync(Run run, CancellationToken ct)
    {
        if (db is null) return;
        try { await NameListRunStore.SaveAsync(db, run, clock.GetUtcNow(), ct); }
        catch (Exception e) when (e is not OperationCanceledException) { log?.LogWarning(e, "Name list {Batch}: progress not stored", run.Batch); }
    }

    /// <summary>Stores the run's counts in the background, unless a write of it is in flight (the next one carries the counts on).</summary>
    private void StoreInBackground(Run run)
    {
        // SQLite has one writer, held by the import's own transaction while it applies: the write would only queue behind it.
        if (db is null || (run.State == "applying" && db.Dialect == Dialect.Sqlite)) return;
        if (Interlocked.CompareExchange(ref run.Storing, 1, 0) != 0) return;
        _ = Task.Run(async () =>
        {
            try { await StoreAsync(run, CancellationToken.None); }
            finally { Volatile.Write(ref run.Storing, 0); }
        });
    }

    /// <summary>The stored progress of a run on any node (null when none is stored).</summary>
    public Task<NameListImportStatus?> FindStoredAsync(string batch, bool english, CancellationToken ct) =>
        db is null ? Task.FromResult<NameListImportStatus?>(null) : db.ReadAsync(c => NameListRunStore.FindAsync(c, batch, english), ct);

    public Run? Find(string batch) => _byBatch.TryGetValue(batch, out var run) ? run : null;

    public static NameListImportStatus View(Run r, bool english) => new(r.Batch, r.State, r.Department, r.Month, r.Region, r.Mode,
        r.RowsRead, r.RowsDone, r.Rows, r.StartedAt, r.FinishedAt, r.Failure is not { } f ? null : new(f.Status, f.Title.Pick(english), f.Fields.Count == 0 ? null
            : f.Fields.GroupBy(x => x.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(x => x.Message.Pick(english)).ToArray(), StringComparer.Ordinal)));

    private void Prune()
    {
        var before = clock.GetUtcNow().AddHours(-1);
        foreach (var (batch, run) in _byBatch)
            if (run.FinishedAt < before) _byBatch.TryRemove(batch, out _);
    }
}
