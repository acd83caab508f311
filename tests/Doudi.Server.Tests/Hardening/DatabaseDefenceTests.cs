using System.Data.Common;
using System.Net;
using Doudi.Server.Storage;
using Doudi.Server.Tests.Infrastructure;

namespace Doudi.Server.Tests.Hardening;

/// <summary>
/// Issue 8, the database defends itself: settlement amounts and identity categories cannot be changed in place (both
/// dialects), and on PostgreSQL the server's own role cannot truncate, alter or switch off the audit log's triggers.
/// Every statement here runs on the server's own connection (<see cref="ServerFixture.Db"/>), as the application role.
/// </summary>
public abstract class DatabaseDefenceTests(ServerFixture fx)
{
    private Task Exec(string sql, params (string, object?)[] args) => fx.Db.ReadAsync(c => c.ExecAsync(sql, null, args));

    private async Task<(string Person, string Settlement)> SettledAsync()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var id = "db-" + Guid.NewGuid().ToString("N")[..8];
        var (status, _, text) = await (await fx.As("operator")).PostJson("/api/settlements",
            new { id, person, date = "2023-04-01", kind = "inpatient", total = 1000, inPolicy = 1000, basicPaid = 500, criticalPaid = 0 });
        Assert.True(status == HttpStatusCode.Created, text);
        return (person, id);
    }

    [DbFact]
    public async Task Settlement_amounts_cannot_be_updated_in_place_and_a_reversal_stays_reversed()
    {
        var (_, id) = await SettledAsync();
        await Assert.ThrowsAnyAsync<DbException>(() => Exec("UPDATE settlements SET assistance = 99999 WHERE id = @id", ("id", id)));
        await Assert.ThrowsAnyAsync<DbException>(() => Exec("UPDATE settlements SET result_json = '{}', counted_json = '{}' WHERE id = @id", ("id", id)));
        await Assert.ThrowsAnyAsync<DbException>(() => Exec("UPDATE settlements SET person_id = person_id || 'x' WHERE id = @id", ("id", id)));
        // the columns added after the trigger (0300) are fixed too: PostgreSQL compares the whole row, SQLite names them (0700)
        await Assert.ThrowsAnyAsync<DbException>(() => Exec("UPDATE settlements SET national_json = '{}' WHERE id = @id", ("id", id)));
        await Assert.ThrowsAnyAsync<DbException>(() => Exec("UPDATE settlements SET result_format = 1, naming = 'national' WHERE id = @id", ("id", id)));
        // the one change the server makes — reversal — still works through the API
        var op = await fx.As("operator");
        Assert.Equal(HttpStatusCode.OK, (await op.PostAsync($"/api/settlements/{id}/reversal", null)).StatusCode);
        await Assert.ThrowsAnyAsync<DbException>(() => Exec("UPDATE settlements SET status = 'settled', reversed_at = NULL WHERE id = @id", ("id", id)));
        var (_, s, _) = await op.GetJson($"/api/settlements/{id}");
        Assert.Equal("reversed", s.Str("status"));
        Assert.Equal(400m, s.Dec("maf_pay")); // (1000 − 500) × 80% for subsistence in fuyang (as in BackOfficeTests): unchanged by the attempts
    }

    [DbFact]
    public async Task Identity_categories_cannot_be_updated_in_place_and_an_ended_identity_stays_ended()
    {
        var person = await People.RegisterAsync(fx, "jiande", "marginal");
        var identity = Convert.ToInt64(await fx.Db.ReadAsync(c => c.ScalarAsync("SELECT id FROM identities WHERE person_id = @p", null, ("p", person))));
        await Assert.ThrowsAnyAsync<DbException>(() => Exec("UPDATE identities SET category = 'destitute' WHERE id = @i", ("i", identity)));
        await Assert.ThrowsAnyAsync<DbException>(() => Exec("UPDATE identities SET recognized = '2000-01-01' WHERE id = @i", ("i", identity)));
        var (status, _, text) = await (await fx.As("operator")).PostJson($"/api/persons/{person}/identities/{identity}/end", new { revoked = "2023-03-15" });
        Assert.True(status == HttpStatusCode.OK, text);
        await Assert.ThrowsAnyAsync<DbException>(() => Exec("UPDATE identities SET revoked = NULL WHERE id = @i", ("i", identity)));
        var category = await fx.Db.ReadAsync(c => c.ScalarAsync("SELECT category FROM identities WHERE id = @i", null, ("i", identity)));
        Assert.Equal("marginal", category);
    }

    /// <summary>
    /// Migration 1000 dropped PostgreSQL's foreign key from settlements to persons (a check per stored row): what it
    /// guarded stays refused by triggers (deletion since 0001, renumbering since 1030), so a settlement never loses its person.
    /// </summary>
    [DbFact]
    public async Task A_settled_person_cannot_be_deleted_or_renumbered()
    {
        var (person, id) = await SettledAsync();
        await Assert.ThrowsAnyAsync<DbException>(() => Exec("DELETE FROM persons WHERE id = @p", ("p", person)));
        await Assert.ThrowsAnyAsync<DbException>(() => Exec("UPDATE persons SET id = id || 'x' WHERE id = @p", ("p", person)));
        // Other changes of the person stay possible (the name list and registry update persons in place).
        await Exec("UPDATE persons SET id = id, name = name WHERE id = @p", ("p", person));
        var owner = await fx.Db.ReadAsync(c => c.ScalarAsync("SELECT p.id FROM settlements s JOIN persons p ON p.id = s.person_id WHERE s.id = @id", null, ("id", id)));
        Assert.Equal(person, owner);
    }

    [DbFact]
    public async Task The_application_role_cannot_truncate_alter_delete_or_disable_triggers()
    {
        await SettledAsync();
        var statements = new List<string> { "DELETE FROM settlements", "DELETE FROM audit_log", "UPDATE audit_log SET actor = 'x'" };
        if (fx.Dialect == Dialect.Postgres)
        {
            statements.AddRange([
                "TRUNCATE audit_log", "TRUNCATE settlements CASCADE", "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update",
                "ALTER TABLE settlements DISABLE TRIGGER ALL", "DROP TRIGGER settlements_fixed ON settlements", "DROP TABLE audit_log CASCADE",
                "ALTER TABLE settlements ADD COLUMN note text", "CREATE TABLE shadow (x int)", "CREATE OR REPLACE FUNCTION doudi_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$",
            ]);
            var owns = Convert.ToInt64(await fx.Db.ReadAsync(c => c.ScalarAsync("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user", null)));
            Assert.Equal(0L, owns);
            var (_, ready, readyText) = await fx.Anonymous().GetJson("/ready");
            Assert.StartsWith("ok", ready.GetProperty("checks").Str("privileges"));
        }
        foreach (var sql in statements)
            await Assert.ThrowsAnyAsync<DbException>(() => Exec(sql));
        Assert.True(Convert.ToInt64(await fx.Db.ReadAsync(c => c.ScalarAsync("SELECT COUNT(*) FROM audit_log", null))) > 0);
        Assert.True(Convert.ToInt64(await fx.Db.ReadAsync(c => c.ScalarAsync("SELECT COUNT(*) FROM settlements", null))) > 0);
    }
}

