using Doudi.Server.Api;
using Doudi.Server.Security;

namespace Doudi.Server.Settlements;

/// <summary>Bills held for review (plausibility bounds): listed, released (then settled) or rejected by the bureau; audited.</summary>
public static class HeldSettlementEndpoints
{
    public static void Map(WebApplication app)
    {
        var g = app.MapGroup("/api/held-settlements").WithTags("Settlements");

        g.MapGet("/", async (HeldSettlements held, string? status, int? page, int? pageSize, CancellationToken ct) =>
        {
            status ??= HeldSettlement.Held;
            if (status is not (HeldSettlement.Held or HeldSettlement.Released or HeldSettlement.Rejected))
                throw ApiProblemException.Invalid([new FieldProblem("status", Msg.Unknown("状态", status, [HeldSettlement.Held, HeldSettlement.Released, HeldSettlement.Rejected]))]);
            var paging = Paging.From(page, pageSize);
            var (items, total) = await held.ListAsync(status, paging, ct);
            return Results.Json(new HeldSettlementPage(items.Select(h => h.ToBody()).ToList(), paging.Page, paging.PageSize, total), Json.Options);
        }).RequireAuthorization(Policies.Operate).WithSummary("待审核结算 / settlements held for review").Produces<HeldSettlementPage>();

        g.MapGet("/{id}", async (string id, HttpContext http, HeldSettlements held, CancellationToken ct) =>
        {
            var h = await held.FindAsync(id, ct);
            var actor = http.Actor();
            if (h is null || (actor.Role == Roles.Hospital && h.CreatedBy != actor.Name))
                throw ApiProblemException.NotFound(new($"没有待审核的结算 {id}", $"no held settlement {id}"));
            return Results.Json(h.ToBody(), Json.Options);
        }).RequireAuthorization(Policies.Settle).WithSummary("一张待审核结算 / a held settlement (a hospital: its own)").Produces<HeldSettlementView>().Problems(404);

        g.MapPost("/{id}/release", async (string id, HttpContext http, HeldSettlements held, CancellationToken ct) =>
        {
            var note = await NoteAsync(http, required: false, ct);
            var outcome = await held.ReleaseAsync(id, note, http.Actor(), ct);
            http.Response.Headers.Location = $"/api/settlements/{outcome.Settlement.Id}";
            return Body.RawJson(outcome.Settlement.ToJson(), StatusCodes.Status201Created);
        }).RequireAuthorization(Policies.Operate).WithSummary("放行 / release a held bill: it is settled now, against the ledger of this moment")
          .JsonBody<ReviewNoteRequest>().Produces<SettlementAnswer>(StatusCodes.Status201Created).Problems(404, 409, 422, 503);

        g.MapPost("/{id}/rejection", async (string id, HttpContext http, HeldSettlements held, CancellationToken ct) =>
        {
            var note = await NoteAsync(http, required: true, ct);
            var h = await held.RejectAsync(id, note, http.Actor(), ct);
            return Results.Json(h.ToBody(), Json.Options);
        }).RequireAuthorization(Policies.Operate).WithSummary("拒付 / reject a held bill with a reason: it is never settled")
          .JsonBody<ReviewNoteRequest>().Produces<HeldSettlementView>().Problems(404, 409, 503);
    }

    private static async Task<string?> NoteAsync(HttpContext http, bool required, CancellationToken ct)
    {
        string? note = null;
        var problems = new List<FieldProblem>();
        if (http.Request.ContentLength is > 0 || http.Request.Headers.TransferEncoding.Count > 0)
        {
            using var doc = await Body.ReadJsonAsync(http.Request, ct);
            var f = Fields.FromJson(Body.RequireObject(doc), "", problems);
            note = f.String("note", required: required, maxLength: 500);
        }
        else if (required) problems.Add(new("note", Msg.Required));
        if (note is not null && note.Any(char.IsControl)) problems.Add(new("note", new("含有控制字符", "contains a control character")));
        if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
        return note;
    }
}
