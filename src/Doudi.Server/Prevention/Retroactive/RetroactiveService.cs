using System.Data.Common;
using Doudi.Engine.Cases;
using Doudi.Engine.Results;
using Doudi.Engine.Retroactive;
using Doudi.Engine.Settlement;
using Doudi.Server.Api;
using Doudi.Server.Audit;
using Doudi.Server.Prevention.Common;
using Doudi.Server.Prevention.Funds;
using Doudi.Server.Prevention.Relief;
using Doudi.Server.Registry;
using Doudi.Server.Security;
using Doudi.Server.Settlements;
using Doudi.Server.Storage;

namespace Doudi.Server.Prevention.Retroactive;

public sealed record SupplementaryRow(string Id, long IdentityId, string BillId, string PersonId, string Region, decimal PaidBefore, decimal DueNow, decimal Difference,
    List<string> Trace, string Origin, DateTimeOffset CreatedAt, string CreatedBy)
{
    /// <summary>When the payment was reversed with its bill (冲销, P-1): it no longer counts and its money was recovered; null while it stands.</summary>
    public DateTimeOffset? ReversedAt { get; init; }

    public string? ReversedBy { get; init; }
}

/// <summary>
/// Retroactive assistance: when an identity arrives late — by the API or a name-list import — every bill of the person
/// dated on or after the day it takes effect (I-1) that was settled without it, in any later year, and for an identity
/// recognised for medical spending also the bills of its look-back window (I-15), are settled again with it; the
/// difference is stored as a supplementary payment (once per identity and bill: a second run pays nothing), traced to
/// its rule and posted to the medical assistance fund, in the transaction that added the identity.
/// </summary>
public sealed class RetroactiveService(Database db, PreventionEngine engine, PreventionClock clock, Monitoring.MonitoringService monitoring)
    : IIdentityAddedHook, ISettlementReversedHook
{
    public static SupplementaryRow Map(DbDataReader r) => new(r.S("id"), r.L("identity_id"), r.S("bill_id"), r.S("person_id"), r.S("region"), r.M("paid_before"),
        r.M("due_now"), r.M("difference"), Json.Deserialize<List<string>>(r.S("trace_json")), r.S("origin"), r.T("created_at"), r.S("created_by"))
    { ReversedAt = r.TN("reversed_at"), ReversedBy = r.Str("reversed_by") };

    /// <summary>
    /// P-1: a reversed bill (冲销) takes its supplementary payments with it, in the reversal's transaction. Each one that
    /// still stands on a reversed bill of the person is marked reversed, what it added to the annual limits is taken back
    /// from the running totals (LedgerTotals, so ledger and rebuild agree), and the money it paid is recovered to the
    /// medical assistance fund (应退, once per payment). A bill settled again under a new id then pays what is due once.
    /// </summary>
    public async Task SettlementReversedAsync(DbConnection c, DbTransaction tx, string personId, int year, Actor actor)
    {
        var standing = await c.ListAsync("SELECT x.* FROM supplementary_payments x JOIN settlements s ON s.id = x.bill_id " +
            "WHERE x.person_id = @p AND x.reversed_at IS NULL AND s.status = @rev ORDER BY x.created_at, x.id", tx,
            r => (Row: Map(r), Year: r.I("year"), Counted: r.S("counted_json")), ("p", personId), ("rev", StoredSettlement.Reversed));
        foreach (var (row, y, counted) in standing)
        {
            var now = DateTimeOffset.UtcNow;
            await c.ExecAsync("UPDATE supplementary_payments SET reversed_at = @at, reversed_by = @by WHERE id = @id AND reversed_at IS NULL", tx,
                ("at", now), ("by", actor.Name), ("id", row.Id));
            await LedgerTotals.AddAsync(c, tx, new LedgerDelta(personId, y, Json.Deserialize<Dictionary<string, decimal>>(counted), Sign: -1));
            await FundStore.RecoverAsync(c, tx, db.Dialect, row.Region, FundCodes.MedicalAssistance, clock.Today, row.Difference, personId,
                $"冲销追回回溯补付 recovered with reversed bill {row.BillId}", "R" + row.Id, actor);
            await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "supplementary_reversed", "supplementary_payment", row.Id,
                new { reversed = false }, new { reversed = true, bill = row.BillId, recovered = row.Difference });
        }
    }

    public Task<List<SupplementaryRow>> ListAsync(string? person, string? bill, string? region, CancellationToken ct)
    {
        var w = new Where().Eq("person_id", person).Eq("bill_id", bill).Eq("region", region);
        return db.ReadAsync(c => c.ListAsync($"SELECT * FROM supplementary_payments{w.Sql} ORDER BY created_at, id", null, Map, w.Args), ct);
    }

    /// <summary>Settles an identity's bills again (e.g. after bills were imported late): 404 unless the identity is the person's.</summary>
    public Task<List<SupplementaryRow>> RerunAsync(string personId, long identityId, Actor actor, CancellationToken ct) =>
        db.WriteAsync(async (c, tx) =>
        {
            var owner = await c.ScalarAsync("SELECT person_id FROM identities WHERE id = @i", tx, ("i", identityId)) as string;
            if (owner != personId) throw Api.ApiProblemException.NotFound(new($"此人没有身份 {identityId}", $"person {personId} has no identity {identityId}"));
            return await ComputeAsync(c, tx, personId, identityId, actor, "api");
        }, ct);

    public async Task IdentityAddedAsync(DbConnection c, DbTransaction tx, string personId, long identityId, Actor actor, string origin)
    {
        try { await ComputeAsync(c, tx, personId, identityId, actor, origin); }
        catch (SettlementException e)
        {
            // The identity is stored regardless; the bureau sees why nothing was paid back and can run it again.
            await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "retroactive_failed", "identity", identityId.ToString(System.Globalization.CultureInfo.InvariantCulture), null,
                new { person = personId, problems = e.Problems.Select(p => $"{p.Path}: {p.Message}") });
        }
    }

    public async Task<List<SupplementaryRow>> ComputeAsync(DbConnection c, DbTransaction tx, string personId, long identityId, Actor actor, string origin)
    {
        // The person is locked like a settlement or a reversal locks it (LedgerTotals' rule), so a bill settled or reversed
        // at the same moment is either seen here or sees what this adds: nothing counted twice, nothing paid on a reversed bill.
        await SettlementService.LockPersonAsync(c, tx, db.Dialect, personId);
        var person = await c.FirstAsync($"SELECT {RegistryStore.PersonColumns} FROM persons WHERE id = @id", tx, RegistryStore.MapPerson, ("id", personId));
        var all = await RegistryStore.IdentitiesAsync(c, tx, personId);
        var arrivedRow = all.FirstOrDefault(i => i.Id == identityId);
        if (person is null || arrivedRow is null) return [];
        var arrived = new Identity(arrivedRow.Category, arrivedRow.Recognized, arrivedRow.Revoked, arrivedRow.ForMedicalSpending);

        // From the earliest year the identity can reach (a look-back window reaches back into the year before, I-15;
        // otherwise the year of recognition — when it takes effect is the policy's own rule, identity.effective, which the
        // engine applies bill by bill) to the year it ends — every later year while it holds. The years it touches are
        // settled again whole, so annual limits count right; a bill the identity does not reach is settled as before.
        int fromYear = arrived.ForMedicalSpending ? arrived.Recognized.Year - 1 : arrived.Recognized.Year;
        int toYear = arrived.Revoked is { } end ? end.Year : 9999;
        var rows = await c.ListAsync("SELECT id, bill_json, result_json, result_format FROM settlements WHERE person_id = @p AND year >= @a AND year <= @b AND status = @s ORDER BY date, id", tx,
            r => (Id: r.S("id"), Bill: StoredResults.ReadBill(r.S("bill_json"), r.I("result_format")), Result: StoredResults.Read(r.S("result_json"), r.I("result_format"))),
            ("p", personId), ("a", fromYear), ("b", toYear), ("s", StoredSettlement.Settled));
        if (rows.Count == 0) return [];
        // What was paid on each bill so far: its latest result (an earlier re-settlement counts as paid).
        var paid = rows.ToDictionary(x => x.Id, x => x.Result, StringComparer.Ordinal);
        await EffectiveResults.ApplyAsync(c, tx, "person_id = @p", [("p", personId)], paid);

        var enginePerson = RegistryStore.ToEngine(person, all.Where(i => i.Id != identityId));
        var file = new CaseFile(person.Region, [enginePerson], rows.Select(x => x.Bill).ToList());
        var payments = RetroactiveAssistance.Compute(engine.Engine, file, personId, arrived, paid);
        if (payments.Count == 0) return [];
        // The bills settled again with the identity: their results replace the old ones for year-end and monitoring.
        var again = engine.Engine.SettleBills(file with { Persons = [enginePerson with { Identities = [.. enginePerson.Identities, arrived] }] });
        var resettled = again.ToDictionary(b => b.Id, StringComparer.Ordinal);
        var stored = new List<SupplementaryRow>();
        foreach (var p in payments)
        {
            if (await c.ScalarAsync("SELECT 1 FROM supplementary_payments WHERE identity_id = @i AND bill_id = @b", tx, ("i", identityId), ("b", p.BillId)) is not null) continue;
            var id = Ids.New("SP");
            var trace = p.Trace.Select(YearDataLoader.Line).ToList();
            var now = DateTimeOffset.UtcNow;
            var now2 = resettled[p.BillId];
            // What the re-settlement adds to each annual limit, beyond what the bill had counted so far (a bucket it no longer
            // counts is taken back).
            var before = paid[p.BillId].Counted;
            var delta = now2.Counted.Keys.Union(before.Keys, StringComparer.Ordinal).ToDictionary(k => k,
                k => now2.Counted.GetValueOrDefault(k) - before.GetValueOrDefault(k), StringComparer.Ordinal);
            await c.ExecAsync("INSERT INTO supplementary_payments (id, identity_id, bill_id, person_id, region, year, result_json, result_format, counted_json, paid_before, due_now, difference, trace_json, origin, created_at, created_by) " +
                "VALUES (@id, @i, @b, @p, @r, @y, @res, @fmt, @cnt, @pb, @dn, @d, @t, @o, @at, @by)", tx,
                ("id", id), ("i", identityId), ("b", p.BillId), ("p", personId), ("r", person.Region), ("y", p.Date.Year), ("res", StoredResults.Write(now2)),
                ("fmt", StoredSettlement.CurrentResultFormat),
                ("cnt", Json.Serialize(delta.Where(kv => kv.Value != 0).ToDictionary())), ("pb", p.PaidBefore), ("dn", p.DueNow), ("d", p.Difference),
                ("t", Json.Serialize(trace)), ("o", origin), ("at", now), ("by", actor.Name));
            // Later settlements count what the re-settlement added to the annual limits (the one ledger store).
            await LedgerTotals.AddAsync(c, tx, new LedgerDelta(personId, p.Date.Year, delta));
            await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "supplementary_payment", "settlement", p.BillId, null,
                new { id, identity = identityId, p.PaidBefore, p.DueNow, p.Difference, origin, rule = p.Trace[^1].Rule });
            await FundStore.PayAsync(c, tx, db.Dialect, person.Region, FundCodes.MedicalAssistance, clock.Today, p.Difference, personId,
                $"回溯补付 retroactive assistance {p.BillId}", id, actor);
            stored.Add(new SupplementaryRow(id, identityId, p.BillId, personId, person.Region, p.PaidBefore, p.DueNow, p.Difference, trace, origin, now, actor.Name));
        }
        // The person's monitoring totals of the touched years are recomputed with the new results.
        foreach (var y in stored.Select(x => rows.First(r => r.Id == x.BillId).Bill.Date.Year).Distinct())
            await monitoring.EvaluateAsync(c, tx, person, y, actor, store: true);
        return stored;
    }
}
