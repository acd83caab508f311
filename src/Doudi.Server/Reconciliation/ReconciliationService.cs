using System.Security.Cryptography;
using Doudi.Analysis.Reconciliation;
using Doudi.Engine.Cases;
using Doudi.Engine.Settlement;
using Doudi.Server.Api;
using Doudi.Server.Audit;
using Doudi.Server.Registry;
using Doudi.Server.Security;
using Doudi.Server.Settlements;
using Doudi.Server.Storage;

namespace Doudi.Server.Reconciliation;

/// <summary>
/// Runs a reconciliation of an uploaded export against the registry (persons and identities of the region) and the
/// policies, stores it whole (one transaction, idempotent by content), and moves its items through the workflow.
/// </summary>
public sealed class ReconciliationService(Database db, EngineHost engine, TimeProvider clock)
{
    /// <returns>the run and whether it was made now (false: the same export with the same profile was reconciled before)</returns>
    public async Task<(string Id, bool Created)> RunAsync(string region, string exportPath, string sourceName, MappingProfile profile, Actor actor, CancellationToken ct)
    {
        var catalog = engine.Catalog ?? throw new ApiProblemException(StatusCodes.Status503ServiceUnavailable, new("政策文件未加载", "policies are not loaded"));
        if (!catalog.HasRegion(region))
            throw ApiProblemException.Invalid([new FieldProblem("region", Msg.Unknown("统筹区", region, catalog.Regions))]);
        string hash;
        await using (var s = File.OpenRead(exportPath)) hash = Convert.ToHexString(await SHA256.HashDataAsync(s, ct));
        var existing = await db.ReadAsync(c => ReconciliationStore.FindByContentAsync(c, null, region, profile.Name, hash), ct);
        if (existing is not null) return (existing, false);

        var (rows, problems) = ExportReader.Read(exportPath, profile);
        if (rows is null)
            throw ApiProblemException.Invalid(problems.Select(p => new FieldProblem($"export:{p.Line}", new(p.Message, p.Message))).ToList());

        // The registry of the region, each person under the number the platform knows (psn_no, else our id).
        var (persons, townships) = await db.ReadAsync(async c =>
        {
            var records = await c.ListAsync($"SELECT {RegistryStore.PersonColumns} FROM persons WHERE region = @r ORDER BY id", null, RegistryStore.MapPerson, ("r", region));
            var identities = (await c.ListAsync("SELECT * FROM identities WHERE person_id IN (SELECT id FROM persons WHERE region = @r) ORDER BY recognized, id", null,
                RegistryStore.MapIdentity, ("r", region))).ToLookup(i => i.PersonId);
            var list = new List<Person>(records.Count);
            var town = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in records)
            {
                var key = p.PsnNo ?? p.Id;
                list.Add(RegistryStore.ToEngine(p, identities[p.Id]) with { Id = key });
                if (p.Township is not null) town[key] = p.Township;
            }
            return (list, town);
        }, ct);

        ReconciliationReport report;
        try
        {
            report = Reconciler.Run(catalog, new CaseFile(region, persons, []), rows, profile.Name, sourceName, townships);
        }
        catch (SettlementException e)
        {
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, new("导出中有单据无法按政策结算", "bills of the export cannot be settled under the policy"),
                e.Problems.Select(p => new FieldProblem(p.Path, new(p.Message, p.Message))).ToList());
        }
        var id = "RC" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        var at = clock.GetUtcNow();
        var created = await db.WriteAsync(async (c, tx) =>
        {
            // The same export started on two nodes at once: the second waits for the first and answers its run.
            await RunLocks.WaitAsync(c, tx, db.Dialect, $"reconciliation:{region}:{profile.Name}:{hash}");
            if (await ReconciliationStore.FindByContentAsync(c, tx, region, profile.Name, hash) is { } other) return other;
            await ReconciliationStore.InsertRunAsync(c, tx, id, hash, report, at, actor.Name);
            await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "run", "reconciliation", id, null,
                new { region, profile = profile.Name, source = sourceName, report.Bills, underpaid = report.Underpaid.Count, report.ToPay, overpaid = report.Overpaid.Count, report.ToRecover });
            return id;
        }, ct);
        return (created, created == id);
    }

    /// <summary>Moves one item to its next status, audited; 409 when it is not in the status the caller saw.</summary>
    public async Task<ReconciliationItemRow> MoveAsync(string runId, string setlId, string to, string? note, Actor actor, CancellationToken ct)
    {
        return await db.WriteAsync(async (c, tx) =>
        {
            var item = await ReconciliationStore.ItemAsync(c, tx, runId, setlId)
                ?? throw ApiProblemException.NotFound(new($"对账 {runId} 中没有结算单 {setlId} 的差异", $"no difference for bill {setlId} in reconciliation {runId}"));
            var next = ReconciliationStatus.Next(item.Status, item.Direction);
            if (next != to)
                throw ApiProblemException.Conflict(new($"状态为 {item.Status}，下一步只能是 {next ?? "（已完成）"}", $"the item is {item.Status}; the next step can only be {next ?? "(none: done)"}"));
            var at = clock.GetUtcNow();
            if (!await ReconciliationStore.MoveAsync(c, tx, runId, setlId, item.Status, to, at, actor.Name))
                throw ApiProblemException.Conflict(new("该差异刚被他人处理，请刷新", "someone moved this item just now; reload it"));
            await AuditLog.WriteAsync(c, tx, db.Dialect, actor, to, "reconciliation_item", $"{runId}/{setlId}", new { status = item.Status }, new { status = to, note });
            return item with { Status = to, UpdatedAt = at, UpdatedBy = actor.Name };
        }, ct);
    }

    /// <summary>Sends every open item of a township to it (one audit entry per item).</summary>
    public async Task<int> SendTownshipAsync(string runId, string township, string? note, Actor actor, CancellationToken ct)
    {
        return await db.WriteAsync(async (c, tx) =>
        {
            if (await ReconciliationStore.RunAsync(c, tx, runId) is null) throw ApiProblemException.NotFound(new($"没有对账 {runId}", $"no reconciliation {runId}"));
            var items = await ReconciliationStore.OpenOfTownshipAsync(c, tx, runId, township);
            var at = clock.GetUtcNow();
            int moved = 0;
            foreach (var item in items)
                if (await ReconciliationStore.MoveAsync(c, tx, runId, item.SetlId, ReconciliationStatus.Open, ReconciliationStatus.Sent, at, actor.Name))
                {
                    moved++;
                    await AuditLog.WriteAsync(c, tx, db.Dialect, actor, ReconciliationStatus.Sent, "reconciliation_item", $"{runId}/{item.SetlId}",
                        new { status = ReconciliationStatus.Open }, new { status = ReconciliationStatus.Sent, township, note });
                }
            return moved;
        }, ct);
    }
}
