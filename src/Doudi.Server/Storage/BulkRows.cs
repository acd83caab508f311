using System.Data.Common;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Doudi.Server.Storage;

/// <summary>A column of a bulk write: its name and its PostgreSQL type (binary COPY sends typed values).</summary>
public sealed record BulkColumn(string Name, NpgsqlDbType Type);

/// <summary>
/// Many rows in few round trips. PostgreSQL: binary COPY (into a session's staging table first when rows may already be
/// there, then one set-based INSERT … SELECT … ON CONFLICT DO NOTHING). SQLite: multi-row INSERTs in the caller's transaction.
/// </summary>
public static class BulkRows
{
    // SQLite allows 32,766 parameters per statement.
    private const int SqliteParameters = 30000, SqliteRowsPerStatement = 500;

    /// <summary>Appends rows to <paramref name="table"/>.</summary>
    public static async Task WriteAsync(DbConnection c, DbTransaction tx, string table, IReadOnlyList<BulkColumn> columns, IReadOnlyList<object?[]> rows)
    {
        if (rows.Count == 0) return;
        if (c is NpgsqlConnection pg) await CopyAsync(pg, table, columns, rows);
        else await InsertAsync(c, tx, $"INSERT INTO {table}", columns, rows, "");
    }

    /// <summary>
    /// Inserts rows whose <paramref name="key"/> is not yet in <paramref name="table"/> and returns how many were inserted
    /// (fewer than sent: some key was stored meanwhile by someone else).
    /// </summary>
    public static async Task<long> InsertNewAsync(DbConnection c, DbTransaction tx, string table, string key, IReadOnlyList<BulkColumn> columns, IReadOnlyList<object?[]> rows)
    {
        if (rows.Count == 0) return 0;
        var names = string.Join(", ", columns.Select(x => x.Name));
        if (c is not NpgsqlConnection pg) return await InsertAsync(c, tx, $"INSERT INTO {table}", columns, rows, $" ON CONFLICT ({key}) DO NOTHING");
        var staging = "staging_" + table;
        // A session's own table: kept by the pooled connection, emptied at commit and after each use.
        await c.ExecAsync($"CREATE TEMP TABLE IF NOT EXISTS {staging} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS", tx);
        await CopyAsync(pg, staging, columns, rows);
        var inserted = await c.ExecAsync($"INSERT INTO {table} ({names}) SELECT {names} FROM {staging} ON CONFLICT ({key}) DO NOTHING", tx);
        await c.ExecAsync($"TRUNCATE {staging}", tx);
        return inserted;
    }

    private static async Task CopyAsync(NpgsqlConnection pg, string table, IReadOnlyList<BulkColumn> columns, IReadOnlyList<object?[]> rows)
    {
        await using var w = await pg.BeginBinaryImportAsync($"COPY {table} ({string.Join(", ", columns.Select(x => x.Name))}) FROM STDIN (FORMAT BINARY)");
        foreach (var row in rows)
        {
            await w.StartRowAsync();
            for (var i = 0; i < columns.Count; i++)
            {
                var v = row[i];
                if (v is null) await w.WriteNullAsync();
                else await w.WriteAsync(v is DateTimeOffset t ? t.ToUniversalTime() : v, columns[i].Type);
            }
        }
        await w.CompleteAsync();
    }

    private static async Task<long> InsertAsync(DbConnection c, DbTransaction tx, string insert, IReadOnlyList<BulkColumn> columns, IReadOnlyList<object?[]> rows, string tail)
    {
        var per = Math.Max(1, Math.Min(SqliteRowsPerStatement, SqliteParameters / columns.Count));
        var head = $"{insert} ({string.Join(", ", columns.Select(x => x.Name))}) VALUES ";
        long n = 0;
        for (var start = 0; start < rows.Count; start += per)
        {
            var end = Math.Min(rows.Count, start + per);
            var sql = new StringBuilder(head);
            var args = new (string, object?)[(end - start) * columns.Count];
            for (var r = start; r < end; r++)
            {
                if (r > start) sql.Append(',');
                sql.Append('(');
                for (var i = 0; i < columns.Count; i++)
                {
                    var name = $"p{r - start}_{i}";
                    if (i > 0) sql.Append(',');
                    sql.Append('@').Append(name);
                    args[(r - start) * columns.Count + i] = (name, rows[r][i]);
                }
                sql.Append(')');
            }
            n += await c.ExecAsync(sql.Append(tail).ToString(), tx, args);
        }
        return n;
    }
}
