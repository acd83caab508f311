using System.Data.Common;
using Doudi.Server.Storage;
using Doudi.Server.Tests.Infrastructure;
using Npgsql;

namespace Doudi.Server.Tests;

/// <summary>
/// The storage layer sends PostgreSQL statements with positional parameters, translated once per SQL text from the
/// <c>@name</c> form the code writes (Storage/PositionalSql.cs). The translation follows Npgsql's own rules, so a text
/// means what it meant when Npgsql parsed it on every execution.
/// </summary>
public sealed class PositionalSqlTests
{
    private static (string Text, string[] Names)[] Of(string sql) =>
        PositionalSql.Translate(sql)!.Statements.Select(s => (s.Text, s.Names)).ToArray();

    [Fact]
    public void Each_statement_numbers_its_own_placeholders_in_the_order_of_first_use()
    {
        var s = Of("SELECT * FROM t WHERE a = @a AND b = @b OR a = @a;INSERT INTO u VALUES (@b, @c);  COMMIT;");
        Assert.Equal(3, s.Length);
        Assert.Equal("SELECT * FROM t WHERE a = $1 AND b = $2 OR a = $1", s[0].Text);
        Assert.Equal(["a", "b"], s[0].Names);
        Assert.Equal("INSERT INTO u VALUES ($1, $2)", s[1].Text);
        Assert.Equal(["b", "c"], s[1].Names);
        Assert.Equal("COMMIT", s[2].Text);
        Assert.Empty(s[2].Names);
    }

    [Fact]
    public void Quoted_text_names_dollar_quotes_comments_casts_and_operators_are_left_as_written()
    {
        const string sql = "SELECT '@a; x''@b', \"@c;\", $$ @d; $$, $f$ @e $f$, E'\\'@g;', x::text, j @> @h, 1 -- @i;\n, /* @j; /* @k */ ; */ @l";
        var s = Of(sql);
        Assert.Single(s);
        Assert.Equal(sql.Replace("@h", "$1").Replace("@l", "$2"), s[0].Text);
        Assert.Equal(["h", "l"], s[0].Names);
    }

    [Fact]
    public void A_semicolon_inside_parentheses_does_not_end_the_statement_and_names_may_hold_dots_and_digits()
    {
        var s = Of("WITH x AS (SELECT @p1; ) SELECT @a.b, @@c, @p1");
        Assert.Single(s);
        Assert.Equal("WITH x AS (SELECT $1; ) SELECT $2, @@c, $1", s[0].Text);
        Assert.Equal(["p1", "a.b"], s[0].Names);
    }

    [Fact]
    public void Values_are_found_by_exact_name_then_ignoring_case_the_first_of_repeated_names_and_a_missing_one_falls_back()
    {
        var p = PositionalSql.Translate("SELECT @a, @B; SELECT @b, @c")!;
        var slots = p.Slots([("b", 1), ("a", 2), ("B", 3), ("c", 4), ("a", 5)])!;
        Assert.Equal([1, 2], slots[0]); // @a → ("a", 2), @B → ("B", 3)
        Assert.Equal([0, 3], slots[1]); // @b → ("b", 1), @c → ("c", 4)
        Assert.Equal([0, 1], p.Slots([("A", 1), ("b", 2), ("c", 3)])![0]); // no exact "a" or "B": the same names in another case
        Assert.Null(p.Slots([("a", 1), ("b", 2)])); // no @c: Npgsql's own parsing, which leaves it as written
    }

    [Fact]
    public void A_bulk_statement_binds_each_of_its_thousands_of_placeholders_to_its_own_value()
    {
        const int rows = 5000;
        var sql = "INSERT INTO t VALUES " + string.Join(", ", Enumerable.Range(0, rows).Select(i => $"(@k{i}, @v{i}, @shared)"));
        (string, object?)[] args = [("shared", 0), .. Enumerable.Range(0, rows).SelectMany(i => new (string, object?)[] { ($"v{i}", i), ($"k{i}", i) })];
        var p = PositionalSql.Translate(sql)!;
        var statement = Assert.Single(p.Statements);
        var slots = p.Slots(args)![0];
        Assert.Equal(2 * rows + 1, slots.Length);
        Assert.StartsWith("INSERT INTO t VALUES ($1, $2, $3), ($4, $5, $3)", statement.Text);
        for (var n = 0; n < slots.Length; n++) Assert.Equal(statement.Names[n], args[slots[n]].Item1);
    }

