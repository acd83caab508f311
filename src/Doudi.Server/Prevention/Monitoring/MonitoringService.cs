using System.Collections.Concurrent;
using System.Data.Common;
using Doudi.Engine.Cases;
using Doudi.Engine.Results;
using Doudi.Prevention.Common;
using Doudi.Policy.Prevention;
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
/// person's year totals, after every stored settlement (in its transaction, from the running totals it read; the bill's
/// measures are added in the settlement's own batch, Settlements/LedgerTotals) and in a
/// full re-scan (recomputed from the stored settlements).
/// </summary>
public sealed class MonitoringService(Database db, MonitoringSettings settings, PreventionClock clock) : ISettlementStoredHook, ISettlementReversedHook, ILedgerMeasureSource
{
    // Problems already recorded by this process: a missing figure is written once, not on every settlement.
    private readonly ConcurrentDictionary<string, bool> _recorded = new(StringComparer.Ordinal);

    public async Task<PersonEvaluation?> EvaluateAsync(DbConnection c, DbTransaction? tx, PersonRecord person, int year, Actor actor, bool store)
    {
        var snap = await settings.GetAsync(c, tx);
        if (snap.For(person.Region, year) is not { } policy) return null;
        var totals = await PersonYearTotals.LoadAsync(c, tx, person, year, policy.From);
        if (store && tx is not null) await PersonYearTotals.SetAsync(c, tx, totals);
        return await StoreAsync(c, tx, policy, snap.Statistics, person.Region, totals, actor, store);
    }

    public async Task<IReadOnlyDictionary<string, decimal>?> SettlementStoredAsync(DbConnection c, DbTransaction tx, PersonRecord person,
        IReadOnlyList<IdentityRecord> identities, Bill bill, BillResult result, Actor actor, IReadOnlyDictionary<string, decimal> measuresBefore)
    {
        var snap = await settings.GetAsync(c, tx);
        if (snap.On(person.Region, bill.Date) is not { } policy) return null;
        var year = bill.Date.Year;
        var added = PersonYearTotals.Measures(PersonYearTotals.InPolicyBurden(bill, result), result.PersonalBurden);
        decimal After(string bucket) => measuresBefore.GetValueOrDefault(bucket) + added[bucket];
        await StoreAsync(c, tx, policy, snap.Statistics, person.Region,
            PersonYearTotals.Of(person, identities, year, After(PersonYearTotals.InPolicyBucket), After(PersonYearTotals.PersonalBucket)), actor, store: true);
        return added;
    }

    /// <summary>What the bill adds to the monitoring measures, and the policy that would evaluate them (a bulk import's chunk evaluates each person once).</summary>
    public async Task<(IReadOnlyDictionary<string, decimal>? Added, string? EvaluationKey)> MeasureAsync(DbConnection c, DbTransaction tx, PersonRecord person,
        Bill bill, BillResult result)
    {
        var snap = await settings.GetAsync(c, tx);
        if (snap.On(person.Region, bill.Date) is not { } policy) return (null, null);
        return (PersonYearTotals.Measures(PersonYearTotals.InPolicyBurden(bill, result), result.PersonalBurden), policy.Id);
    }

    /// <summary>The monitoring measures of the running totals, recomputed from the stored settlements (ledger rebuild).</summary>
    public string Prefix => PersonYearTotals.MeasurePrefix;

    public async Task<List<LedgerTotal>> RecomputeAsync(DbConnection c, DbTransaction tx, string? region, int? year)
    {
        var snap = await settings.GetAsync(c, tx);
        var list = new List<LedgerTotal>();
        foreach (var (personId, y) in await LedgerTotals.PersonYearsAsync(c, tx, region, year))
        {
            var person = await c.FirstAsync($"SELECT {RegistryStore.PersonColumns} FROM persons WHERE id = @id", tx, RegistryStore.MapPerson, ("id", personId));
            if (person is null || snap.For(person.Region, y) is not { } policy) continue;
            var totals = await PersonYearTotals.LoadAsync(c, tx, person, y, policy.From);
            list.Add(new LedgerTotal(personId, y, PersonYearTotals.InPolicyBucket, totals.InPolicyPersonalBurden));
            list.Add(new LedgerTotal(personId, y, PersonYearTotals.PersonalBucket, totals.PersonalBurden));
        }
        return list;
    }

    /// <summary>A reversed bill no longer counts: the person's year totals are recomputed from what still counts and evaluated again.</summary>
    public async Task SettlementReversedAsync(DbConnection c, DbTransaction tx, string personId, int year, Actor actor)
    {
        var person = await c.FirstAsync($"SELECT {RegistryStore.PersonColumns} FROM persons WHERE id = @id", tx, RegistryStore.MapPerson, ("id", personId));
        if (person is not null) await EvaluateAsync(c, tx, person, year, actor, store: true);
    }

    private async Task<PersonEvaluation> StoreAsync(DbConnection c, DbTransaction? tx, MonitoringPolicy policy, RegionalStatistics statistics, string region,
        PersonYear totals, Actor actor, bool store)
    {
        var result = MonitoringEvaluator.Evaluate(policy, statistics, totals);
        if (!store || tx is null || !result.InForce) return new PersonEvaluation(totals, result, 0, 0);
        var (n, u) = result.Triggered.Count == 0 ? (0, 0)
            : await RiskPoolStore.UpsertWarningsAsync(c, tx, db.Dialect, region, totals, result.Triggered, clock.Today, actor);
        var fresh = result.Problems.Where(p => !_recorded.ContainsKey($"{policy.Id}|{totals.Year}|{p.Code}|{p.Message}")).ToList();
        if (fresh.Count > 0)
        {
            await RiskPoolStore.RecordProblemsAsync(c, tx, policy.Id, totals.Year, fresh);
            // Remembered only after commit would be exact; a rolled-back write is harmless: the next re-scan records it again.
            foreach (var p in fresh) _recorded[$"{policy.Id}|{totals.Year}|{p.Code}|{p.Message}"] = true;
        }
        return new PersonEvaluation(totals, result, n, u);
    }

    /// <summary>Every person with a settled bill in the region's year, recomputed, evaluated and stored in one transaction.</summary>
    public async Task<ScanReport> RescanAsync(string region, int year, Actor actor, CancellationToken ct)
    {
        return await db.WriteAsync(async (c, tx) =>
        {
            var policy = (await settings.GetAsync(c, tx)).For(region, year)?.Id ?? "";
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
