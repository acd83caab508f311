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
