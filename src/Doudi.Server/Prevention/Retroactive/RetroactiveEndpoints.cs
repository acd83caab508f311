using Doudi.Server.Api;
using Doudi.Server.Prevention.Common;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Prevention.Retroactive;

public static class RetroactiveEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/api/supplementary-payments", async (Database db, string? person, string? bill, string? region, CancellationToken ct) =>
        {
            var w = new Where().Eq("person_id", person).Eq("bill_id", bill).Eq("region", region);
            var items = await db.ReadAsync(c => c.ListAsync($"SELECT * FROM supplementary_payments{w.Sql} ORDER BY created_at, id", null, RetroactiveService.Map, w.Args), ct);
            return Results.Json(new { items, total = items.Sum(i => i.Difference) }, Json.Options);
        }).RequireAuthorization(PreventionPolicies.ReadRelief).WithTags("Retroactive assistance")
          .WithSummary("回溯补付 / supplementary payments made when an identity for medical spending reached back (I-15)");

        // Runs the look-back again for an identity (e.g. after bills were imported late); pays only what was not paid before.
        app.MapPost("/api/persons/{id}/identities/{identityId:long}/retroactive", async (string id, long identityId, HttpContext http, Database db, RetroactiveService service, CancellationToken ct) =>
        {
            var actor = http.Actor();
            var rows = await db.WriteAsync(async (c, tx) =>
            {
                var owner = await c.ScalarAsync("SELECT person_id FROM identities WHERE id = @i", tx, ("i", identityId)) as string;
                if (owner != id) throw ApiProblemException.NotFound(new($"此人没有身份 {identityId}", $"person {id} has no identity {identityId}"));
                return await service.ComputeAsync(c, tx, id, identityId, actor, "api");
            }, ct);
            return Results.Json(new { items = rows, total = rows.Sum(r => r.Difference) }, Json.Options);
        }).RequireAuthorization(Policies.Operate).WithTags("Retroactive assistance")
          .WithSummary("重新回溯结算 / settle the look-back window of an identity again; pays only new differences");
    }
}
