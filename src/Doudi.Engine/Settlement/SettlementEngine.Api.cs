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
        var order = new int[file.Bills.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(order, (x, y) =>
        {
            var a = file.Bills[x]; var b = file.Bills[y];
            int c = string.CompareOrdinal(a.Person, b.Person);
            if (c != 0) return c;
            c = a.Date.CompareTo(b.Date);
            return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
        });

        var results = new BillResult[file.Bills.Count];
        var settler = new BillSettler();
        PersonLedger? ledger = null;
        string? ledgerPerson = null;
        foreach (int i in order)
        {
            var bill = file.Bills[i];
            string path = $"bills[{i}]";
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
        var problems = new List<SettlementProblem>();
        var period = _catalog.Find(region, bill.Date);
        if (!_catalog.HasRegion(region)) problems.Add(new("region", $"未知地区 unknown region '{region}'"));
        else if (period is null) problems.Add(new("date", $"{bill.Date:yyyy-MM-dd} 在 {region} 无有效政策 no policy in force on this date"));
        if (ledger.Year != bill.Date.Year) problems.Add(new("date", $"台账年度 {ledger.Year} 与单据年度不符 the ledger is for another year"));
        if (problems.Count > 0) throw new SettlementException(problems);
        var result = new BillSettler().Settle(period!, person, bill, ledger, "bill", problems);
        if (result is null || problems.Count > 0) throw new SettlementException(problems);
        return result;
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