    [Fact]
    public void An_unterminated_quote_or_comment_is_not_translated()
    {
        Assert.Null(PositionalSql.Translate("SELECT 'open @a"));
        Assert.Null(PositionalSql.Translate("SELECT 1 /* @a"));
        Assert.Null(PositionalSql.Translate("SELECT $$ @a"));
    }
}

/// <summary>The same texts run through the storage helpers and through Npgsql's own parsing give the same answers (PostgreSQL).</summary>
public sealed class PositionalSqlPostgresTests : IPostgresTests
{
    private static async Task<NpgsqlConnection> OpenAsync()
    {
        var c = new NpgsqlConnection(PgEnvironment.ConnectionString);
        await c.OpenAsync();
        return c;
    }

    private static async Task<List<string>> ReadAllAsync(DbDataReader r)
    {
        var rows = new List<string>();
        do
        {
            while (await r.ReadAsync())
                rows.Add(string.Join("|", Enumerable.Range(0, r.FieldCount).Select(i => $"{r.GetName(i)}={r.GetValue(i)}")));
            rows.Add("--");
        } while (await r.NextResultAsync());
        return rows;
    }

    [DbFact]
    public async Task A_batch_of_statements_answers_as_Npgsql_answered_the_same_text_with_named_parameters()
    {
        const string sql = "SELECT @a::int + 1 AS x, '@a; no' AS q; SELECT @b AS s, $$ @a ; $$ AS d -- @a; comment\n; " +
                           "SELECT @A::int * 2 AS y, @when AS t, @none AS n; SELECT set_config('doudi.t', @b, true) AS k; SELECT current_setting('doudi.t', true) AS v";
        (string, object?)[] args = [("a", 20), ("b", "text @a"), ("when", new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.FromHours(8))), ("none", null), ("unused", 1)];
        await using var c = await OpenAsync();
        await using var tx = await c.BeginTransactionAsync();
        List<string> ours, npgsql;
        await using (var cmd = c.Statements(sql, tx, args))
        await using (var r = await cmd.ExecuteReaderAsync()) ours = await ReadAllAsync(r);
        await using (var named = new NpgsqlCommand(sql, c, tx))
        {
            foreach (var (n, v) in args) named.Parameters.AddWithValue(n, v switch { null => DBNull.Value, DateTimeOffset t => t.ToUniversalTime(), _ => v });
            await using var r = await named.ExecuteReaderAsync();
            npgsql = await ReadAllAsync(r);
        }
        Assert.Equal(npgsql, ours);
        Assert.Equal("x=21|q=@a; no", ours[0]);
        Assert.Contains("v=text @a", ours);
    }

    [DbFact]
    public async Task Rows_affected_add_up_a_scalar_is_the_first_value_and_a_failing_statement_stops_the_batch()
    {
        await using var c = await OpenAsync();
        await using var tx = await c.BeginTransactionAsync();
        await c.ExecAsync("CREATE TEMP TABLE positional_t (x int) ON COMMIT DROP", tx);
        Assert.Equal(3, await c.ExecAsync("INSERT INTO positional_t VALUES (@a); INSERT INTO positional_t VALUES (@a + 1), (@b)", tx, ("a", 1), ("b", 5)));
        Assert.Equal(7L, await c.ScalarAsync("SELECT sum(x) FROM positional_t WHERE x > @a; SELECT 0", tx, ("a", 1)));
        var e = await Assert.ThrowsAsync<PostgresException>(() =>
            c.ExecAsync("INSERT INTO positional_t VALUES (@a); SELECT 1 / (@a - @a); INSERT INTO positional_t VALUES (@a)", tx, ("a", 9)));
        Assert.Equal(PostgresErrorCodes.DivisionByZero, e.SqlState);
    }
}
