namespace Doudi.Server.Storage;

/// <summary>The two supported databases. SQL that differs between them is chosen here and nowhere else.</summary>
public enum Dialect { Sqlite, Postgres }

public static class DialectSql
{
    /// <summary>A JSON parameter: jsonb in PostgreSQL, text in SQLite.</summary>
    public static string Json(this Dialect d, string parameter) => d == Dialect.Postgres ? $"CAST({parameter} AS jsonb)" : parameter;

    /// <summary>Row lock suffix for SELECT (PostgreSQL); SQLite serialises writers instead.</summary>
    public static string ForUpdate(this Dialect d) => d == Dialect.Postgres ? " FOR UPDATE" : "";

    /// <summary>
    /// Holds off every writer of <paramref name="table"/> until commit, letting readers on (PostgreSQL SHARE ROW EXCLUSIVE:
    /// conflicts with the row locks of INSERT/UPDATE and with itself); "" on SQLite, whose write transaction is the one writer.
    /// </summary>
    public static string LockAgainstWriters(this Dialect d, string table) => d == Dialect.Postgres ? $"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE" : "";

    /// <summary>
    /// Writes that do not read each other's rows, sent as one: on PostgreSQL one statement whose first statements are
    /// data-modifying CTEs (one plan look-up, executor start and snapshot instead of one per statement: a one-stop
    /// settlement's six inserts and upserts); on SQLite the statements one after another. All or nothing either way.
    /// </summary>
    public static string AsOneStatement(this Dialect d, IReadOnlyList<string> statements) =>
        d == Dialect.Postgres && statements.Count > 1
            ? "WITH " + string.Join(", ", statements.Take(statements.Count - 1).Select((s, i) => $"w{i} AS ({s})")) + " " + statements[^1]
            : string.Join(";", statements);

    /// <summary>
    /// PostgreSQL: a select-list item that keeps <paramref name="expression"/>'s value (text) until the transaction ends, so the
    /// later statements of a batch read it with <see cref="Kept"/> instead of working it out again (a one-stop settlement finds the
    /// person by any of three keys once, not once per statement). A transaction-local setting: gone at COMMIT or ROLLBACK, never
    /// seen by another transaction on the pooled connection.
    /// </summary>
    public static string Keep(string name, string expression) => $"set_config('doudi.{name}', {expression}, true)";

    /// <summary>The value kept by <see cref="Keep"/> earlier in the transaction (PostgreSQL; a stable expression, so an index condition).</summary>
    /// <remarks>NULL if nothing was kept under that name on this connection yet; '' if the statement that keeps it found no row.</remarks>
    public static string Kept(string name) => $"current_setting('doudi.{name}', true)";
}
