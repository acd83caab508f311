using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Doudi.Server.Storage;

/// <summary>
/// Opens connections and write transactions. SQLite has one writer: write transactions are serialised by an
/// in-process gate and taken with BEGIN IMMEDIATE; PostgreSQL writers run concurrently and lock the rows they need.
/// </summary>
public sealed class WriteScope(DbConnection connection, DbTransaction transaction, SemaphoreSlim? gate) : IAsyncDisposable
{
    public DbConnection Connection { get; } = connection;
    public DbTransaction Transaction { get; private set; } = transaction;
    private bool _done;

    public async Task CommitAsync(CancellationToken ct = default) { await Transaction.CommitAsync(ct); _done = true; }

    /// <summary>True once the transaction is committed (by <see cref="CommitAsync"/> or by a COMMIT the caller sent).</summary>
    public bool Committed => _done;

    /// <summary>
    /// The caller's last batch ended with COMMIT (PostgreSQL: <see cref="Database.CommitSql"/>) and succeeded: the transaction
    /// is committed and durable, and neither <see cref="CommitAsync"/> nor a rollback on dispose may follow.
    /// </summary>
    public void MarkCommitted() => _done = true;

    /// <summary>Commits what is done so far and starts the next transaction on the same connection, keeping the writer gate.</summary>
    public async Task CommitAndContinueAsync(CancellationToken ct = default)
    {
        await Transaction.CommitAsync(ct);
        await Transaction.DisposeAsync();
        Transaction = Connection is SqliteConnection s ? s.BeginTransaction(deferred: false)
            : await Connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, ct);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_done) { try { await Transaction.RollbackAsync(); } catch (InvalidOperationException) { } }
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
        finally { gate?.Release(); }
    }
}

public sealed class Database : IDisposable
{
    private readonly NpgsqlDataSource? _pg;
    private readonly SemaphoreSlim _sqliteWriter = new(1, 1);
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> Initialised = new();
    private static readonly object Marker = new();

    public Dialect Dialect { get; }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, int> _slots = new();
    private int _nextSlot = Random.Shared.Next(1 << 20); // another node starts elsewhere

    /// <summary>
    /// A small number that differs between the physical connections this process uses at once (PostgreSQL: by backend
    /// process, numbered in the order first seen), so rows spread over slots (aggregate shards) are not shared by two of
    /// its transactions at a time. SQLite (one writer): 0.
    /// </summary>
    public int ConnectionSlot(DbConnection c) =>
        c is NpgsqlConnection n ? _slots.GetOrAdd(n.ProcessID, _ => Interlocked.Increment(ref _nextSlot)) & int.MaxValue : 0;
    public string ConnectionString { get; }

