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

        g.MapPost("/", async (HttpContext http, SettlementService service, Plausibility plausibility, CancellationToken ct) =>
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
            return Body.RawJson(outcome.Settlement.ToJson(), outcome.Replayed ? 200 : 201);
        }).RequireAuthorization(Policies.Settle)
          .WithSummary("一站式结算一张单据 / settle one bill (our or the national platform's field names); returns maf_pay and the trace, " +
                       "in national names too (setlinfo, setldetail) when asked in them; 202 when held for review");

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
          .WithSummary("冲销 / reverse a settlement: it no longer counts against annual limits; recorded with who and why");

        g.MapGet("/{id}", async (string id, HttpContext http, Database db, CancellationToken ct) =>
        {
            var s = await db.ReadAsync(c => SettlementService.FindAsync(c, null, id), ct);
            var actor = http.Actor();
            if (s is null || (actor.Role == Roles.Hospital && s.CreatedBy != actor.Name))
                throw ApiProblemException.NotFound(new($"没有结算 {id}", $"no settlement {id}"));
            return Body.RawJson(s.ToJson());
        }).RequireAuthorization(Policies.ReadSettlements);

        g.MapGet("/", async (HttpContext http, Database db, string? person, int? year, string? region, int? page, int? pageSize, CancellationToken ct) =>
        {
            var paging = Paging.From(page, pageSize);
            year = Paging.Year(year);
            var actor = http.Actor();
            var where = new List<string>();
            var args = new List<(string, object?)>();
            if (person is not null) { where.Add("person_id = @p"); args.Add(("p", person)); }
            if (year is not null) { where.Add("year = @y"); args.Add(("y", year)); }
            if (region is not null) { where.Add("region = @r"); args.Add(("r", region)); }
            if (actor.Role == Roles.Hospital) { where.Add("created_by = @by"); args.Add(("by", actor.Name)); }
            var w = where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "";
            var (items, total) = await db.ReadAsync(async c =>
            {
                var total = Convert.ToInt64(await c.ScalarAsync($"SELECT COUNT(*) FROM settlements{w}", null, args.ToArray()));
                var rows = await c.ListAsync($"SELECT {SettlementService.Columns} FROM settlements{w} ORDER BY date, id LIMIT @lim OFFSET @off", null,
                    StoredSettlement.Map, [.. args, ("lim", paging.PageSize), ("off", paging.Offset)]);
                return (rows, total);
            }, ct);
            var json = "{\"items\":[" + string.Join(",", items.Select(i => i.ToJson())) + $"],\"page\":{paging.Page},\"pageSize\":{paging.PageSize},\"total\":{total}}}";
            return Body.RawJson(json);
        }).RequireAuthorization(Policies.ReadSettlements);
    }
}
