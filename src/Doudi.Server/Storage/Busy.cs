using Microsoft.Data.Sqlite;
using Npgsql;

namespace Doudi.Server.Storage;

/// <summary>Why the database could not take a request now: it is the moment's fault, not the request's, and a retry may pass.</summary>
public enum BusyReason { LockTimeout, StatementTimeout, Deadlock, Serialization, SqliteBusy, WriterQueue }

/// <summary>This node's SQLite writer was not free within the caller's wait (<see cref="WriteOptions.LockTimeout"/>).</summary>
public sealed class WriterBusyException(TimeSpan waited) : Exception($"the database writer was busy for {waited.TotalMilliseconds:0} ms");

/// <summary>
/// Classifies the database's "not now" answers: PostgreSQL lock_not_available (55P03, lock_timeout),
/// query_canceled (57014, statement_timeout), deadlock_detected (40P01) and serialization_failure (40001); SQLite
/// SQLITE_BUSY (5) and SQLITE_LOCKED (6); and this node's SQLite writer queue. The API answers them 503 with Retry-After.
/// </summary>
public static class Busy
{
    public static BusyReason? Of(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException p when p.SqlState == PostgresErrorCodes.LockNotAvailable: return BusyReason.LockTimeout;
                case PostgresException p when p.SqlState == PostgresErrorCodes.QueryCanceled: return BusyReason.StatementTimeout;
                case PostgresException p when p.SqlState == PostgresErrorCodes.DeadlockDetected: return BusyReason.Deadlock;
                case PostgresException p when p.SqlState == PostgresErrorCodes.SerializationFailure: return BusyReason.Serialization;
                case SqliteException s when s.SqliteErrorCode is 5 or 6: return BusyReason.SqliteBusy;
                case WriterBusyException: return BusyReason.WriterQueue;
                // The client's own wait for an answer ran out (Npgsql's command timeout): nothing was committed.
                case NpgsqlException n when n.InnerException is TimeoutException: return BusyReason.StatementTimeout;
            }
        }
        return null;
    }

    /// <summary>Conflicts the database resolved by aborting one transaction: running the whole transaction again is safe.</summary>
    public static bool IsRetryable(Exception e) => Of(e) is BusyReason.Deadlock or BusyReason.Serialization;
}

/// <summary>
/// How a write transaction waits for others. <paramref name="LockTimeout"/>: the longest wait for a row lock (PostgreSQL
/// <c>SET LOCAL lock_timeout</c>) or for this node's SQLite writer, after which the request is told "busy, retry" instead of
/// waiting on; null waits as long as the database does. <paramref name="Retries"/>: how often a transaction aborted by a
/// deadlock or a serialization failure is run again (its work must only write through the transaction).
/// <paramref name="LockTimeoutSentByCaller"/>: PostgreSQL's lock wait is set by the work itself, in its first batch
/// (<see cref="Database.LockTimeoutSql"/>), which saves a round trip (SQLite's writer wait still applies).
/// </summary>
public sealed record WriteOptions(TimeSpan? LockTimeout = null, int Retries = 0, bool LockTimeoutSentByCaller = false);
