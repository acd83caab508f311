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
    /// <summary>
    /// The statements (and their parameters, named <paramref name="prefix"/>…, default im_) that add a settlement, sent in the
    /// batch that stores it. The first statement's text does not depend on the bill's item lines (it may be sent as part of
    /// the settlement's own statement); the others, if any, follow it.
    /// </summary>
    IReadOnlyList<(string Sql, (string, object?)[] Args)> SettlementStoredSql(DbConnection c, PersonRecord person, Bill bill, BillResult result, SettlementDetails? details, string? prefix = null);
    Task SettlementReversedAsync(DbConnection c, DbTransaction tx, StoredSettlement settlement);

    /// <summary>Adds many new settlements at once (a bulk import's chunk), summed first: the same totals as one statement each.</summary>
    Task SettlementsStoredAsync(DbConnection c, DbTransaction tx, IEnumerable<(PersonRecord Person, Bill Bill, BillResult Result, SettlementDetails? Details)> settlements);

    /// <summary>PostgreSQL: <see cref="SettlementsStoredAsync"/>'s one statement, to send in a batch (parameters named by <paramref name="prefix"/>); null: nothing to add.</summary>
    (string Sql, (string, object?)[] Args)? SettlementsStoredSql(DbConnection c, IEnumerable<(PersonRecord Person, Bill Bill, BillResult Result, SettlementDetails? Details)> settlements,
        string prefix);
}

/// <summary>
/// Keeps the monthly aggregates in step with the settlements: a stored settlement adds its figures, a reversal takes
/// the same figures away (recomputed from the stored bill and result), both in the settlement's own transaction.
/// </summary>
public sealed class InsightHooks(Database db) : ISettlementAggregateHook
{
    public IReadOnlyList<(string Sql, (string, object?)[] Args)> SettlementStoredSql(DbConnection c, PersonRecord person, Bill bill, BillResult result, SettlementDetails? details,
        string? prefix = null) =>
        InsightStore.ApplySql(InsightFacts.From(person.Region, person.Township, bill, result, details), +1, InsightStore.ShardOf(db, c), prefix ?? "im_");

    public Task SettlementsStoredAsync(DbConnection c, DbTransaction tx,
        IEnumerable<(PersonRecord Person, Bill Bill, BillResult Result, SettlementDetails? Details)> settlements) =>
        InsightStore.ApplyManyAsync(c, tx, FactsOf(settlements), +1, InsightStore.ShardOf(db, c));

    public (string Sql, (string, object?)[] Args)? SettlementsStoredSql(DbConnection c,
        IEnumerable<(PersonRecord Person, Bill Bill, BillResult Result, SettlementDetails? Details)> settlements, string prefix) =>
        InsightStore.ApplyManySql(FactsOf(settlements), +1, InsightStore.ShardOf(db, c), prefix);

    private static IEnumerable<InsightFacts> FactsOf(IEnumerable<(PersonRecord Person, Bill Bill, BillResult Result, SettlementDetails? Details)> settlements) =>
        settlements.Select(s => InsightFacts.From(s.Person.Region, s.Person.Township, s.Bill, s.Result, s.Details));

    public async Task SettlementReversedAsync(DbConnection c, DbTransaction tx, StoredSettlement s)
    {
        var township = await c.ScalarAsync("SELECT township FROM persons WHERE id = @p", tx, ("p", s.PersonId)) as string;
        var bill = StoredResults.ReadBill(s.BillJson, s.ResultFormat);
        var result = StoredResults.Read(s.ResultJson, s.ResultFormat);
        // The institution, diagnosis and items the settlement stored (never changed afterwards) are taken back too.
        await InsightStore.ApplyAsync(c, tx, InsightFacts.From(s.Region, township, bill, result, await SettlementDetails.LoadAsync(c, tx, s.Id)), -1,
            InsightStore.ShardOf(db, c));
    }
}
