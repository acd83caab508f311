using System.Data.Common;
using Doudi.Engine.Cases;
using Doudi.Engine.Results;
using Doudi.Server.Api;
using Doudi.Server.Registry;
using Doudi.Server.Settlements;
using Doudi.Server.Storage;

namespace Doudi.Server.Insights;

/// <summary>Called inside the transactions that store and reverse (冲销) a settlement.</summary>
public interface ISettlementAggregateHook
{
    Task SettlementStoredAsync(DbConnection c, DbTransaction tx, PersonRecord person, Bill bill, BillResult result, SettlementDetails? details);
    Task SettlementReversedAsync(DbConnection c, DbTransaction tx, StoredSettlement settlement);

    /// <summary>Many settlements stored at once (bulk import), in the caller's transaction.</summary>
    async Task SettlementsStoredAsync(DbConnection c, DbTransaction tx, IReadOnlyList<StoredFacts> batch)
    {
        foreach (var s in batch) await SettlementStoredAsync(c, tx, s.Person, s.Bill, s.Result, s.Details);
    }
}

/// <summary>A settlement just stored, as the aggregate hooks see it.</summary>
public sealed record StoredFacts(PersonRecord Person, Bill Bill, BillResult Result, SettlementDetails? Details);

/// <summary>
/// Keeps the monthly aggregates in step with the settlements: a stored settlement adds its figures, a reversal takes
/// the same figures away (recomputed from the stored bill and result), both in the settlement's own transaction.
/// </summary>
public sealed class InsightHooks : ISettlementAggregateHook
{
    public Task SettlementStoredAsync(DbConnection c, DbTransaction tx, PersonRecord person, Bill bill, BillResult result, SettlementDetails? details) =>
        InsightStore.ApplyAsync(c, tx, InsightFacts.From(person.Region, person.Township, bill, result, details), +1);

    public Task SettlementsStoredAsync(DbConnection c, DbTransaction tx, IReadOnlyList<StoredFacts> batch) =>
        InsightStore.ApplyManyAsync(c, tx, batch.Select(s => InsightFacts.From(s.Person.Region, s.Person.Township, s.Bill, s.Result, s.Details)));

    public async Task SettlementReversedAsync(DbConnection c, DbTransaction tx, StoredSettlement s)
    {
        var township = await c.ScalarAsync("SELECT township FROM persons WHERE id = @p", tx, ("p", s.PersonId)) as string;
        var bill = StoredResults.ReadBill(s.BillJson, s.ResultFormat);
        var result = StoredResults.Read(s.ResultJson, s.ResultFormat);
        // The institution, diagnosis and items the settlement stored (never changed afterwards) are taken back too.
        await InsightStore.ApplyAsync(c, tx, InsightFacts.From(s.Region, township, bill, result, await SettlementDetails.LoadAsync(c, tx, s.Id)), -1);
    }
}
