using System.Data.Common;
using Doudi.Engine.Cases;
using Doudi.Engine.Results;
using Doudi.Server.Registry;
using Doudi.Server.Security;

namespace Doudi.Server.Prevention.Common;

/// <summary>
/// Called inside the transaction that stores a settlement, just before its row is written, with what the settlement
/// already read (no extra reads needed: the person's running measures of the year before this bill included), so what it
/// writes is stored with the settlement or not at all. It answers what the bill adds to its measure buckets of the
/// person's running totals (Settlements/LedgerTotals, one store), which the settlement writes in its own batch; null: nothing.
/// </summary>
public interface ISettlementStoredHook
{
    Task<IReadOnlyDictionary<string, decimal>?> SettlementStoredAsync(DbConnection c, DbTransaction tx, PersonRecord person, IReadOnlyList<IdentityRecord> identities,
        Bill bill, BillResult result, Actor actor, IReadOnlyDictionary<string, decimal> measuresBefore);

    /// <summary>
    /// A bulk import's first half, with no write: what the bill adds to the hook's measure buckets (null: nothing), and the
    /// key of the evaluation it would make (null: none; e.g. the rules in force on the bill's date). The import then calls
    /// <see cref="SettlementStoredAsync"/> once per person, year and key, with the chunk's last such bill (whose measures
    /// include the earlier ones): the state it leaves is the last per-bill evaluation's, one write instead of one per bill.
    /// </summary>
    Task<(IReadOnlyDictionary<string, decimal>? Added, string? EvaluationKey)> MeasureAsync(DbConnection c, DbTransaction tx, PersonRecord person, Bill bill, BillResult result);
}

/// <summary>Called inside the transaction that reversed (冲销) a settlement, after it stopped counting.</summary>
public interface ISettlementReversedHook
{
    Task SettlementReversedAsync(DbConnection c, DbTransaction tx, string personId, int year, Actor actor);
}

/// <summary>Called inside the transaction that added an identity (API or name-list import).</summary>
public interface IIdentityAddedHook
{
    Task IdentityAddedAsync(DbConnection c, DbTransaction tx, string personId, long identityId, Actor actor, string origin);
}
