using Doudi.Server.Storage;
using Doudi.Server.Tests.Infrastructure;
using Npgsql;

namespace Doudi.Server.Tests.Hardening;

/// <summary>
/// A statement that outlasts Npgsql's own wait (its command timeout) is a busy database, answered 503 with Retry-After
/// and nothing committed, not a 500: a year-end run right after a city's import once answered 500 this way.
/// </summary>
public sealed class ClientTimeoutTests : IPostgresTests
{
    [DbFact]
    public async Task A_client_side_timeout_is_a_busy_database()
    {
        var b = new NpgsqlConnectionStringBuilder(PgEnvironment.ConnectionString ?? throw new InvalidOperationException("DOUDI_TEST_PG is not set")) { CommandTimeout = 1 };
        await using var c = new NpgsqlConnection(b.ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT pg_sleep(5)", c);
        var e = await Assert.ThrowsAnyAsync<NpgsqlException>(() => cmd.ExecuteScalarAsync());
        Assert.Equal(BusyReason.StatementTimeout, Busy.Of(e));
    }
}
