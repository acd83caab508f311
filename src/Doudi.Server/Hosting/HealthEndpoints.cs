using Doudi.Server.Settlements;
using Doudi.Server.Storage;

namespace Doudi.Server.Hosting;

public static class HealthEndpoints
{
    public static void Map(WebApplication app)
    {
        // Liveness: the process answers.
        app.MapGet("/health", () => Results.Ok(new { status = "ok" })).AllowAnonymous().WithTags("Health");

        // Readiness: the database answers at the latest schema and the policies are loaded.
        app.MapGet("/ready", async (Database db, EngineHost engine, CancellationToken ct) =>
        {
            var checks = new Dictionary<string, string>();
            var ok = true;
            try
            {
                var version = await Migrator.CurrentVersionAsync(db, ct);
                var latest = Migrator.Scripts(db.Dialect).Max(s => s.Version);
                checks["database"] = version == latest ? $"ok ({db.Dialect}, schema {version})" : $"schema {version}, expected {latest}";
                ok &= version == latest;
            }
            catch (Exception e)
            {
                checks["database"] = "unreachable: " + e.GetType().Name;
                ok = false;
            }
            // Informational: whether the server's own role could alter its tables (PostgreSQL without DOUDI_DB_OWNER).
            if (db.Dialect == Dialect.Postgres && ok)
            {
                try
                {
                    var owned = await db.ReadAsync(c => c.ScalarAsync("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user", null), ct);
                    checks["privileges"] = Convert.ToInt64(owned, System.Globalization.CultureInfo.InvariantCulture) == 0
                        ? "ok (the application role owns no table)"
                        : $"warning: the application role owns {owned} tables; set DOUDI_DB_OWNER (see the server README)";
                }
                catch (System.Data.Common.DbException e) { checks["privileges"] = "unknown: " + e.GetType().Name; }
            }
            checks["policies"] = engine.Ready ? $"ok ({engine.PolicyDirectory})" : "not loaded: " + string.Join("; ", engine.Errors);
            ok &= engine.Ready;
            return Results.Json(new { status = ok ? "ready" : "not_ready", checks }, statusCode: ok ? 200 : 503);
        }).AllowAnonymous().WithTags("Health");
    }
}
