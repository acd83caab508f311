using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Doudi.Server.Storage;

/// <summary>
/// The types a bulk-written column may have, mapped to each dialect's storage. <see cref="BulkType.Utf8Text"/>: a text
/// column whose value is given as UTF-8 bytes, a byte[] or a ReadOnlyMemory&lt;byte&gt; (a serialised JSON document: no UTF-16 copy made and encoded again).
/// </summary>
public enum BulkType { Text, Int, Long, Date, Bool, Timestamp, Decimal, Json, Utf8Text }

public sealed record BulkColumn(string Name, BulkType Type);

/// <summary>
/// Writes many rows into one table inside the caller's transaction: PostgreSQL by binary COPY (one stream, no per-row
/// round trip), SQLite by one prepared INSERT re-run per row (in-process, so already cheap). Also the transaction's own
/// staging tables: PostgreSQL temporary tables dropped at commit; SQLite temporary tables dropped by <see cref="DropAsync"/>
/// (a pooled connection keeps its temp schema), and a rollback undoes their creation on both.
/// </summary>
public static class BulkRows
{
    public static async Task CreateStagingAsync(DbConnection c, DbTransaction tx, Dialect d, string table, IReadOnlyList<BulkColumn> columns)
    {
        var cols = string.Join(", ", columns.Select(x => $"{x.Name} {TypeName(d, x.Type)}"));
        if (d == Dialect.Postgres) await c.ExecAsync($"CREATE TEMP TABLE {table} ({cols}) ON COMMIT DROP", tx);
        else
        {
            await c.ExecAsync($"DROP TABLE IF EXISTS temp.{table}", tx);
            await c.ExecAsync($"CREATE TEMP TABLE {table} ({cols})", tx);
        }
    }

    /// <summary>Drops a staging table now (SQLite; PostgreSQL's go at commit anyway).</summary>
    public static Task DropAsync(DbConnection c, DbTransaction tx, Dialect d, string table) =>
        d == Dialect.Postgres ? c.ExecAsync($"DROP TABLE IF EXISTS {table}", tx) : c.ExecAsync($"DROP TABLE IF EXISTS temp.{table}", tx);

    /// <summary>An index on a staging table once it is filled (cheaper than maintaining it row by row).</summary>
    /// <summary>
    /// An index on a filled staging table (cheaper than maintaining it row by row), and on PostgreSQL fresh statistics:
    /// autovacuum never analyses temporary tables, and a planner guessing their size joins them badly.
    /// </summary>
    public static async Task IndexAsync(DbConnection c, DbTransaction tx, Dialect d, string table, string columns)
    {
        await c.ExecAsync($"CREATE INDEX {(d == Dialect.Postgres ? "" : "temp.")}ix_{table}_{columns.Replace(", ", "_", StringComparison.Ordinal)} ON {table} ({columns})", tx);
        if (d == Dialect.Postgres) await c.ExecAsync($"ANALYZE {table}", tx);
    }

    private static string TypeName(Dialect d, BulkType t) => (d, t) switch
    {
        (Dialect.Postgres, BulkType.Text or BulkType.Utf8Text) => "text",
        (Dialect.Postgres, BulkType.Int) => "integer",
        (Dialect.Postgres, BulkType.Long) => "bigint",
        (Dialect.Postgres, BulkType.Date) => "date",
        (Dialect.Postgres, BulkType.Bool) => "boolean",
        (Dialect.Postgres, BulkType.Timestamp) => "timestamptz",
        (Dialect.Postgres, BulkType.Decimal) => "numeric",
        (Dialect.Postgres, BulkType.Json) => "jsonb",
        (_, BulkType.Text or BulkType.Utf8Text or BulkType.Date or BulkType.Timestamp or BulkType.Decimal or BulkType.Json) => "TEXT",
        _ => "INTEGER",
    };

