using Doudi.Server.Settlements;
using Doudi.Server.Storage;

namespace Doudi.Server.Hosting;

public sealed record HealthAnswer(string Status);

/// <summary>ready or not_ready, and each check's finding (database, privileges, policies).</summary>
public sealed record ReadyAnswer(string Status, IReadOnlyDictionary<string, string> Checks);

public static class HealthEndpoints
{
    public static void Map(WebApplication app)
    {
        // Liveness: the process answers.
        app.MapGet("/health", () => Results.Json(new HealthAnswer("ok"), Api.Json.Options)).AllowAnonymous().WithTags("Health")
            .WithSummary("存活 / the process answers").Produces<HealthAnswer>();

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
                    var owned = await Migrator.TablesOwnedByAppAsync(db, ct);
                    checks["privileges"] = owned == 0
                        ? "ok (the application role owns no table)"
                        : $"warning: the application role owns {owned} tables; set DOUDI_DB_OWNER (see the server README)";
                }
                catch (System.Data.Common.DbException e) { checks["privileges"] = "unknown: " + e.GetType().Name; }
            }
            checks["policies"] = engine.Ready ? $"ok ({engine.PolicyDirectory})" : "not loaded: " + string.Join("; ", engine.Errors);
            ok &= engine.Ready;
            return Results.Json(new ReadyAnswer(ok ? "ready" : "not_ready", checks), Api.Json.Options, statusCode: ok ? 200 : 503);
        }).AllowAnonymous().WithTags("Health")
          .WithSummary("就绪 / the database is at the latest schema and the policies are loaded (503 with the failing check otherwise)")
          .Produces<ReadyAnswer>().Produces<ReadyAnswer>(StatusCodes.Status503ServiceUnavailable);
    }
}
