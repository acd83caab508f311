using System.Data.Common;

namespace Doudi.Server.Storage;

/// <summary>
/// Locks that keep a long run (a year-end run, a reconciliation of one export) to one node at a time, held for the
/// write transaction they are taken in. PostgreSQL: a transaction-scoped advisory lock on the key's hash, so two server
/// processes on one database see each other. SQLite: one node only, and its write transaction is already exclusive.
/// </summary>
public static class RunLocks
{
    /// <summary>True when this transaction now holds the lock; false at once when another holds it.</summary>
    public static async Task<bool> TryAsync(DbConnection c, DbTransaction tx, Dialect dialect, string key) =>
        dialect != Dialect.Postgres || await c.ScalarAsync("SELECT pg_try_advisory_xact_lock(hashtext(@k))", tx, ("k", key)) is true;

    /// <summary>Waits until this transaction holds the lock (the other node's run is then committed and visible).</summary>
    public static async Task WaitAsync(DbConnection c, DbTransaction tx, Dialect dialect, string key)
    {
        if (dialect == Dialect.Postgres) await c.ExecAsync("SELECT pg_advisory_xact_lock(hashtext(@k))", tx, ("k", key));
    }

    /// <summary>
    /// Holds the lock in a transaction of its own until disposed, without the SQLite writer gate (so a long run does not
    /// hold up one-stop settlement): null when another node holds it. On SQLite, a no-op scope.
    /// </summary>
    public static async Task<IAsyncDisposable?> HoldAsync(Database db, string key, CancellationToken ct)
    {
        if (db.Dialect != Dialect.Postgres) return new Nothing();
        var c = await db.OpenAsync(ct);
        var tx = await c.BeginTransactionAsync(ct);
        if (await TryAsync(c, tx, db.Dialect, key)) return new Held(c, tx);
        await tx.DisposeAsync();
        await c.DisposeAsync();
        return null;
    }

    private sealed class Held(DbConnection c, DbTransaction tx) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await tx.RollbackAsync(); // the lock goes with the transaction; nothing was written in it
            await tx.DisposeAsync();
            await c.DisposeAsync();
        }
    }

    private sealed class Nothing : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
