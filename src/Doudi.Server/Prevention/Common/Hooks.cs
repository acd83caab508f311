using System.Data.Common;
using Doudi.Server.Security;

namespace Doudi.Server.Prevention.Common;

/// <summary>Called inside the transaction that stored a settlement, so what it writes is stored with the settlement or not at all.</summary>
public interface ISettlementStoredHook
{
    Task SettlementStoredAsync(DbConnection c, DbTransaction tx, string personId, int year, Actor actor);
}

/// <summary>Called inside the transaction that added an identity (API or name-list import).</summary>
public interface IIdentityAddedHook
{
    Task IdentityAddedAsync(DbConnection c, DbTransaction tx, string personId, long identityId, Actor actor, string origin);
}
