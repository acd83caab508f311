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
            var actor = http.Actor();
            var (items, total) = await db.ReadAsync(c => AuditLog.PageAsync(c, entity, entityId, paging, json => Parse(json, actor)), ct);
            var result = new Page<AuditEntry>(items, paging.Page, paging.PageSize, total);
            return Results.Json(result, Json.Options);
        }).RequireAuthorization(Policies.ReadAudit).WithTags("Audit")
          .WithSummary("审计日志 / the append-only audit log by entity").Produces<Page<AuditEntry>>();
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
