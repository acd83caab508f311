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
        var (results, periods, order) = Bills(file);
        var outcome = new CaseResult();
        outcome.Bills.AddRange(results);
        var (personYears, households) = SettleYears(file, results, periods, order);
        outcome.Persons.AddRange(personYears);
        outcome.Households.AddRange(households);
        return outcome;
    }

    /// <summary>
    /// Settles every bill of the case (I-3 order per person) without the year-end rules: what re-settling bills needs
    /// (retroactive assistance), where a year's annual rule may still lack a value. Results are in the file's order.
    /// </summary>
    /// <exception cref="SettlementException">with every problem found; nothing partial is returned.</exception>
    public IReadOnlyList<BillResult> SettleBills(CaseFile file) => Bills(file).Results;

    private (BillResult[] Results, PolicyPeriod?[] Periods, int[] Order) Bills(CaseFile file)
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
        var periods = new PolicyPeriod?[bills.Length];
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
            var period = periods[i] = _catalog.Find(file.Region, bill.Date);
            if (period is null)
            {
                problems.Add(new(path + ".date", $"{bill.Date:yyyy-MM-dd} 在 {file.Region} 无有效政策 no policy in force in {file.Region} on this date"));
                continue;
            }
            if (ledger is null || ledgerPerson != bill.Person)
            {
                ledger = new PersonLedger(bill.Date.Year);
                ledgerPerson = bill.Person;
            }
            else if (ledger.Year != bill.Date.Year) ledger = ledger.NextYear(bill.Date.Year); // I-26: a window's deduction spans New Year
            var result = settler.Settle(period, person.Person, bill, ledger, path, problems);
            if (result is not null) results[i] = result;
        }
        if (problems.Count > 0) throw new SettlementException(problems);
        return (results, periods, order);
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
    public (List<PersonYearResult> Persons, List<HouseholdYearResult> Households) SettleYears(CaseFile file, IReadOnlyList<BillResult> settled) =>
        SettleYears(file, settled, null);

    /// <param name="periods">the period of each bill when the caller has found them already (SettleCase), else null</param>
    /// <param name="order">with <paramref name="periods"/> (all found): the bills in settlement order (I-3), whose
    /// person-years are runs already sorted by date and id</param>
    internal (List<PersonYearResult> Persons, List<HouseholdYearResult> Households) SettleYears(CaseFile file, IReadOnlyList<BillResult> settled,
        PolicyPeriod?[]? periods, int[]? order = null)
    {
        var problems = new List<SettlementProblem>();
        var personIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < file.Persons.Count; i++) personIndex.TryAdd(file.Persons[i].Id, i);

        // Person-years ("slots"), numbered in order of first appearance in the file; each slot's bills by date, then id.
        var bills = file.Bills as Bill[] ?? file.Bills.ToArray();
        if (order is not null && periods is not null && Array.IndexOf(periods, null) < 0)
            return SettleYears(file, settled, bills, periods!, order, personIndex);
        var slotOf = new Dictionary<(string, int), int>();
        var slotOfBill = new int[bills.Length];
        var slotPerson = new List<string>();
        var slotYear = new List<int>();
        var slotCount = new List<int>();
        var billPeriod = new PolicyPeriod[bills.Length];
        for (int i = 0; i < bills.Length; i++)
        {
            var bill = bills[i];
            var period = periods?[i] ?? _catalog.Find(file.Region, bill.Date);
            if (period is null) { problems.Add(new($"bills[{i}].date", "无有效政策 no policy in force")); slotOfBill[i] = -1; continue; }
            billPeriod[i] = period;
            var key = (bill.Person, bill.Date.Year);
            if (!slotOf.TryGetValue(key, out int slot))
            {
                slot = slotPerson.Count;
                slotOf.Add(key, slot);
                slotPerson.Add(bill.Person);
                slotYear.Add(bill.Date.Year);
                slotCount.Add(0);
            }
            slotOfBill[i] = slot;
            slotCount[slot]++;
        }
        int slots = slotPerson.Count;
        var slotStart = new int[slots];
        for (int sl = 1; sl < slots; sl++) slotStart[sl] = slotStart[sl - 1] + slotCount[sl - 1];
        var billAt = new int[slots == 0 ? 0 : slotStart[slots - 1] + slotCount[slots - 1]];
        var fill = (int[])slotStart.Clone();
        for (int i = 0; i < bills.Length; i++)
            if (slotOfBill[i] >= 0) billAt[fill[slotOfBill[i]]++] = i;
        var byDate = new DateThenId(bills);
        for (int sl = 0; sl < slots; sl++)
            if (slotCount[sl] > 1) Array.Sort(billAt, slotStart[sl], slotCount[sl], byDate);
        return SettleYears(file, settled, bills, billPeriod, personIndex, slotPerson, slotYear, slotCount, slotStart, billAt, problems);
    }

    /// <summary>The person-years read off the settlement order: each is a run of it, already by date and id.</summary>
    private (List<PersonYearResult>, List<HouseholdYearResult>) SettleYears(CaseFile file, IReadOnlyList<BillResult> settled, Bill[] bills,
        PolicyPeriod?[] periods, int[] order, Dictionary<string, int> personIndex)
    {
        var runStart = new List<int>();
        var runFirst = new List<int>();
        for (int k = 0; k < order.Length; k++)
        {
            var bill = bills[order[k]];
            if (k == 0 || !string.Equals(bill.Person, bills[order[k - 1]].Person, StringComparison.Ordinal) || bill.Date.Year != bills[order[k - 1]].Date.Year)
            {
                runStart.Add(k);
                runFirst.Add(order[k]);
            }
            else if (order[k] < runFirst[^1]) runFirst[^1] = order[k];
        }
        // Number the person-years by their first bill in the file, as the general path does.
        var runs = new int[runStart.Count];
        for (int r = 0; r < runs.Length; r++) runs[r] = r;
        var firsts = runFirst.ToArray();
        Array.Sort(firsts, runs);
        var slotPerson = new List<string>(runs.Length);
        var slotYear = new List<int>(runs.Length);
        var slotCount = new List<int>(runs.Length);
        var slotStart = new int[runs.Length];
        var billAt = new int[order.Length];
        int at = 0;
        for (int sl = 0; sl < runs.Length; sl++)
        {
            int r = runs[sl];
            int from = runStart[r], count = (r + 1 < runStart.Count ? runStart[r + 1] : order.Length) - from;
            var first = bills[order[from]];
            slotPerson.Add(first.Person);
            slotYear.Add(first.Date.Year);
            slotCount.Add(count);
            slotStart[sl] = at;
            Array.Copy(order, from, billAt, at, count);
            at += count;
        }
        return SettleYears(file, settled, bills, periods!, personIndex, slotPerson, slotYear, slotCount, slotStart, billAt, []);
    }

    private static (List<PersonYearResult>, List<HouseholdYearResult>) SettleYears(CaseFile file, IReadOnlyList<BillResult> settled, Bill[] bills,
        PolicyPeriod?[] billPeriod, Dictionary<string, int> personIndex, List<string> slotPerson, List<int> slotYear, List<int> slotCount,
        int[] slotStart, int[] billAt, List<SettlementProblem> problems)
    {
        int slots = slotPerson.Count;
        var entries = new (Bill, BillResult, PolicyPeriod)[billAt.Length];
        for (int k = 0; k < billAt.Length; k++)
            entries[k] = (bills[billAt[k]], settled[billAt[k]], billPeriod[billAt[k]]!);
        IReadOnlyList<(Bill, BillResult, PolicyPeriod)> Bills(int slot) => new ArraySegment<(Bill, BillResult, PolicyPeriod)>(entries, slotStart[slot], slotCount[slot]);

        // Person-years in the order of the persons in the file, then year.
        var slotPersonIndex = new int[slots];
        for (int sl = 0; sl < slots; sl++) slotPersonIndex[sl] = personIndex.GetValueOrDefault(slotPerson[sl]);
        var byPerson = new int[slots];
        for (int sl = 0; sl < slots; sl++) byPerson[sl] = sl;
        Array.Sort(byPerson, (x, y) =>
        {
            int c = slotPersonIndex[x].CompareTo(slotPersonIndex[y]);
            if (c == 0) c = slotYear[x].CompareTo(slotYear[y]);
            return c != 0 ? c : x.CompareTo(y);
        });
        var personYears = new List<PersonYearResult>(slots);
        foreach (int sl in byPerson)
            personYears.Add(PersonYearRules.Settle(slotPerson[sl], slotPersonIndex[sl], slotYear[sl], Bills(sl), problems));
        if (problems.Count > 0) throw new SettlementException(problems);

        // Household-years: the person-years of a household's members, grouped in order of first appearance, ordered by
        // their first member in the file, then year; each holds its person-years' bills in that order.
        var households = new List<HouseholdYearResult>();
        var memberOf = new Dictionary<string, string>(file.Persons.Count, StringComparer.Ordinal);
        foreach (var p in file.Persons) memberOf.TryAdd(p.Id, p.Household);
        var members = file.Persons.ToLookup(p => p.Household, StringComparer.Ordinal);
        var yearsOf = personYears.ToLookup(p => (memberOf.GetValueOrDefault(p.Id, p.Id), p.Year));
        var groupOf = new Dictionary<(string, int), int>();
        var groups = new List<(string Household, int Year, int First, List<int> Slots)>();
        for (int sl = 0; sl < slots; sl++)
        {
            var key = (memberOf.GetValueOrDefault(slotPerson[sl], slotPerson[sl]), slotYear[sl]);
            if (!groupOf.TryGetValue(key, out int g))
            {
                g = groups.Count;
                groupOf.Add(key, g);
                groups.Add((key.Item1, key.Item2, int.MaxValue, new List<int>(2)));
            }
            var group = groups[g];
            group.Slots.Add(sl);
            if (slotPersonIndex[sl] < group.First) groups[g] = group with { First = slotPersonIndex[sl] };
        }
        var groupOrder = new int[groups.Count];
        for (int g = 0; g < groupOrder.Length; g++) groupOrder[g] = g;
        Array.Sort(groupOrder, (x, y) =>
        {
            int c = groups[x].First.CompareTo(groups[y].First);
            if (c == 0) c = groups[x].Year.CompareTo(groups[y].Year);
            return c != 0 ? c : x.CompareTo(y);
        });
        foreach (int g in groupOrder)
        {
            var (household, year, _, groupSlots) = groups[g];
            int count = 0;
            foreach (int sl in groupSlots) count += slotCount[sl];
            var groupBills = new List<(Bill, BillResult, PolicyPeriod)>(count);
            foreach (int sl in groupSlots) groupBills.AddRange(new ArraySegment<(Bill, BillResult, PolicyPeriod)>(entries, slotStart[sl], slotCount[sl]));
            households.Add(HouseholdYearRules.Settle(household, year, members[household].ToList(), groupBills, yearsOf[(household, year)].ToList()));
        }
        return (personYears, households);
    }
}
