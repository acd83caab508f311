using System.Data.Common;
using Doudi.Server.Audit;
using Doudi.Server.Prevention.Common;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Prevention.Monitoring;

/// <summary>Monitoring's own tables: rules that could not be evaluated, local thresholds and published statistics.</summary>
public static class MonitoringStore
{
    public static Task<List<MonitoringProblemView>> ProblemsAsync(DbConnection c, IReadOnlyList<string>? policies, int? year)
    {
        var where = new Where().Eq("year", year);
        if (policies is not null)
            where.Raw(policies.Count == 0 ? "1 = 0" : "policy IN (" + string.Join(", ", policies.Select((_, i) => "@pol" + i)) + ")",
                policies.Select((id, i) => ("pol" + i, (object?)id)).ToArray());
        return c.ListAsync($"SELECT * FROM monitoring_problems{where.Sql} ORDER BY policy, year, rule", null,
            r => new MonitoringProblemView(r.S("policy"), r.S("rule"), r.I("year"), r.S("code"), r.S("message_zh"), r.S("message_en"), r.T("first_seen")),
            where.Args);
    }

    public static Task<Registry.PersonRecord?> PersonAsync(DbConnection c, string id) =>
        c.FirstAsync($"SELECT {Registry.RegistryStore.PersonColumns} FROM persons WHERE id = @id", null, Registry.RegistryStore.MapPerson, ("id", id));

    public static async Task SetParameterAsync(DbConnection c, DbTransaction tx, Dialect dialect, string policy, string rule, decimal threshold, string basis, Actor actor)
    {
        var before = await c.ScalarAsync("SELECT threshold FROM prevention_parameters WHERE policy = @p AND rule = @r", tx, ("p", policy), ("r", rule));
        await c.ExecAsync("INSERT INTO prevention_parameters (policy, rule, threshold, basis, set_at, set_by) VALUES (@p, @r, @t, @b, @at, @by) " +
            "ON CONFLICT (policy, rule) DO UPDATE SET threshold = @t, basis = @b, set_at = @at, set_by = @by", tx,
            ("p", policy), ("r", rule), ("t", threshold), ("b", basis), ("at", DateTimeOffset.UtcNow), ("by", actor.Name));
        await AuditLog.WriteAsync(c, tx, dialect, actor, "set", "monitoring_parameter", $"{policy}:{rule}", before is null ? null : new { threshold = before.ToString() }, new { threshold, basis });
    }

    public static async Task SetStatisticAsync(DbConnection c, DbTransaction tx, Dialect dialect, string region, int year, string statistic, decimal value, string source, Actor actor)
    {
        await c.ExecAsync("INSERT INTO prevention_statistics (region, year, statistic, value, source, set_at, set_by) VALUES (@r, @y, @s, @v, @src, @at, @by) " +
            "ON CONFLICT (region, year, statistic) DO UPDATE SET value = @v, source = @src, set_at = @at, set_by = @by", tx,
            ("r", region), ("y", year), ("s", statistic), ("v", value), ("src", source), ("at", DateTimeOffset.UtcNow), ("by", actor.Name));
        await AuditLog.WriteAsync(c, tx, dialect, actor, "set", "statistic", $"{region}:{year}:{statistic}", null, new { value, source });
    }
}
