using System.Data.Common;
using System.Text;
using Npgsql;

namespace Doudi.Server.Storage;

/// <summary>
/// Many rows into one table inside the caller's transaction: PostgreSQL binary COPY (one stream, no statement per row),
/// SQLite multi-row INSERTs. Values are strings, ints, longs, decimals or null (SQLite stores decimals as exact text).
/// </summary>
public static class BulkRows
{
    private const int SqliteRowsPerStatement = 200;

    public static async Task InsertAsync(DbConnection c, DbTransaction tx, Dialect dialect, string table, string[] columns, IReadOnlyList<object?[]> rows)
    {
        if (rows.Count == 0) return;
        if (dialect == Dialect.Postgres && c is NpgsqlConnection pg)
        {
            await using var w = await pg.BeginBinaryImportAsync($"COPY {table} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)");
            foreach (var row in rows)
            {
                await w.StartRowAsync();
                foreach (var v in row)
                    switch (v)
                    {
                        case null: await w.WriteNullAsync(); break;
                        case string s: await w.WriteAsync(s, NpgsqlTypes.NpgsqlDbType.Text); break;
                        case int i: await w.WriteAsync(i, NpgsqlTypes.NpgsqlDbType.Integer); break;
                        case long l: await w.WriteAsync(l, NpgsqlTypes.NpgsqlDbType.Bigint); break;
                        case decimal m: await w.WriteAsync(m, NpgsqlTypes.NpgsqlDbType.Numeric); break;
                        default: throw new ArgumentException($"BulkRows: no COPY type for {v.GetType().Name}");
                    }
            }
            await w.CompleteAsync();
            return;
        }
        for (int start = 0; start < rows.Count; start += SqliteRowsPerStatement)
        {
            int end = Math.Min(rows.Count, start + SqliteRowsPerStatement);
            var sql = new StringBuilder($"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ");
            var args = new List<(string, object?)>((end - start) * columns.Length);
            for (int i = start; i < end; i++)
            {
                if (i > start) sql.Append(',');
                sql.Append('(');
                for (int k = 0; k < columns.Length; k++)
                {
                    if (k > 0) sql.Append(',');
                    sql.Append($"@v{i - start}_{k}");
                    args.Add(($"v{i - start}_{k}", rows[i][k]));
                }
                sql.Append(')');
            }
            await c.ExecAsync(sql.ToString(), tx, args.ToArray());
        }
    }
}
