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
}