    /// <summary>Writes <paramref name="rows"/> (values in <paramref name="columns"/>' order; null for NULL) and returns how many.</summary>
    public static async Task<long> WriteAsync(DbConnection c, DbTransaction tx, string table, IReadOnlyList<BulkColumn> columns,
        IEnumerable<object?[]> rows, CancellationToken ct = default)
    {
        var names = string.Join(", ", columns.Select(x => x.Name));
        long n = 0;
        if (c is NpgsqlConnection pg)
        {
            using var w = await pg.BeginBinaryImportAsync($"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)", ct);
            // A long client-side timeout: a city's million rows take longer than the 30 s command default to check and index,
            // and a timed-out COPY breaks the connection mid-transaction (an hour: the server's statement_timeout governs).
            w.Timeout = TimeSpan.FromHours(1);
            // Synchronous writes into the importer's buffer: an await per value costs more than the value (the buffer
            // is flushed to the socket when full).
            foreach (var row in rows)
            {
                w.StartRow();
                for (int i = 0; i < columns.Count; i++)
                {
                    var v = row[i];
                    if (v is null) { w.WriteNull(); continue; }
                    switch (columns[i].Type)
                    {
                        case BulkType.Text: w.Write((string)v, NpgsqlDbType.Text); break;
                        case BulkType.Int: w.Write(Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture), NpgsqlDbType.Integer); break;
                        case BulkType.Long: w.Write(Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture), NpgsqlDbType.Bigint); break;
                        case BulkType.Date: w.Write((DateOnly)v, NpgsqlDbType.Date); break;
                        case BulkType.Bool: w.Write((bool)v, NpgsqlDbType.Boolean); break;
                        case BulkType.Timestamp: w.Write(((DateTimeOffset)v).UtcDateTime, NpgsqlDbType.TimestampTz); break;
                        case BulkType.Decimal: w.Write(Convert.ToDecimal(v, System.Globalization.CultureInfo.InvariantCulture), NpgsqlDbType.Numeric); break;
                        case BulkType.Json: w.Write((string)v, NpgsqlDbType.Jsonb); break;
                        case BulkType.Utf8Text when v is ReadOnlyMemory<byte> utf8: w.Write(utf8, NpgsqlDbType.Text); break;
                        case BulkType.Utf8Text: w.Write((byte[])v, NpgsqlDbType.Text); break;
                    }
                }
                n++;
                if ((n & 0xFFF) == 0) ct.ThrowIfCancellationRequested();
            }
            await w.CompleteAsync(ct);
            return n;
        }
        return await SqliteInsertAsync(c, tx, table, columns, rows, "", ct);
    }

    /// <summary>
    /// PostgreSQL: one INSERT of <paramref name="rows"/> (values in <paramref name="columns"/>' order; null for NULL) to send in a
    /// batch of statements, e.g. one that ends with COMMIT. Each column goes as one array parameter, unnested, so the text does
    /// not depend on the number of rows (one prepared statement serves every group) and nothing is bound per value. Parameter
    /// names begin with <paramref name="prefix"/>.
    /// </summary>
    public static (string Sql, (string, object?)[] Args) UnnestInsert(string table, IReadOnlyList<BulkColumn> columns, IReadOnlyList<object?[]> rows, string prefix)
    {
        var args = new (string, object?)[columns.Count];
        for (var i = 0; i < columns.Count; i++) args[i] = ($"{prefix}{i}", ArrayOf(columns[i].Type, rows, i));
        var select = string.Join(", ", columns.Select((x, i) => x.Type == BulkType.Json ? $"c{i}::jsonb" : $"c{i}"));
        return ($"INSERT INTO {table} ({string.Join(", ", columns.Select(x => x.Name))}) SELECT {select} FROM unnest({string.Join(", ", args.Select(a => "@" + a.Item1))}) " +
                $"AS u({string.Join(", ", columns.Select((_, i) => $"c{i}"))})", args);
    }

    /// <summary>Column <paramref name="i"/> of the rows as a typed array (elements null for NULL), as Npgsql sends it.</summary>
    private static Array ArrayOf(BulkType type, IReadOnlyList<object?[]> rows, int i)
    {
        static T?[] Of<T>(IReadOnlyList<object?[]> rows, int i, Func<object, T> convert) where T : struct
        {
            var a = new T?[rows.Count];
            for (var n = 0; n < a.Length; n++) a[n] = rows[n][i] is { } v ? convert(v) : null;
            return a;
        }
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        switch (type)
        {
            case BulkType.Text or BulkType.Json or BulkType.Utf8Text:
                var text = new string?[rows.Count];
                for (var n = 0; n < text.Length; n++)
                    text[n] = rows[n][i] switch
                    {
                        null => null,
                        byte[] utf8 => System.Text.Encoding.UTF8.GetString(utf8),
                        ReadOnlyMemory<byte> utf8 => System.Text.Encoding.UTF8.GetString(utf8.Span),
                        var v => (string)v,
                    };
                return text;
            case BulkType.Int: return Of(rows, i, v => Convert.ToInt32(v, inv));
            case BulkType.Long: return Of(rows, i, v => Convert.ToInt64(v, inv));
            case BulkType.Date: return Of(rows, i, v => (DateOnly)v);
            case BulkType.Bool: return Of(rows, i, v => (bool)v);
            case BulkType.Timestamp: return Of(rows, i, v => ((DateTimeOffset)v).UtcDateTime);
            case BulkType.Decimal: return Of(rows, i, v => Convert.ToDecimal(v, inv));
            default: throw new ArgumentOutOfRangeException(nameof(type), type, null);
        }
    }

    private static async Task<long> SqliteInsertAsync(DbConnection c, DbTransaction tx, string table, IReadOnlyList<BulkColumn> columns,
        IEnumerable<object?[]> rows, string tail, CancellationToken ct)
    {
        var sqlite = (SqliteConnection)c;
        await using var cmd = sqlite.CreateCommand();
        cmd.Transaction = (SqliteTransaction)tx;
        cmd.CommandText = $"INSERT INTO {table} ({string.Join(", ", columns.Select(x => x.Name))}) VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i))}){tail}";
        var ps = columns.Select((_, i) => cmd.Parameters.Add(new SqliteParameter("$p" + i, null))).ToArray();
        long n = 0;
        foreach (var row in rows)
        {
            for (int i = 0; i < columns.Count; i++)
                ps[i].Value = columns[i].Type != BulkType.Utf8Text ? Sql.SqliteValue(row[i]) : row[i] switch
                {
                    byte[] utf8 => System.Text.Encoding.UTF8.GetString(utf8),
                    ReadOnlyMemory<byte> utf8 => System.Text.Encoding.UTF8.GetString(utf8.Span),
                    var v => Sql.SqliteValue(v),
                };
            n += await cmd.ExecuteNonQueryAsync(ct);
        }
        return n;
    }

    /// <summary>
    /// Inserts the rows whose <paramref name="key"/> is not yet in <paramref name="table"/> and returns how many were inserted
    /// (fewer than sent: some key was stored meanwhile by someone else). PostgreSQL: binary COPY into the session's staging
    /// copy of the table (kept by the pooled connection, emptied at commit and after each use), then one
    /// INSERT … SELECT … ON CONFLICT DO NOTHING; SQLite: INSERT … ON CONFLICT DO NOTHING per row.
    /// </summary>
    public static async Task<long> InsertNewAsync(DbConnection c, DbTransaction tx, string table, string key, IReadOnlyList<BulkColumn> columns,
        IReadOnlyCollection<object?[]> rows, CancellationToken ct = default)
    {
        if (rows.Count == 0) return 0;
        if (c is not NpgsqlConnection) return await SqliteInsertAsync(c, tx, table, columns, rows, $" ON CONFLICT ({key}) DO NOTHING", ct);
        var names = string.Join(", ", columns.Select(x => x.Name));
        var staging = "staging_" + table;
        await c.ExecAsync($"CREATE TEMP TABLE IF NOT EXISTS {staging} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS", tx);
        await WriteAsync(c, tx, staging, columns, rows, ct);
        var inserted = await c.ExecAsync($"INSERT INTO {table} ({names}) SELECT {names} FROM {staging} ON CONFLICT ({key}) DO NOTHING", tx);
        await c.ExecAsync($"TRUNCATE {staging}", tx);
        return inserted;
    }
}