    public Database(DatabaseOptions options)
    {
        Dialect = options.Dialect;
        if (Dialect == Dialect.Sqlite)
        {
            var b = new SqliteConnectionStringBuilder(options.ConnectionString) { Pooling = true, DefaultTimeout = 60, ForeignKeys = true };
            ConnectionString = b.ConnectionString;
        }
        else
        {
            var b = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            if (b.MaxPoolSize == 100) b.MaxPoolSize = 64;
            // Server-side prepared statements for the statements every settlement runs.
            if (b.MaxAutoPrepare == 0) { b.MaxAutoPrepare = 64; b.AutoPrepareMinUsages = 2; }
            // The server never changes session state, so a pooled connection needs no DISCARD ALL round trip.
            b.NoResetOnClose = true;
            ConnectionString = b.ConnectionString;
            _pg = new NpgsqlDataSourceBuilder(ConnectionString).Build();
        }
    }

    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        if (_pg is not null) return await _pg.OpenConnectionAsync(ct);
        var c = new SqliteConnection(ConnectionString);
        await c.OpenAsync(ct);
        // Pooled connections keep their native handle: set the per-connection pragmas once per handle.
        if (c.Handle is { } handle && !Initialised.TryGetValue(handle, out _))
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA busy_timeout=60000; PRAGMA synchronous=NORMAL;";
            await cmd.ExecuteNonQueryAsync(ct);
            Initialised.AddOrUpdate(handle, Marker);
        }
        return c;
    }

    /// <summary>Runs <paramref name="work"/> in one write transaction, committed only if it returns without throwing.</summary>
    public Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct = default) => WriteAsync(work, null, ct);

    /// <summary>As <see cref="WriteAsync{T}(Func{DbConnection, DbTransaction, Task{T}}, CancellationToken)"/>, waiting and retrying as <paramref name="options"/> say.</summary>
    public Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, WriteOptions? options, CancellationToken ct = default) =>
        WriteAsync(scope => work(scope.Connection, scope.Transaction), options, ct);

    /// <summary>
    /// As above, the work given the scope: it may end the transaction itself with a COMMIT in its last batch
    /// (<see cref="WriteScope.MarkCommitted"/>), which saves the commit's own round trip.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<WriteScope, Task<T>> work, WriteOptions? options, CancellationToken ct = default)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                await using var scope = await BeginWriteAsync(ct, options?.LockTimeout, setLockTimeout: options is not { LockTimeoutSentByCaller: true });
                var result = await work(scope);
                if (!scope.Committed) await scope.CommitAsync(ct);
                return result;
            }
            catch (Exception e) when (attempt < (options?.Retries ?? 0) && Busy.IsRetryable(e))
            {
                // The database aborted this transaction to let another through; a short, growing pause, then again.
                await Task.Delay(TimeSpan.FromMilliseconds(20 * (attempt + 1) + Random.Shared.Next(20)), ct);
            }
        }
    }

    /// <summary>
    /// The longest a one-stop settlement waits for a row lock or the SQLite writer before it is answered 503 with Retry-After
    /// (<c>Doudi:Database:SettlementLockTimeoutMs</c>, default 3000): a hospital counter is told at once that the person is
    /// busy (a name-list import is changing them) instead of waiting for the client's own timeout.
    /// </summary>
    public TimeSpan SettlementLockTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>A write transaction held open by the caller (bulk imports commit in chunks).</summary>
    /// <param name="setLockTimeout">False: the caller sets PostgreSQL's lock wait in its first batch (<see cref="LockTimeoutSql"/>).</param>
    public async Task<WriteScope> BeginWriteAsync(CancellationToken ct = default, TimeSpan? lockTimeout = null, bool setLockTimeout = true)
    {
        var gated = Dialect == Dialect.Sqlite;
        if (gated)
        {
            if (lockTimeout is { } wait) { if (!await _sqliteWriter.WaitAsync(wait, ct)) throw new WriterBusyException(wait); }
            else await _sqliteWriter.WaitAsync(ct);
        }
        DbConnection? conn = null;
        try
        {
            conn = await OpenAsync(ct);
            DbTransaction tx = conn is SqliteConnection s
                ? s.BeginTransaction(deferred: false) // BEGIN IMMEDIATE: the one writer
                : await conn.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, ct);
            if (lockTimeout is { } t && Dialect == Dialect.Postgres && setLockTimeout)
                await conn.ExecAsync(LockTimeoutSql, tx, ("lock_timeout", LockTimeoutValue(t)));
            return new WriteScope(conn, tx, gated ? _sqliteWriter : null);
        }
        catch
        {
            if (conn is not null) await conn.DisposeAsync();
            if (gated) _sqliteWriter.Release();
            throw;
        }
    }

    public async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return await work(conn);
    }

    /// <summary>
    /// The statement that sets the transaction's lock wait (PostgreSQL, parameter @lock_timeout from <see cref="LockTimeoutValue"/>),
    /// for a caller that sends it in its first batch instead of a round trip of its own (<see cref="WriteOptions.LockTimeoutSentByCaller"/>).
    /// </summary>
    public const string LockTimeoutSql = "SELECT " + LockTimeoutSetting;

    /// <summary>The select-list item of <see cref="LockTimeoutSql"/>, for a caller that sets other values in the same SELECT.</summary>
    public const string LockTimeoutSetting = "set_config('lock_timeout', @lock_timeout, true)";

    public static string LockTimeoutValue(TimeSpan t) => $"{(long)t.TotalMilliseconds}ms";

    /// <summary>The statement that ends a batch and commits its transaction (PostgreSQL; see <see cref="WriteScope.MarkCommitted"/>).</summary>
    public const string CommitSql = "COMMIT";

    public static bool IsUniqueViolation(Exception e) => e switch
    {
        PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException s => s.SqliteErrorCode == 19 && s.Message.Contains("UNIQUE", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    /// <summary>Text the database cannot store (PostgreSQL: NUL, invalid UTF-8; the encoder: lone surrogates).</summary>
    public static bool IsUnstorableText(Exception e) => e switch
    {
        PostgresException p => p.SqlState is PostgresErrorCodes.CharacterNotInRepertoire or PostgresErrorCodes.UntranslatableCharacter,
        System.Text.EncoderFallbackException => true,
        _ => e.InnerException is not null && IsUnstorableText(e.InnerException),
    };

    public void Dispose()
    {
        _pg?.Dispose();
        _sqliteWriter.Dispose();
        if (Dialect == Dialect.Sqlite) SqliteConnection.ClearAllPools();
    }
}
