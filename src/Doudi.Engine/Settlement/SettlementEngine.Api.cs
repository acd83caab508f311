using Doudi.Engine.Annual;
using Doudi.Engine.Cases;
using Doudi.Engine.Results;
using Doudi.Engine.Tiers;
using Doudi.Policy.Periods;

namespace Doudi.Engine.Settlement;

public sealed partial class SettlementEngine
{
    /// <summary>Settles every bill of the case (I-3 order per person), then each person's and household's year.</summary>
    /// <exception cref="SettlementException">with every problem found; nothing partial is returned.</exception>
    public CaseResult SettleCase(CaseFile file)
    {
        var (settlement, results) = Bills(file);
        var outcome = new CaseResult();
        outcome.Bills.AddRange(results);
        settlement.SettleYears(outcome.Persons.Add, outcome.Households.Add);
        return outcome;
    }

    /// <summary>
    /// Settles every bill of the case (I-3 order per person) without the year-end rules: what re-settling bills needs
    /// (retroactive assistance), where a year's annual rule may still lack a value. Results are in the file's order.
    /// </summary>
    /// <exception cref="SettlementException">with every problem found; nothing partial is returned.</exception>
    public IReadOnlyList<BillResult> SettleBills(CaseFile file) => Bills(file).Results;

    /// <summary>
    /// A case settled bill by bill as its bills arrive (each person's in settlement order, I-3), then year by year:
    /// for a caller that streams a case too large to hold with its results (<see cref="CaseSettlement"/>).
    /// </summary>
    /// <exception cref="SettlementException">the region is unknown</exception>
    public CaseSettlement StartCase(string region, IReadOnlyList<Person> persons) => new(_catalog, region, persons);

    private (CaseSettlement Settlement, BillResult[] Results) Bills(CaseFile file)
    {
        var settlement = new CaseSettlement(_catalog, file.Region, file.Persons, grouped: true);
        // I-3: each person's bills in order of settlement date, then bill id.
        var bills = file.Bills as Bill[] ?? file.Bills.ToArray();
        var results = new BillResult[bills.Length];
        foreach (int i in SettlementOrder(bills))
            if (settlement.Settle(bills[i], i) is { } result) results[i] = result;
        if (settlement.Problems.Count > 0) throw new SettlementException(settlement.Problems.ToArray());
        return (settlement, results);
    }

    /// <summary>
    /// Settles one bill of <paramref name="person"/> against the year-to-date <paramref name="ledger"/>
    /// (the counts of the person's earlier bills of the same year), and adds this bill's counts to it.
    /// </summary>
    public BillResult SettleBill(string region, Person person, Bill bill, PersonLedger ledger)
    {
        var period = PolicyReach.For(_catalog, region, person, bill.Date);
        if (period is null || ledger.Year != bill.Date.Year)
        {
            var wrong = new List<SettlementProblem>();
            if (!_catalog.HasRegion(region)) wrong.Add(new("region", $"未知地区 unknown region '{region}'"));
            else if (period is null) wrong.Add(new("date", $"{bill.Date:yyyy-MM-dd} 在 {region} 无有效政策 no policy in force on this date"));
            if (ledger.Year != bill.Date.Year) wrong.Add(new("date", $"台账年度 {ledger.Year} 与单据年度不符 the ledger is for another year"));
            throw new SettlementException(wrong);
        }
        // One settler and problem list per thread, reused call after call (a server settles bills one by one).
        var settler = t_settler ??= new BillSettler();
        var problems = t_problems ??= [];
        problems.Clear();
        var result = settler.Settle(period, person, bill, ledger, BillPath.Fixed("bill"), problems);
        if (result is null || problems.Count > 0)
        {
            var found = problems.ToArray();
            problems.Clear();
            throw new SettlementException(found);
        }
        return result;
    }

    [ThreadStatic] private static BillSettler? t_settler;
    [ThreadStatic] private static List<SettlementProblem>? t_problems;

    /// <summary>
    /// The indexes of <paramref name="bills"/> in settlement order (I-3): by person (ordinal), then settlement date,
    /// then bill id (ordinal), then place in the file. The bills are grouped by person first, so only each person's
    /// few bills are sorted by date, not the whole file.
    /// </summary>
    internal static int[] SettlementOrder(Bill[] bills)
    {
        var groupOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var billGroup = new int[bills.Length];
        var names = new List<string>();
        var counts = new List<int>();
        for (int i = 0; i < bills.Length; i++)
        {
            string person = bills[i].Person;
            if (!groupOf.TryGetValue(person, out int g))
            {
                g = names.Count;
                groupOf.Add(person, g);
                names.Add(person);
                counts.Add(0);
            }
            billGroup[i] = g;
            counts[g]++;
        }
        var ranked = new int[names.Count];
        for (int g = 0; g < ranked.Length; g++) ranked[g] = g;
        var nameArray = names.ToArray();
        Array.Sort(nameArray, ranked, StringComparer.Ordinal);

        var start = new int[names.Count];
        int at = 0;
        foreach (int g in ranked) { start[g] = at; at += counts[g]; }
        var order = new int[bills.Length];
        var next = (int[])start.Clone();
        for (int i = 0; i < bills.Length; i++) order[next[billGroup[i]]++] = i;

        var byDate = new DateThenId(bills);
        foreach (int g in ranked)
            if (counts[g] > 1) Array.Sort(order, start[g], counts[g], byDate);
        return order;
    }

    private sealed class DateThenId(Bill[] bills) : IComparer<int>
    {
        public int Compare(int x, int y)
        {
            var a = bills[x]; var b = bills[y];
            int c = a.Date.CompareTo(b.Date);
            if (c != 0) return c;
            c = string.CompareOrdinal(a.Id, b.Id);
            return c != 0 ? c : x.CompareTo(y);
        }
    }

    /// <summary>
    /// The year-end rules (fuyang special assistance and cap, wenzhou-2022 resolution, jiande household lines)
    /// over bills already settled: <paramref name="settled"/> holds each bill of <paramref name="file"/> with its result, in the same order.
    /// </summary>
    public (List<PersonYearResult> Persons, List<HouseholdYearResult> Households) SettleYears(CaseFile file, IReadOnlyList<BillResult> settled)
    {
        var settlement = new CaseSettlement(_catalog, file.Region, file.Persons);
        var bills = file.Bills as Bill[] ?? file.Bills.ToArray();
        foreach (int i in SettlementOrder(bills)) settlement.Record(bills[i], settled[i], i);
        var persons = new List<PersonYearResult>();
        var households = new List<HouseholdYearResult>();
        settlement.SettleYears(persons.Add, households.Add);
        return (persons, households);
    }
}
