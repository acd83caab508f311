using System.Data.Common;
using System.Globalization;
using Npgsql;

namespace Doudi.Server.Storage;

/// <summary>Thin ADO.NET helpers: named parameters from an anonymous-free list, typed reads that work on both databases.</summary>
public static class Sql
{
    public static DbCommand Command(this DbConnection conn, string sql, DbTransaction? tx = null, params (string Name, object? Value)[] args) =>
        // PostgreSQL, one statement: its @name placeholders already turned into $n (PositionalSql), no parsing by Npgsql.
        conn is NpgsqlConnection pg && Positional(sql, args) is ({ Statements: [var one] }, var slots)
            ? PositionalCommand(pg, tx, one, slots[0], args)
            : NamedCommand(conn, sql, tx, args);

    private static NpgsqlCommand PositionalCommand(NpgsqlConnection pg, DbTransaction? tx, PositionalSql.Statement one, int[] slots, (string Name, object? Value)[] args)
    {
        var positional = new NpgsqlCommand(one.Text, pg, (NpgsqlTransaction?)tx);
        Bind(positional.Parameters, one, slots, args);
        return positional;
    }

    private static DbCommand NamedCommand(DbConnection conn, string sql, DbTransaction? tx, (string Name, object? Value)[] args)
    {
        var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var (name, value) in args)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = conn is Microsoft.Data.Sqlite.SqliteConnection ? SqliteValue(value) : PgValue(value);
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    /// <summary>
    /// The statements of <paramref name="sql"/> (one or several, separated by semicolons) with their parameters: on PostgreSQL
    /// several statements go as one <c>NpgsqlBatch</c> of positional statements — one round trip, as Npgsql's own splitting of
    /// the text, with the same meaning (a statement that fails skips the rest; results in order) — and one as a command.
    /// </summary>
    public static SqlStatements Statements(this DbConnection conn, string sql, DbTransaction? tx, params (string Name, object? Value)[] args)
    {
        // The text is translated (and its values placed) once: a bulk statement over 16 kB is not cached.
        if (conn is not NpgsqlConnection pg || Positional(sql, args) is not ({ } p, var slots)) return new SqlStatements(NamedCommand(conn, sql, tx, args));
        if (p.Statements is [var one]) return new SqlStatements(PositionalCommand(pg, tx, one, slots[0], args));
        var batch = new NpgsqlBatch(pg, (NpgsqlTransaction?)tx);
        for (var i = 0; i < p.Statements.Length; i++)
        {
            var bc = new NpgsqlBatchCommand(p.Statements[i].Text);
            Bind(bc.Parameters, p.Statements[i], slots[i], args);
            batch.BatchCommands.Add(bc);
        }
        return new SqlStatements(batch);
    }

    /// <summary>The positional form of a text with parameters when every placeholder in it has a value; else null (Npgsql's own parsing).</summary>
    private static (PositionalSql Sql, int[][] Slots)? Positional(string sql, (string Name, object? Value)[] args) =>
        args.Length > 0 && PositionalSql.Of(sql) is { } p && p.Slots(args) is { } slots ? (p, slots) : null;

    private static void Bind(NpgsqlParameterCollection parameters, PositionalSql.Statement statement, int[] slots, (string Name, object? Value)[] args)
    {
        for (var n = 0; n < statement.Names.Length; n++)
            parameters.Add(new NpgsqlParameter { Value = PgValue(args[slots[n]].Value) });
    }

    private static object PgValue(object? value) => value switch
    {
        null => DBNull.Value,
        DateTimeOffset t => t.ToUniversalTime(),
        _ => value,
    };

    /// <summary>How SQLite stores a value: booleans as 0/1, instants as UTC ISO 8601 text, decimals as invariant text.</summary>
    public static object SqliteValue(object? value) => value switch
    {
        null => DBNull.Value,
        bool b => b ? 1 : 0,
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        _ => value,
    };

    /// <summary>A list parameter: a text[] for PostgreSQL's <c>= ANY</c>, a JSON array for SQLite's <c>json_each</c> (<see cref="In"/>).</summary>
    public static object ListParam(Dialect d, IEnumerable<string> values) =>
        d == Dialect.Postgres ? values.ToArray() : Api.Json.Serialize(values.ToArray());

    /// <summary><paramref name="column"/> is one of the list parameter's values (<see cref="ListParam"/>): an index look-up per value on both databases.</summary>
    public static string In(Dialect d, string column, string parameter) =>
        d == Dialect.Postgres ? $"{column} = ANY({parameter})" : $"{column} IN (SELECT value FROM json_each({parameter}))";

