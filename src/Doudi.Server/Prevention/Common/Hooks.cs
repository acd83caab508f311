using System.Data.Common;
using Doudi.Engine.Cases;
using Doudi.Engine.Results;
using Doudi.Server.Registry;
using Doudi.Server.Security;

namespace Doudi.Server.Prevention.Common;

/// <summary>
/// Called inside the transaction that stored a settlement, with what the settlement already read (no extra reads
/// needed), so what it writes is stored with the settlement or not at all.
/// </summary>
public interface ISettlementStoredHook
{
    Task SettlementStoredAsync(DbConnection c, DbTransaction tx, PersonRecord person, IReadOnlyList<IdentityRecord> identities, Bill bill, BillResult result, Actor actor);

    /// <summary>Many settlements stored at once (bulk import, in file order), in the caller's transaction.</summary>
    async Task SettlementsStoredAsync(DbConnection c, DbTransaction tx, IReadOnlyList<StoredBill> batch, Actor actor)
    {
        foreach (var b in batch) await SettlementStoredAsync(c, tx, b.Person, b.Identities, b.Bill, b.Result, actor);
    }
}

/// <summary>A settlement just stored, with what its transaction read.</summary>
public sealed record StoredBill(PersonRecord Person, IReadOnlyList<IdentityRecord> Identities, Bill Bill, BillResult Result);

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
