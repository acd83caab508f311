using System.Data.Common;
using System.Reflection;

namespace Doudi.Server.Storage;

/// <summary>
/// Applies the versioned SQL scripts of the database's dialect (embedded resources
/// <c>Storage/Migrations/{sqlite|postgres}/NNNN_name.sql</c>) in order, each in its own transaction,
/// and records them in <c>schema_migrations</c>. Safe to run at every start and from several processes.
/// </summary>
public static class Migrator
{
    public sealed record Script(int Version, string Name, string Sql);

    public static IReadOnlyList<Script> Scripts(Dialect dialect)
    {
        var asm = typeof(Migrator).Assembly;
        var folder = dialect == Dialect.Postgres ? ".postgres." : ".sqlite.";
        return asm.GetManifestResourceNames()
            .Where(n => n.Contains(".Migrations" + folder, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var file = n[(n.IndexOf(".Migrations" + folder, StringComparison.Ordinal) + ".Migrations".Length + folder.Length)..];
                var version = int.Parse(file.AsSpan(0, file.IndexOf('_')), System.Globalization.CultureInfo.InvariantCulture);
                using var s = asm.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(s);
                return new Script(version, file, reader.ReadToEnd());
            })
            .OrderBy(s => s.Version)
            .ToList();
    }

    public static async Task<int> MigrateAsync(Database db, ILogger? log = null, CancellationToken ct = default)
    {
        await using var conn = await db.OpenAsync(ct);
        // Up to date already (another node, or the owner role, migrated): nothing to create or lock, so a server whose
        // role may not create or lock tables (the application role) starts beside the one that migrated.
        var scripts = Scripts(db.Dialect);
        var exists = db.Dialect == Dialect.Postgres
            ? await conn.ScalarAsync("SELECT to_regclass('schema_migrations') IS NOT NULL", null)
            : await conn.ScalarAsync("SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'", null);
        if (exists is true or 1L)
        {
            var done = (await conn.ListAsync("SELECT version FROM schema_migrations", null, r => r.I("version"))).ToHashSet();
            if (scripts.All(x => done.Contains(x.Version)))
            {
                if (db.Dialect == Dialect.Sqlite) await conn.ExecAsync("PRAGMA journal_mode=WAL", null);
                return 0;
            }
        }
        var createTable = db.Dialect == Dialect.Postgres
            ? "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)"
            : "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
        await conn.ExecAsync(createTable, null);
        var applied = 0;
        foreach (var script in scripts)
        {
            await using var tx = await conn.BeginTransactionAsync(ct);
            if (db.Dialect == Dialect.Postgres)
                await conn.ExecAsync("LOCK TABLE schema_migrations IN EXCLUSIVE MODE", tx);
            var done = await conn.ScalarAsync("SELECT 1 FROM schema_migrations WHERE version = @v", tx, ("v", script.Version));
            if (done is not null) { await tx.RollbackAsync(ct); continue; }
            await conn.ExecAsync(script.Sql, tx);
            await conn.ExecAsync("INSERT INTO schema_migrations (version, name, applied_at) VALUES (@v, @n, @t)", tx,
                ("v", script.Version), ("n", script.Name), ("t", DateTimeOffset.UtcNow));
            await tx.CommitAsync(ct);
            log?.LogInformation("Applied migration {Version} {Name}", script.Version, script.Name);
            applied++;
        }
        if (db.Dialect == Dialect.Sqlite)
            await conn.ExecAsync("PRAGMA journal_mode=WAL", null);
        return applied;
    }

    /// <summary>
    /// Migrates as the owner role when one is configured, then grants the application role what the server needs:
    /// read, insert and update on its tables (no DELETE, no TRUNCATE, no UPDATE of the audit log), the sequences of its
    /// identity columns. Not owning the tables, the application role can neither ALTER them nor disable their triggers.
    /// Grants are given again at every start, so tables added by later migrations are covered.
    /// </summary>
    public static async Task<int> MigrateAsync(DatabaseOptions options, Database app, ILogger? log = null, CancellationToken ct = default)
    {
        if (options.OwnerConnectionString is null)
        {
            if (options.Dialect == Dialect.Postgres)
                log?.LogWarning("DOUDI_DB_OWNER is not set: the application role owns its tables and could alter them; see the server README (database roles)");
            return await MigrateAsync(app, log, ct);
        }
        using var owner = new Database(options.ForMigrations());
        var applied = await MigrateAsync(owner, log, ct);
        var role = options.ApplicationRole;
        var ownerRole = new Npgsql.NpgsqlConnectionStringBuilder(options.OwnerConnectionString).Username;
        if (string.IsNullOrEmpty(role) || string.Equals(role, ownerRole, StringComparison.Ordinal))
        {
            log?.LogWarning("DOUDI_DB and DOUDI_DB_OWNER name the same role: nothing to grant");
            return applied;
        }
        await using var conn = await owner.OpenAsync(ct);
        var r = QuoteIdentifier(role);
        await conn.ExecAsync(
            $"GRANT USAGE ON SCHEMA public TO {r};" +
            $"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {r};" +
            $"GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO {r};" +
            $"REVOKE UPDATE ON audit_log FROM {r};" +
            $"REVOKE INSERT, UPDATE ON schema_migrations FROM {r};" +
            $"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {r};" +
            $"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {r};", null);
        log?.LogInformation("Granted the application role {Role} read, insert and update (no delete, truncate or audit-log update)", role);
        return applied;
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static async Task<int> CurrentVersionAsync(Database db, CancellationToken ct = default)
    {
        await using var conn = await db.OpenAsync(ct);
        var v = await conn.ScalarAsync("SELECT MAX(version) FROM schema_migrations", null);
        return v is null ? 0 : Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>PostgreSQL: how many tables of the public schema the connected role owns (0 when migrations ran as DOUDI_DB_OWNER).</summary>
    public static async Task<long> TablesOwnedByAppAsync(Database db, CancellationToken ct = default) =>
        Convert.ToInt64(await db.ReadAsync(c => c.ScalarAsync("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user", null), ct),
            System.Globalization.CultureInfo.InvariantCulture);
}
