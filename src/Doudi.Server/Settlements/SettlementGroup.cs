using System.Data.Common;
using Doudi.Cases;
using Doudi.Server.Api;
using Doudi.Server.Registry;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Settlements;

/// <summary>A bill settled as one of a group in one transaction: a bulk import's chunk, or one-stop settlements gathered by <see cref="OneStopGroups"/>.</summary>
/// <param name="Hold">Why the bill is to be held for review (plausibility bounds); null or empty: settle.</param>
public sealed record GroupBill(BillDocument Input, string Hash, Actor Actor, string Source, IReadOnlyList<FieldProblem>? Hold);

/// <summary>What became of one bill of a group: an answer already (a retry, a held bill), a refusal, or a new settlement the caller writes.</summary>
public readonly record struct GroupOutcome(SettleOutcome? Answer, ApiProblemException? Refused, SettlementService.NewSettlement? New);

/// <summary>A settled group: each bill's outcome in the group's order, the new settlements, and what each adds to the running totals.</summary>
public sealed record SettledGroup(GroupOutcome[] Outcomes, List<SettlementService.NewSettlement> Fresh, List<LedgerDelta> Deltas);

public sealed partial class SettlementService
{
    /// <summary>
    /// Settles a group of bills in order against what <paramref name="state"/> read with their persons locked — the one rule of
    /// a bill (<see cref="Decide"/>), as one-stop settlement applies it: each person's running totals are summed in memory as the
    /// group goes, so a person's next bill sees this one (I-3); an id settled earlier in the group answers as a retry of it.
    /// A bill to hold is written at once (rare); new settlements are returned for the caller to write set-based. The hooks'
    /// evaluations (early warning) are made once per person, year and key, with the group's last such bill and the measures
    /// before it, which leaves the state one evaluation per bill would.
    /// </summary>
    /// <param name="json">The bulk import's arena: the new settlements' JSON columns as UTF-8 (<see cref="NewSettlement.Utf8"/>); null: as strings.</param>
    internal async Task<SettledGroup> SettleGroupAsync(DbConnection c, DbTransaction tx, IReadOnlyList<GroupBill> bills, ChunkState state, JsonArena? json)
    {
        var outcomes = new GroupOutcome[bills.Count];
        var fresh = new List<NewSettlement>(bills.Count);
        var freshById = new Dictionary<string, StoredSettlement>(StringComparer.Ordinal);
        var deltas = new List<LedgerDelta>(bills.Count);
        var ledgers = new Dictionary<string, RunningLedger>(StringComparer.Ordinal);
        var evaluations = new Dictionary<(int Hook, string Person, int Year, string Key), (NewSettlement Bill, Actor Actor, Dictionary<string, decimal> Before)>();
        for (var i = 0; i < bills.Count; i++)
        {
            var r = bills[i];
            var bill = r.Input.Bill;
            try
            {
                var person = state.PersonsByKey.GetValueOrDefault(ChineseId.NormalizeKey(r.Input.PersonKey));
                // The person's running totals, summed as the group goes (the stored rows, then each settled bill's).
                var totals = new RunningLedger();
                if (person is not null && !ledgers.TryGetValue(person.Id, out totals!))
                    ledgers[person.Id] = totals = new RunningLedger(state.Totals.GetValueOrDefault(person.Id) ?? []);
                var inputs = new SettlementInputs(person,
                    freshById.GetValueOrDefault(bill.Id) ?? state.Existing.GetValueOrDefault(bill.Id), state.Held.GetValueOrDefault(bill.Id),
                    person is null ? [] : state.Identities.GetValueOrDefault(person.Id) ?? [], totals.LedgerOf(bill.Date.Year));
                var d = Decide(r.Input, r.Hash, r.Actor, r.Source, r.Hold, null, inputs, json);
                if (d.New is { } n)
                {
                    // What the hooks add to the running totals, with no write; they evaluate the person once the group is settled.
                    var (delta, evaluate) = await MeasureHooksAsync(c, tx, n);
                    if (evaluate.Count > 0)
                    {
                        var before = totals.MeasuresOf(bill.Date.Year);
                        foreach (var (hook, key) in evaluate) evaluations[(hook, n.Person.Id, n.Stored.Year, key)] = (n, r.Actor, before);
                    }
                    fresh.Add(n);
                    deltas.Add(new LedgerDelta(n.Person.Id, n.Stored.Year, delta));
                    freshById[bill.Id] = n.Stored;
                    foreach (var (bucket, amount) in delta) if (amount != 0m) totals.Add(bill.Date.Year, bucket, LedgerTotals.ToFen(amount));
                    outcomes[i] = new GroupOutcome(null, null, n);
                    continue;
                }
                var outcome = await StoreAsync(c, tx, r.Input, r.Hash, r.Actor, r.Source, d); // an answer already, or a bill held for review
                if (outcome.Held is not null) state.Held[bill.Id] = outcome.Held;
                outcomes[i] = new GroupOutcome(outcome, null, null);
            }
            catch (ApiProblemException e)
            {
                outcomes[i] = new GroupOutcome(null, e, null);
            }
        }
        foreach (var ((hook, _, _, _), (n, actor, before)) in evaluations) await EvaluateHookAsync(c, tx, hook, n, actor, before);
        return new SettledGroup(outcomes, fresh, deltas);
    }

    /// <summary>
    /// PostgreSQL: the statements that store a settled group's new settlements set-based, to send as one batch (the caller
    /// ends it with COMMIT): the settlements, their year-end facts, audit entries, context and item lines, each one INSERT
    /// whatever the group's size (<see cref="BulkRows.UnnestInsert"/>); what they add to the running totals (summed per
    /// person, year and bucket) and the monthly aggregates (summed), each one upsert. An id stored meanwhile by another
    /// transaction fails the batch with a unique violation, and nothing of it is stored.
    /// </summary>
    internal List<(string Sql, (string, object?)[] Args)> GroupWritesSql(DbConnection c, SettledGroup g)
    {
        var fresh = g.Fresh;
        var writes = new List<(string, (string, object?)[])>
        {
            BulkRows.UnnestInsert("settlements", SettlementBatchStore.SettlementColumns, fresh.Select(SettlementBatchStore.SettlementRow).ToList(), "gs"),
            BulkRows.UnnestInsert("settlement_year_facts", SettlementBatchStore.YearFactColumns, fresh.Select(SettlementBatchStore.YearFactRow).ToList(), "gf"),
            BulkRows.UnnestInsert("audit_log", SettlementBatchStore.AuditColumns, fresh.Select(SettlementBatchStore.AuditRow).ToList(), "ga"),
        };
        if (fresh.Select(n => SettlementContext.ContextRow(n.Input)).OfType<object?[]>().ToList() is { Count: > 0 } context)
            writes.Add(BulkRows.UnnestInsert("settlement_context", SettlementBatchStore.ContextColumns, context, "gc"));
        if (fresh.SelectMany(n => SettlementContext.ItemRows(n.Input)).ToList() is { Count: > 0 } items)
            writes.Add(BulkRows.UnnestInsert("settlement_items", SettlementBatchStore.ItemColumns, items, "gi"));
        if (LedgerTotals.AddManySql(g.Deltas, "gl") is { } totals) writes.Add(totals);
        writes.AddRange(AggregateManySql(c, fresh, "gm"));
        return writes;
    }
}