public sealed class DatabaseDefenceTestsSqlite(SqliteFixture fx) : DatabaseDefenceTests(fx), IClassFixture<SqliteFixture>;
public sealed class DatabaseDefenceTestsPostgres(PostgresFixture fx) : DatabaseDefenceTests(fx), IClassFixture<PostgresFixture>, IPostgresTests;

/// <summary>The two dialects' migrations give the same tables with the same columns.</summary>
public sealed class SchemaParityTests(PostgresFixture fx) : IClassFixture<PostgresFixture>, IPostgresTests
{
    [DbFact]
    public async Task Sqlite_and_postgres_schemas_have_the_same_tables_and_columns()
    {
        var pg = await fx.Db.ReadAsync(c => c.ListAsync(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, column_name", null,
            r => $"{r.GetString(0)}.{r.GetString(1)}"));
        var dir = Path.Combine(Path.GetTempPath(), "doudi-tests", "schema-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            using var sqlite = new Database(new DatabaseOptions(Dialect.Sqlite, $"Data Source={Path.Combine(dir, "doudi.db")}"));
            await Migrator.MigrateAsync(sqlite);
            var lite = await sqlite.ReadAsync(c => c.ListAsync(
                "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.name", null,
                r => $"{r.GetString(0)}.{r.GetString(1)}"));
            Assert.NotEmpty(lite);
            Assert.Equal(pg.Except(lite).ToList(), new List<string>());   // in PostgreSQL only
            Assert.Equal(lite.Except(pg).ToList(), new List<string>());   // in SQLite only
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }
}
