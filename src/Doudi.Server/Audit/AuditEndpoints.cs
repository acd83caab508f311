using System.Text.Json;
using Doudi.Server.Api;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Audit;

public static class AuditEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/api/audit", async (HttpContext http, Database db, string? entity, string? entityId, int? page, int? pageSize, CancellationToken ct) =>
        {
            var paging = Paging.From(page, pageSize);
            var where = new List<string>();
            var args = new List<(string, object?)>();
            if (entity is not null) { where.Add("entity = @e"); args.Add(("e", entity)); }
            if (entityId is not null) { where.Add("entity_id = @i"); args.Add(("i", entityId)); }
            var w = where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "";
            var actor = http.Actor();
            var result = await db.ReadAsync(async c =>
            {
                var total = Convert.ToInt64(await c.ScalarAsync($"SELECT COUNT(*) FROM audit_log{w}", null, args.ToArray()));
                var items = await c.ListAsync(
                    $"SELECT id, at, actor, role, action, entity, entity_id, CAST(before_json AS text) AS before_json, CAST(after_json AS text) AS after_json FROM audit_log{w} ORDER BY id LIMIT @lim OFFSET @off",
                    null, r => new AuditEntry(r.L("id"), r.T("at"), r.S("actor"), r.S("role"), r.S("action"), r.S("entity"), r.S("entity_id"),
                        Parse(r.Str("before_json"), actor), Parse(r.Str("after_json"), actor)),
                    [.. args, ("lim", paging.PageSize), ("off", paging.Offset)]);
                return new Page<AuditEntry>(items, paging.Page, paging.PageSize, total);
            }, ct);
            return Results.Json(result, Json.Options);
        }).RequireAuthorization(Policies.ReadAudit).WithTags("Audit");
    }

    /// <summary>Audit entries keep ID numbers in full; readers who may not see them get them masked.</summary>
    private static JsonElement? Parse(string? json, Actor actor)
    {
        if (json is null) return null;
        if (!actor.SeesIdNumbers) json = MaskIdNumbers(json);
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    private static readonly System.Text.RegularExpressions.Regex IdNumber = new("\\b(\\d{4})\\d{10}(\\d{3}[\\dXx])\\b");
    public static string MaskIdNumbers(string text) => IdNumber.Replace(text, "$1**********$2");
}
