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
        var problems = new List<SettlementProblem>();
        if (!_catalog.HasRegion(file.Region))
            throw new SettlementException([new("region", $"未知地区 unknown region '{file.Region}' (known: {string.Join(", ", _catalog.Regions)})")]);

        var persons = new Dictionary<string, (Person Person, int Index)>(file.Persons.Count, StringComparer.Ordinal);
        for (int i = 0; i < file.Persons.Count; i++)
            if (!persons.TryAdd(file.Persons[i].Id, (file.Persons[i], i)))
                problems.Add(new($"persons[{i}].id", $"重复的人员编号 duplicate person id '{file.Persons[i].Id}'"));

        // I-3: each person's bills in order of settlement date, then bill id.
        var bills = file.Bills as Bill[] ?? file.Bills.ToArray();
        var order = SettlementOrder(bills);

        var results = new BillResult[bills.Length];
        var settler = new BillSettler();
        PersonLedger? ledger = null;
        string? ledgerPerson = null;
        foreach (int i in order)
        {
            var bill = bills[i];
            var path = BillPath.InCase(i);
            if (!persons.TryGetValue(bill.Person, out var person))
            {
                problems.Add(new(path + ".person", $"未知人员 unknown person '{bill.Person}'"));
                continue;
            }
            var period = _catalog.Find(file.Region, bill.Date);
            if (period is null)
            {
                problems.Add(new(path + ".date", $"{bill.Date:yyyy-MM-dd} 在 {file.Region} 无有效政策 no policy in force in {file.Region} on this date"));
                continue;
            }
            if (ledger is null || ledgerPerson != bill.Person || ledger.Year != bill.Date.Year)
            {
                ledger = new PersonLedger(bill.Date.Year);
                ledgerPerson = bill.Person;
            }
            var result = settler.Settle(period, person.Person, bill, ledger, path, problems);
            if (result is not null) results[i] = result;
        }
        if (problems.Count > 0) throw new SettlementException(problems);

        var outcome = new CaseResult();
        outcome.Bills.AddRange(results);
        var (personYears, households) = SettleYears(file, results);
        outcome.Persons.AddRange(personYears);
        outcome.Households.AddRange(households);
        return outcome;
    }

    /// <summary>
    /// Settles one bill of <paramref name="person"/> against the year-to-date <paramref name="ledger"/>
    /// (the counts of the person's earlier bills of the same year), and adds this bill's counts to it.
    /// </summary>
    public BillResult SettleBill(string region, Person person, Bill bill, PersonLedger ledger)
    {
        var period = _catalog.Find(region, bill.Date);
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
        var problems = new List<SettlementProblem>();
        var personIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < file.Persons.Count; i++) personIndex.TryAdd(file.Persons[i].Id, i);

        var byPersonYear = new Dictionary<(string, int), List<(Bill, BillResult, PolicyPeriod)>>();
        for (int i = 0; i < file.Bills.Count; i++)
        {
            var bill = file.Bills[i];
            var period = _catalog.Find(file.Region, bill.Date);
            if (period is null) { problems.Add(new($"bills[{i}].date", "无有效政策 no policy in force")); continue; }
            var key = (bill.Person, bill.Date.Year);
            if (!byPersonYear.TryGetValue(key, out var list)) byPersonYear[key] = list = [];
            list.Add((bill, settled[i], period));
        }
        foreach (var list in byPersonYear.Values)
            list.Sort((a, b) => a.Item1.Date != b.Item1.Date ? a.Item1.Date.CompareTo(b.Item1.Date) : string.CompareOrdinal(a.Item1.Id, b.Item1.Id));

        var personYears = new List<PersonYearResult>();
        foreach (var ((personId, year), bills) in byPersonYear.OrderBy(kv => personIndex.GetValueOrDefault(kv.Key.Item1)).ThenBy(kv => kv.Key.Item2))
            personYears.Add(PersonYearRules.Settle(personId, $"persons[{personIndex.GetValueOrDefault(personId)}]", year, bills, problems));
        if (problems.Count > 0) throw new SettlementException(problems);

        var households = new List<HouseholdYearResult>();
        var memberOf = new Dictionary<string, string>(file.Persons.Count, StringComparer.Ordinal);
        foreach (var p in file.Persons) memberOf.TryAdd(p.Id, p.Household);
        var members = file.Persons.ToLookup(p => p.Household, StringComparer.Ordinal);
        var yearsOf = personYears.ToLookup(p => (memberOf.GetValueOrDefault(p.Id, p.Id), p.Year));
        foreach (var group in byPersonYear
                     .GroupBy(kv => (Household: memberOf.GetValueOrDefault(kv.Key.Item1, kv.Key.Item1), Year: kv.Key.Item2))
                     .OrderBy(g => g.Min(kv => personIndex.GetValueOrDefault(kv.Key.Item1))).ThenBy(g => g.Key.Year))
        {
            var bills = group.SelectMany(kv => kv.Value).ToList();
            households.Add(HouseholdYearRules.Settle(group.Key.Household, group.Key.Year, members[group.Key.Household].ToList(), bills,
                yearsOf[(group.Key.Household, group.Key.Year)].ToList()));
        }
        return (personYears, households);
    }
}
