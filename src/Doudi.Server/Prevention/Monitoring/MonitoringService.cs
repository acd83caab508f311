using System.Data.Common;
using Doudi.Prevention.Common;
using Doudi.Prevention.Monitoring;
using Doudi.Server.Audit;
using Doudi.Server.Prevention.Common;
using Doudi.Server.Registry;
using Doudi.Server.Security;
using Doudi.Server.Settlements;
using Doudi.Server.Storage;

namespace Doudi.Server.Prevention.Monitoring;

public sealed record PersonEvaluation(PersonYear Totals, MonitoringResult Result, int New, int Updated);

public sealed record ScanReport(string Id, string Region, int Year, string Policy, int Persons, int Warnings, int NewEntries, int UpdatedEntries,
    IReadOnlyList<ScanProblem> Problems, DateTimeOffset At, string By);

public sealed record ScanProblem(string Code, string Message, string MessageEn, int Persons);

/// <summary>
/// Early warning (fuyang 二.1, jiande 三.(一), wenzhou-2022 三.3, pengshui 二.(四).1): the region's monitoring rules over a
/// person's year totals, after every stored settlement (in its transaction) and in a full re-scan.
/// </summary>
public sealed class MonitoringService(Database db, MonitoringSettings settings, PreventionClock clock) : ISettlementStoredHook
{
    public async Task<PersonEvaluation?> EvaluateAsync(DbConnection c, DbTransaction? tx, PersonRecord person, int year, Actor actor, bool store)
    {
        var snap = await settings.GetAsync(c, tx);
        if (!snap.Policies.TryGetValue(person.Region, out var policy)) return null;
        var totals = await PersonYearTotals.LoadAsync(c, tx, person, year, policy.From);
        var result = MonitoringEvaluator.Evaluate(policy, snap.Statistics, totals);
        if (!store || tx is null || !result.InForce) return new PersonEvaluation(totals, result, 0, 0);
        var (n, u) = await RiskPoolStore.UpsertWarningsAsync(c, tx, db.Dialect, person.Region, totals, result.Triggered, clock.Today, actor);
        if (result.Problems.Count > 0) await RiskPoolStore.RecordProblemsAsync(c, tx, policy.Id, year, result.Problems);
        return new PersonEvaluation(totals, result, n, u);
    }

    public async Task SettlementStoredAsync(DbConnection c, DbTransaction tx, string personId, int year, Actor actor)
    {
        var person = await c.FirstAsync($"SELECT {RegistryStore.PersonColumns} FROM persons WHERE id = @id", tx, RegistryStore.MapPerson, ("id", personId));
        if (person is not null) await EvaluateAsync(c, tx, person, year, actor, store: true);
    }

    /// <summary>Every person with a settled bill in the region's year, evaluated and stored in one transaction.</summary>
    public async Task<ScanReport> RescanAsync(string region, int year, Actor actor, CancellationToken ct)
    {
        var policy = PreventionRegions.Of(region).PolicyId;
        return await db.WriteAsync(async (c, tx) =>
        {
            var persons = await c.ListAsync(
                $"SELECT {RegistryStore.PersonColumns} FROM persons WHERE id IN (SELECT DISTINCT person_id FROM settlements WHERE region = @r AND year = @y AND status = @s) ORDER BY id",
                tx, RegistryStore.MapPerson, ("r", region), ("y", year), ("s", StoredSettlement.Settled));
            int warnings = 0, added = 0, updated = 0;
            var problems = new Dictionary<string, (PreventionException E, int N)>(StringComparer.Ordinal);
            foreach (var p in persons)
            {
                var e = await EvaluateAsync(c, tx, p, year, actor, store: true);
                if (e is null) continue;
                warnings += e.Result.Triggered.Count; added += e.New; updated += e.Updated;
                foreach (var pr in e.Result.Problems)
                    problems[pr.Message] = problems.TryGetValue(pr.Message, out var x) ? (x.E, x.N + 1) : (pr, 1);
            }
            var report = new ScanReport(Ids.New("MS"), region, year, policy, persons.Count, warnings, added, updated,
                problems.Values.Select(x => new ScanProblem(x.E.Code, x.E.Message, x.E.English, x.N)).ToList(), DateTimeOffset.UtcNow, actor.Name);
            await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "scan", "monitoring", report.Id, null, report);
            return report;
        }, ct);
    }
}
