using Doudi.Engine.Cases;
using Doudi.Engine.Results;

namespace Doudi.Engine.Settlement;

public sealed partial class SettlementEngine
{
    /// <summary>Settles every bill of the case (I-3 order per person), then each person's and household's year.</summary>
    /// <exception cref="SettlementException">with every problem found; nothing partial is returned.</exception>
    public CaseResult SettleCase(CaseFile file) => throw new NotImplementedException();

    /// <summary>
    /// Settles one bill of <paramref name="person"/> against the year-to-date <paramref name="ledger"/>
    /// (the counts of the person's earlier bills of the same year), and adds this bill's counts to it.
    /// </summary>
    public BillResult SettleBill(string region, Person person, Bill bill, PersonLedger ledger) => throw new NotImplementedException();

    /// <summary>
    /// The year-end rules (fuyang special assistance and cap, wenzhou-2022 resolution, jiande household lines)
    /// over bills already settled: <paramref name="settled"/> holds each bill of <paramref name="file"/> with its result.
    /// </summary>
    public (List<PersonYearResult> Persons, List<HouseholdYearResult> Households) SettleYears(
        CaseFile file, IReadOnlyList<BillResult> settled) => throw new NotImplementedException();
}