    public static async Task<int> ExecAsync(this DbConnection conn, string sql, DbTransaction? tx, params (string, object?)[] args)
    {
        await using var cmd = conn.Statements(sql, tx, args);
        return await cmd.ExecuteNonQueryAsync();
    }

    public static async Task<object?> ScalarAsync(this DbConnection conn, string sql, DbTransaction? tx, params (string, object?)[] args)
    {
        await using var cmd = conn.Statements(sql, tx, args);
        var v = await cmd.ExecuteScalarAsync();
        return v is DBNull ? null : v;
    }

    public static async Task<List<T>> ListAsync<T>(this DbConnection conn, string sql, DbTransaction? tx, Func<DbDataReader, T> map, params (string, object?)[] args)
    {
        await using var cmd = conn.Statements(sql, tx, args);
        await using var r = await cmd.ExecuteReaderAsync();
        var list = new List<T>();
        while (await r.ReadAsync()) list.Add(map(r));
        return list;
    }

    public static async Task<T?> FirstAsync<T>(this DbConnection conn, string sql, DbTransaction? tx, Func<DbDataReader, T> map, params (string, object?)[] args) where T : class
    {
        await using var cmd = conn.Statements(sql, tx, args);
        await using var r = await cmd.ExecuteReaderAsync();
        return await r.ReadAsync() ? map(r) : null;
    }

    public static string? Str(this DbDataReader r, string col) { var i = r.GetOrdinal(col); return r.IsDBNull(i) ? null : r.GetString(i); }
    public static string S(this DbDataReader r, string col) => r.GetString(r.GetOrdinal(col));
    public static long L(this DbDataReader r, string col) => Convert.ToInt64(r.GetValue(r.GetOrdinal(col)), CultureInfo.InvariantCulture);
    public static int I(this DbDataReader r, string col) => Convert.ToInt32(r.GetValue(r.GetOrdinal(col)), CultureInfo.InvariantCulture);
    public static bool B(this DbDataReader r, string col) { var v = r.GetValue(r.GetOrdinal(col)); return v is bool b ? b : Convert.ToInt64(v, CultureInfo.InvariantCulture) != 0; }

    public static decimal M(this DbDataReader r, string col)
    {
        var v = r.GetValue(r.GetOrdinal(col));
        return v switch { decimal d => d, string s => decimal.Parse(s, NumberStyles.Number, CultureInfo.InvariantCulture), _ => Convert.ToDecimal(v, CultureInfo.InvariantCulture) };
    }

    public static DateOnly D(this DbDataReader r, string col)
    {
        var v = r.GetValue(r.GetOrdinal(col));
        return v switch { DateOnly d => d, DateTime t => DateOnly.FromDateTime(t), string s => DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture), _ => throw new InvalidCastException($"{col}: {v.GetType()}") };
    }

    public static DateOnly? DN(this DbDataReader r, string col) => r.IsDBNull(r.GetOrdinal(col)) ? null : r.D(col);

    public static DateTimeOffset T(this DbDataReader r, string col)
    {
        var v = r.GetValue(r.GetOrdinal(col));
        return v switch
        {
            DateTimeOffset t => t,
            DateTime t => new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)),
            string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            _ => throw new InvalidCastException($"{col}: {v.GetType()}"),
        };
    }

    public static DateTimeOffset? TN(this DbDataReader r, string col) => r.IsDBNull(r.GetOrdinal(col)) ? null : r.T(col);
}

/// <summary>What <see cref="Sql.Statements"/> made: a command, or several PostgreSQL statements as one batch.</summary>
public sealed class SqlStatements : IAsyncDisposable
{
    private readonly DbCommand? _command;
    private readonly DbBatch? _batch;
    internal SqlStatements(DbCommand command) => _command = command;
    internal SqlStatements(DbBatch batch) => _batch = batch;

    public Task<DbDataReader> ExecuteReaderAsync(CancellationToken ct = default) => _batch?.ExecuteReaderAsync(ct) ?? _command!.ExecuteReaderAsync(ct);
    public Task<int> ExecuteNonQueryAsync(CancellationToken ct = default) => _batch?.ExecuteNonQueryAsync(ct) ?? _command!.ExecuteNonQueryAsync(ct);
    public Task<object?> ExecuteScalarAsync(CancellationToken ct = default) => _batch?.ExecuteScalarAsync(ct) ?? _command!.ExecuteScalarAsync(ct);
    public ValueTask DisposeAsync() => _batch?.DisposeAsync() ?? _command!.DisposeAsync();
}
