using System.Data.Common;
using Doudi.Server.Api;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Audit;

/// <summary>
/// The append-only audit log: who, when, what, before and after. Written in the same transaction as the change
/// it records, so a change and its record are stored together or not at all. The database refuses UPDATE and DELETE.
/// </summary>
public static class AuditLog
{
    public static Task WriteAsync(DbConnection c, DbTransaction tx, Dialect dialect, Actor actor, string action, string entity, string entityId,
        object? before, object? after)
        => c.ExecAsync(InsertSql(dialect, "a_"), tx, Parameters("a_", actor, action, entity, entityId, before, after));

    /// <summary>The INSERT with parameters named by <paramref name="prefix"/>, to send in one batch with the change it records.</summary>
    public static string InsertSql(Dialect dialect, string prefix) =>
        $"INSERT INTO audit_log (at, actor, role, action, entity, entity_id, before_json, after_json) VALUES (@{prefix}at, @{prefix}actor, @{prefix}role, @{prefix}action, @{prefix}entity, @{prefix}id, {dialect.Json($"@{prefix}before")}, {dialect.Json($"@{prefix}after")})";

    public static (string, object?)[] Parameters(string prefix, Actor actor, string action, string entity, string entityId, object? before, object? after) =>
    [
        (prefix + "at", DateTimeOffset.UtcNow), (prefix + "actor", actor.Name), (prefix + "role", actor.Role), (prefix + "action", action),
        (prefix + "entity", entity), (prefix + "id", entityId),
        (prefix + "before", before is null ? null : before as string ?? Json.Serialize(before)),
        (prefix + "after", after is null ? null : after as string ?? Json.Serialize(after)),
    ];

    /// <summary>A page of the log by entity and entity id, oldest first; <paramref name="read"/> turns a stored before/after JSON into the answer's value.</summary>
    public static Task<(List<AuditEntry> Items, long Total)> PageAsync(DbConnection c, string? entity, string? entityId, Paging paging,
        Func<string?, System.Text.Json.JsonElement?> read) =>
        new Filter().Equal("entity", entity).Equal("entity_id", entityId).PageAsync(c,
            "id, at, actor, role, action, entity, entity_id, CAST(before_json AS text) AS before_json, CAST(after_json AS text) AS after_json", "audit_log", "id",
            r => new AuditEntry(r.L("id"), r.T("at"), r.S("actor"), r.S("role"), r.S("action"), r.S("entity"), r.S("entity_id"),
                read(r.Str("before_json")), read(r.Str("after_json"))), paging);
}

public sealed record AuditEntry(long Id, DateTimeOffset At, string Actor, string Role, string Action, string Entity, string EntityId,
    System.Text.Json.JsonElement? Before, System.Text.Json.JsonElement? After);
