using System.Data.Common;
using Doudi.Cases;
using Doudi.Server.Api;
using Doudi.Server.Audit;
using Doudi.Server.Registry;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Settlements;

/// <summary>A bill held for review: what was sent (as read), why it was held, and what the bureau decided.</summary>
public sealed record HeldSettlement(
    string Id, string PersonId, string Region, DateOnly Date, string RequestHash, string DocumentJson, string ReasonsJson, string Source,
    string Status, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? ReviewedAt, string? ReviewedBy, string? ReviewNote)
{
    public const string Held = "held";
    public const string Released = "released";
    public const string Rejected = "rejected";
    public const string Columns = "id, person_id, region, date, request_hash, document_json, reasons_json, source, status, created_at, created_by, reviewed_at, reviewed_by, review_note";

    public static HeldSettlement Map(DbDataReader r) => new(
        r.S("id"), r.S("person_id"), r.S("region"), r.D("date"), r.S("request_hash"), r.S("document_json"), r.S("reasons_json"), r.S("source"),
        r.S("status"), r.T("created_at"), r.S("created_by"), r.TN("reviewed_at"), r.Str("reviewed_by"), r.Str("review_note"));

    /// <summary>The answer for a held bill: nothing paid (maf_pay 0) and why it waits.</summary>
    public HeldSettlementView ToBody() => new(Id, PersonId, Region, Date, Status, 0m, 0m,
        Json.Deserialize<Dictionary<string, string[]>>(ReasonsJson), CreatedAt, CreatedBy, Source,
        ReviewedAt is null ? null : new HeldReview(ReviewedAt, ReviewedBy, ReviewNote),
        System.Text.Json.JsonSerializer.Deserialize<System.Text.Json.JsonElement>(DocumentJson));
}

/// <summary>
/// Settlements held for review (issue 8): a bill outside the plausibility bounds is stored here, pays and counts nothing,
/// and keeps its id (a retry answers the same hold). A bureau operator releases it — it is then settled like any bill,
/// against the person's ledger at that moment, and stays the sending hospital's — or rejects it; both audited.
/// </summary>
public sealed class HeldSettlements(Database db, SettlementService settlements)
{
    internal static async Task<HeldSettlement> HoldAsync(DbConnection c, DbTransaction tx, Dialect dialect, BillDocument input, string hash,
        PersonRecord person, IReadOnlyList<FieldProblem> reasons, Actor actor, string source)
    {
        var now = DateTimeOffset.UtcNow;
        var reasonsJson = Json.Serialize(reasons.GroupBy(p => p.Path).ToDictionary(g => g.Key, g => g.Select(p => p.Message.Zh + " / " + p.Message.En).ToArray()));
        var held = new HeldSettlement(input.Bill.Id, person.Id, person.Region, input.Bill.Date, hash, Json.Serialize(input), reasonsJson, source,
            HeldSettlement.Held, now, actor.Name, null, null, null);
        await c.ExecAsync($"INSERT INTO held_settlements ({HeldSettlement.Columns}) VALUES (@id, @p, @r, @d, @hash, @doc, @why, @src, @s, @at, @by, NULL, NULL, NULL)", tx,
            ("id", held.Id), ("p", held.PersonId), ("r", held.Region), ("d", held.Date), ("hash", hash), ("doc", held.DocumentJson), ("why", reasonsJson),
            ("src", source), ("s", held.Status), ("at", now), ("by", actor.Name));
        await AuditLog.WriteAsync(c, tx, dialect, actor, "hold", "settlement", held.Id, null, new { held.Id, person = person.Id, held.Date, reasons = reasonsJson });
        return held;
    }

    /// <summary>A retry of a held (or rejected) bill: the same hold answered again, never a payment.</summary>
    internal static SettleOutcome Replay(HeldSettlement h, string hash, Actor actor)
    {
        if (h.RequestHash != hash || (actor.Role == Roles.Hospital && h.CreatedBy != actor.Name))
            throw ApiProblemException.Conflict(new($"结算号 {h.Id} 已用于另一笔单据", $"settlement id {h.Id} was already used for a different bill"));
        if (h.Status == HeldSettlement.Rejected)
            throw new ApiProblemException(StatusCodes.Status409Conflict,
                new($"单据 {h.Id} 经审核已拒绝，不予支付", $"bill {h.Id} was rejected on review and pays nothing"), type: "https://doudi.example/problems/rejected");
        return new SettleOutcome(null!, true, h);
    }

