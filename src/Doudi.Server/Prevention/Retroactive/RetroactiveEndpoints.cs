using Doudi.Server.Prevention.Common;
using Doudi.Server.Security;
using Doudi.Server.Api;

namespace Doudi.Server.Prevention.Retroactive;

/// <summary>Supplementary payments, and the sum of those that stand (a payment reversed with its bill, P-1, is listed but not summed).</summary>
public sealed record SupplementaryList(IReadOnlyList<SupplementaryRow> Items, decimal Total);

public static class RetroactiveEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/api/supplementary-payments", async (RetroactiveService service, string? person, string? bill, string? region, CancellationToken ct) =>
        {
            var items = await service.ListAsync(person, bill, region, ct);
            return Results.Json(new SupplementaryList(items, items.Where(i => i.ReversedAt is null).Sum(i => i.Difference)), Json.Options);
        }).RequireAuthorization(PreventionPolicies.ReadRelief).WithTags("Retroactive assistance").Produces<SupplementaryList>(200)
          .WithSummary("回溯补付 / supplementary payments made when an identity for medical spending reached back (I-15)");

        // Runs the look-back again for an identity (e.g. after bills were imported late); pays only what was not paid before.
        app.MapPost("/api/persons/{id}/identities/{identityId:long}/retroactive", async (string id, long identityId, HttpContext http, RetroactiveService service, CancellationToken ct) =>
        {
            var rows = await service.RerunAsync(id, identityId, http.Actor(), ct);
            return Results.Json(new SupplementaryList(rows, rows.Sum(r => r.Difference)), Json.Options);
        }).RequireAuthorization(Policies.Operate).WithTags("Retroactive assistance").Produces<SupplementaryList>(200).Problems(404)
          .WithSummary("重新回溯结算 / settle the look-back window of an identity again; pays only new differences");
    }
}
