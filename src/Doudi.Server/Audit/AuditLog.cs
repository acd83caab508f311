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
        => c.ExecAsync(
            $"INSERT INTO audit_log (at, actor, role, action, entity, entity_id, before_json, after_json) VALUES (@at, @actor, @role, @action, @entity, @id, {dialect.Json("@before")}, {dialect.Json("@after")})",
            tx, ("at", DateTimeOffset.UtcNow), ("actor", actor.Name), ("role", actor.Role), ("action", action), ("entity", entity), ("id", entityId),
            ("before", before is null ? null : before as string ?? Json.Serialize(before)),
            ("after", after is null ? null : after as string ?? Json.Serialize(after)));
}

public sealed record AuditEntry(long Id, DateTimeOffset At, string Actor, string Role, string Action, string Entity, string EntityId,
    System.Text.Json.JsonElement? Before, System.Text.Json.JsonElement? After);