    public Task<HeldSettlement?> FindAsync(string id, CancellationToken ct) =>
        db.ReadAsync(c => c.FirstAsync($"SELECT {HeldSettlement.Columns} FROM held_settlements WHERE id = @id", null, HeldSettlement.Map, ("id", id)), ct);

    public async Task<(List<HeldSettlement> Items, long Total)> ListAsync(string status, Paging paging, CancellationToken ct) =>
        await db.ReadAsync(async c =>
        {
            var total = Convert.ToInt64(await c.ScalarAsync("SELECT COUNT(*) FROM held_settlements WHERE status = @s", null, ("s", status)));
            var rows = await c.ListAsync($"SELECT {HeldSettlement.Columns} FROM held_settlements WHERE status = @s ORDER BY created_at, id LIMIT @lim OFFSET @off", null,
                HeldSettlement.Map, ("s", status), ("lim", paging.PageSize), ("off", paging.Offset));
            return (rows, total);
        }, ct);

    /// <summary>Releases a held bill: settles it now (its id, its hospital) and marks the hold released, in one transaction.</summary>
    public Task<SettleOutcome> ReleaseAsync(string id, string? note, Actor actor, CancellationToken ct) =>
        db.WriteAsync(async (c, tx) =>
        {
            var h = await PendingAsync(c, tx, id);
            var document = Json.Deserialize<BillDocument>(h.DocumentJson);
            var outcome = await settlements.SettleInTransactionAsync(c, tx, document, h.RequestHash, actor, h.Source, hold: null, owner: h.CreatedBy);
            await ReviewAsync(c, tx, actor, h, HeldSettlement.Released, note, outcome.Settlement.Assistance);
            return outcome;
        }, ct);

    public Task<HeldSettlement> RejectAsync(string id, string? note, Actor actor, CancellationToken ct) =>
        db.WriteAsync(async (c, tx) =>
        {
            var h = await PendingAsync(c, tx, id);
            await ReviewAsync(c, tx, actor, h, HeldSettlement.Rejected, note, null);
            return h with { Status = HeldSettlement.Rejected, ReviewedBy = actor.Name, ReviewNote = note, ReviewedAt = DateTimeOffset.UtcNow };
        }, ct);

    private async Task<HeldSettlement> PendingAsync(DbConnection c, DbTransaction tx, string id)
    {
        var h = await c.FirstAsync($"SELECT {HeldSettlement.Columns} FROM held_settlements WHERE id = @id{db.Dialect.ForUpdate()}", tx, HeldSettlement.Map, ("id", id))
                ?? throw ApiProblemException.NotFound(new($"没有待审核的结算 {id}", $"no held settlement {id}"));
        if (h.Status != HeldSettlement.Held)
            throw ApiProblemException.Conflict(new($"结算 {id} 已审核（{h.Status}）", $"settlement {id} was already reviewed ({h.Status})"));
        return h;
    }

    private async Task ReviewAsync(DbConnection c, DbTransaction tx, Actor actor, HeldSettlement h, string status, string? note, decimal? assistance)
    {
        await c.ExecAsync("UPDATE held_settlements SET status = @s, reviewed_at = @at, reviewed_by = @by, review_note = @note WHERE id = @id AND status = @old", tx,
            ("s", status), ("at", DateTimeOffset.UtcNow), ("by", actor.Name), ("note", note), ("id", h.Id), ("old", HeldSettlement.Held));
        await AuditLog.WriteAsync(c, tx, db.Dialect, actor, status == HeldSettlement.Released ? "release" : "reject", "settlement", h.Id,
            new { status = HeldSettlement.Held }, new { status, note, assistance });
    }
}
