using Doudi.Engine.Cases;
using Doudi.Engine.Results;
using Doudi.Policy.Periods;

namespace Doudi.Engine.Settlement;

/// <summary>
/// The engine's front door. Pure: the same inputs always give the same result, with no I/O and no clock.
/// <see cref="SettleCase"/> settles a whole case file (bills, then each person's and household's year);
/// <see cref="SettleBill"/> settles one bill against a person's year-to-date ledger (one-stop settlement).
/// </summary>
public sealed partial class SettlementEngine
{
    private readonly PolicyCatalog _catalog;
    public SettlementEngine(PolicyCatalog catalog) => _catalog = catalog;
    public PolicyCatalog Catalog => _catalog;
}
