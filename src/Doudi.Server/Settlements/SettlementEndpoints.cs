using Doudi.Server.Api;
using Doudi.Cases;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Settlements;

public static class SettlementEndpoints
{
    public static void Map(WebApplication app)
    {
        var g = app.MapGroup("/api/settlements").WithTags("Settlements");

        g.MapPost("/", async (HttpContext http, OneStopGroups service, Plausibility plausibility, CancellationToken ct) =>
        {
            var input = await BillRequest.ReadAsync(http.Request, ct);
            var hold = plausibility.Check(input);
            var actor = http.Actor();
            var outcome = await service.SettleAsync(input, actor, actor.Role == Roles.Hospital ? "hospital" : "counter", ct, hold);
            if (outcome.Replayed) http.Response.Headers["Idempotent-Replay"] = "true";
            if (outcome.Held is { } held)
            {
                // 202: accepted for review, nothing paid (maf_pay 0) until a bureau operator releases it.
                http.Response.Headers.Location = $"/api/held-settlements/{held.Id}";
                return Results.Json(held.ToBody(), Json.Options, statusCode: StatusCodes.Status202Accepted);
            }
            if (!outcome.Replayed) http.Response.Headers.Location = $"/api/settlements/{outcome.Settlement.Id}";
            return new AnswerResult(outcome.Settlement, outcome.National, outcome.Replayed ? 200 : 201);
        }).RequireAuthorization(Policies.Settle)
          .WithSummary("一站式结算一张单据 / settle one bill (our or the national platform's field names); returns maf_pay and the trace, " +
                       "in national names too (setlinfo, setldetail) when asked in them; 202 when held for review")
          .WithDescription("201: settled (Location: the settlement). 200: a retry of the same bill (Idempotent-Replay: true), the same body. " +
                           "202: held for review by the plausibility bounds, nothing paid (Location: the held settlement). " +
                           "409: the id was used for another bill, or the settlement was reversed or rejected. 422: the bill cannot be settled (no identity, …).")
          .JsonBodyOneOf<BillInOurNames, BillInNationalNames>()
          .Produces<SettlementAnswer>(StatusCodes.Status201Created).Produces<SettlementAnswer>(StatusCodes.Status200OK)
          .Produces<HeldSettlementView>(StatusCodes.Status202Accepted).Problems(404, 409, 413, 422, 503);

        g.MapPost("/{id}/reversal", async (string id, HttpContext http, SettlementService service, CancellationToken ct) =>
        {
            string? reason = null;
            if (http.Request.ContentLength is > 0 || http.Request.Headers.TransferEncoding.Count > 0)
            {
                using var doc = await Body.ReadJsonAsync(http.Request, ct);
                var problems = new List<FieldProblem>();
                var f = Fields.FromJson(Body.RequireObject(doc), "", problems);
                reason = f.String("reason", maxLength: 500);
                if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            }
            var outcome = await service.ReverseAsync(id, reason, http.Actor(), ct);
            if (outcome.Replayed) http.Response.Headers["Idempotent-Replay"] = "true";
            return Body.RawJson(outcome.Settlement.ToJson());
        }).RequireAuthorization(Policies.Settle)
          .WithSummary("冲销 / reverse a settlement: it no longer counts against annual limits; recorded with who and why")
          .JsonBody<ReversalRequest>().Produces<SettlementAnswer>().Problems(404, 409, 503);

        g.MapGet("/{id}", async (string id, HttpContext http, Database db, CancellationToken ct) =>
        {
            var s = await db.ReadAsync(c => SettlementService.FindAsync(c, null, id), ct);
            var actor = http.Actor();
            if (s is null || (actor.Role == Roles.Hospital && s.CreatedBy != actor.Name))
                throw ApiProblemException.NotFound(new($"没有结算 {id}", $"no settlement {id}"));
            return (IResult)new AnswerResult(s, null, StatusCodes.Status200OK);
        }).RequireAuthorization(Policies.ReadSettlements)
          .WithSummary("一笔结算 / a settlement with its result and trace").Produces<SettlementAnswer>().Problems(404);

        g.MapGet("/", async (HttpContext http, Database db, string? person, int? year, string? region, int? page, int? pageSize, CancellationToken ct) =>
        {
            var paging = Paging.From(page, pageSize);
            year = Paging.Year(year);
            var actor = http.Actor();
            // A hospital sees only its own settlements.
            var (items, total) = await db.ReadAsync(c => SettlementStore.ListAsync(c, person, year, region, actor.Role == Roles.Hospital ? actor.Name : null, paging), ct);
            var json = "{\"items\":[" + string.Join(",", items.Select(i => i.ToJson())) + $"],\"page\":{paging.Page},\"pageSize\":{paging.PageSize},\"total\":{total}}}";
            return Body.RawJson(json);
        }).RequireAuthorization(Policies.ReadSettlements)
          .WithSummary("结算列表 / settlements by person, year, region (a hospital: its own)").Produces<SettlementPage>();
    }
}
