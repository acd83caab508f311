using System.Runtime.InteropServices;
using Doudi.Engine.Annual;
using Doudi.Engine.Cases;
using Doudi.Engine.Results;
using Doudi.Engine.Tiers;
using Doudi.Policy.Periods;

namespace Doudi.Engine.Settlement;

/// <summary>
/// A case settled bill by bill, then year by year: the one implementation behind <see cref="SettlementEngine.SettleCase"/>
/// and a caller that streams a case (the CLI settles and writes a city's year bill by bill, so no bill's result and
/// trace outlive its writing). Bills may arrive in any order that keeps each person's bills in settlement order (I-3:
/// date, then bill id), such as an export listed by date; each person keeps a running ledger, and each bill leaves only
/// the few facts the year-end rules read (<see cref="YearBill"/>). <see cref="SettleYears"/> then settles every
/// person-year and household-year in the order of the result file, exactly as a whole case would.
/// </summary>
public sealed class CaseSettlement
{
    private readonly PolicyCatalog _catalog;
    private readonly string _region;
    private readonly IReadOnlyList<Person> _persons;
    private readonly Dictionary<string, int> _personIndex;
    private readonly bool _grouped;
    private readonly List<SettlementProblem> _problems = [];
    private readonly BillSettler _settler = new();

    // Per person (index in the file; a caller's SettleYears may name persons the file lacks, numbered after them).
    private readonly List<PersonState> _state;
    private struct PersonState
    {
        public PersonLedger? Ledger;
        public int LastBill;   // index into _bills of the person's last bill, -1 before the first
        public int Slot;       // the person-year of that bill
    }

    private readonly Chunked<YearBill> _bills = new();
    private readonly Chunked<int> _billSlot = new();
    private readonly List<Slot> _slots = [];
    private sealed class Slot(string person, int personKey, int year, int first)
    {
        public readonly string Person = person;
        /// <summary>The person's place in the file (0 for a person it lacks), the order of the persons section.</summary>
        public readonly int PersonKey = personKey;
        public readonly int Year = year;
        /// <summary>The place in the file of the person-year's first bill: person-years are numbered in this order.</summary>
        public int First = first;
        public int Count;
        public int Start;
        public decimal PersonalBurden;
    }

    private int _lastPerson = -1;

    /// <param name="grouped">each person's bills arrive together (SettleCase's I-3 order): a person's ledger is dropped
    /// once the next person's bills begin</param>
    /// <exception cref="SettlementException">the region is unknown</exception>
    public CaseSettlement(PolicyCatalog catalog, string region, IReadOnlyList<Person> persons, bool grouped = false)
    {
        if (!catalog.HasRegion(region))
            throw new SettlementException([new("region", $"未知地区 unknown region '{region}' (known: {string.Join(", ", catalog.Regions)})")]);
        _catalog = catalog;
        _region = region;
        _persons = persons;
        _grouped = grouped;
        _personIndex = new Dictionary<string, int>(persons.Count, StringComparer.Ordinal);
        _state = new List<PersonState>(persons.Count);
        for (int i = 0; i < persons.Count; i++)
        {
            _state.Add(new PersonState { LastBill = -1, Slot = -1 });
            if (!_personIndex.TryAdd(persons[i].Id, i))
                _problems.Add(new($"persons[{i}].id", $"重复的人员编号 duplicate person id '{persons[i].Id}'"));
        }
    }

    /// <summary>Every problem found so far (bills and, after <see cref="SettleYears"/>, years).</summary>
    public IReadOnlyList<SettlementProblem> Problems => _problems;

    /// <summary>A bill arrived before an earlier bill of its person (I-3): this order cannot be settled as it comes.</summary>
    public bool OutOfOrder { get; private set; }

    /// <summary>
    /// Settles <paramref name="bill"/>, the <paramref name="index"/>th of the case file, against its person's ledger.
    /// Null when it has a problem (in <see cref="Problems"/>) or arrives out of its person's order (<see cref="OutOfOrder"/>,
    /// nothing recorded).
    /// </summary>
    public BillResult? Settle(Bill bill, int index)
    {
        var path = BillPath.InCase(index);
        if (!_personIndex.TryGetValue(bill.Person, out int p))
        {
            _problems.Add(new(path + ".person", $"未知人员 unknown person '{bill.Person}'"));
            return null;
        }
        var period = PolicyReach.For(_catalog, _region, _persons[p], bill.Date);
        if (period is null)
        {
            _problems.Add(new(path + ".date", $"{bill.Date:yyyy-MM-dd} 在 {_region} 无有效政策 no policy in force in {_region} on this date"));
            return null;
        }
        if (_grouped && p != _lastPerson)
        {
            if (_lastPerson >= 0) CollectionsMarshal.AsSpan(_state)[_lastPerson].Ledger = null;
            _lastPerson = p;
        }
        ref var state = ref CollectionsMarshal.AsSpan(_state)[p];
        if (state.LastBill >= 0 && !InOrder(_bills[state.LastBill], bill))
        {
            OutOfOrder = true;
            return null;
        }
        if (state.Ledger is not { } ledger) state.Ledger = ledger = new PersonLedger(bill.Date.Year);
        else if (ledger.Year != bill.Date.Year) state.Ledger = ledger = ledger.NextYear(bill.Date.Year); // I-26: a window's deduction spans New Year
        var result = _settler.Settle(period, _persons[p], bill, ledger, path, _problems);
        if (result is not null) Add(ref state, p, bill, result, period, index);
        return result;
    }

    /// <summary>
    /// Records a bill settled earlier (a server's stored result) for the year-end rules, without settling it again.
    /// Each person's bills must come in settlement order (I-3).
    /// </summary>
    internal void Record(Bill bill, BillResult result, int index)
    {
        var known = _personIndex.TryGetValue(bill.Person, out int p) && p < _persons.Count ? _persons[p] : null;
        var period = PolicyReach.For(_catalog, _region, known, bill.Date);
        if (period is null)
        {
            _problems.Add(new($"bills[{index}].date", "无有效政策 no policy in force"));
            return;
        }
        if (!_personIndex.TryGetValue(bill.Person, out p))
        {
            // A person the file lacks: its own household, listed with the file's first person (as before streaming).
            p = _state.Count;
            _personIndex.Add(bill.Person, p);
            _state.Add(new PersonState { LastBill = -1, Slot = -1 });
        }
        ref var state = ref CollectionsMarshal.AsSpan(_state)[p];
        Add(ref state, p, bill, result, period, index);
    }

    private void Add(ref PersonState state, int p, Bill bill, BillResult result, PolicyPeriod period, int index)
    {
        int slot = state.Slot;
        if (slot < 0 || _slots[slot].Year != bill.Date.Year)
        {
            slot = _slots.Count;
            _slots.Add(new Slot(bill.Person, p < _persons.Count ? p : 0, bill.Date.Year, index));
        }
        var s = _slots[slot];
        s.Count++;
        if (index < s.First) s.First = index;
        state.Slot = slot;
        state.LastBill = _bills.Count;
        _bills.Add(new YearBill(bill, result, period));
        _billSlot.Add(slot);
    }

    private static bool InOrder(in YearBill last, Bill next)
    {
        int c = last.Date.CompareTo(next.Date);
        return c < 0 || c == 0 && string.CompareOrdinal(last.Id, next.Id) <= 0;
    }

    /// <summary>
    /// The year-end rules (fuyang special assistance and cap, wenzhou-2022 resolution, jiande household lines) over
    /// every bill settled or recorded: each person-year in the order of the persons in the file, then year, handed to
    /// <paramref name="person"/>; then each household-year, ordered by its first member in the file, then year, handed
    /// to <paramref name="household"/>. Person-years are numbered by their first bill in the file, and a household-year
    /// holds its person-years' bills in that order.
    /// </summary>
    /// <exception cref="SettlementException">with every problem found (the bills' too); the callers' results are then partial and must be dropped.</exception>
    public void SettleYears(Action<PersonYearResult> person, Action<HouseholdYearResult> household)
    {
        if (OutOfOrder) throw new InvalidOperationException("a bill arrived out of its person's settlement order (I-3)");
        int slots = _slots.Count;
        // Person-years numbered by their first bill in the file.
        var byFirst = new int[slots];
        var firsts = new int[slots];
        for (int sl = 0; sl < slots; sl++) { byFirst[sl] = sl; firsts[sl] = _slots[sl].First; }
        Array.Sort(firsts, byFirst);
        var number = new int[slots];
        for (int k = 0; k < slots; k++) number[byFirst[k]] = k;

        // Each person-year's bills together, in the order they came (the person's settlement order).
        int at = 0;
        foreach (int sl in byFirst) { _slots[sl].Start = at; at += _slots[sl].Count; }
        var billAt = new int[_bills.Count];
        var fill = new int[slots];
        for (int sl = 0; sl < slots; sl++) fill[sl] = _slots[sl].Start;
        for (int i = 0; i < _bills.Count; i++) billAt[fill[_billSlot[i]]++] = i;
        fill = null!;
        var buffer = new List<YearBill>();
        List<YearBill> Bills(Slot s, List<YearBill> into)
        {
            for (int k = s.Start; k < s.Start + s.Count; k++) into.Add(_bills[billAt[k]]);
            return into;
        }

        // Person-years in the order of the persons in the file, then year.
        var byPerson = (int[])byFirst.Clone();
        Array.Sort(byPerson, (x, y) =>
        {
            int c = _slots[x].PersonKey.CompareTo(_slots[y].PersonKey);
            if (c == 0) c = _slots[x].Year.CompareTo(_slots[y].Year);
            return c != 0 ? c : number[x].CompareTo(number[y]);
        });
        var personPlace = new int[slots];
        for (int k = 0; k < slots; k++)
        {
            var s = _slots[byPerson[k]];
            personPlace[byPerson[k]] = k;
            buffer.Clear();
            var r = PersonYearRules.Settle(s.Person, s.PersonKey, s.Year, Bills(s, buffer), _problems);
            s.PersonalBurden = r.PersonalBurden;
            person(r);
        }
        if (_problems.Count > 0) throw new SettlementException(_problems.ToArray());

        // Household-years: the person-years of a household's members, grouped in order of person-year number, ordered by
        // their first member in the file, then year; each holds its person-years' bills in that order.
        var memberOf = new Dictionary<string, string>(_persons.Count, StringComparer.Ordinal);
        var members = new Dictionary<string, List<Person>>(StringComparer.Ordinal);
        foreach (var p in _persons)
        {
            memberOf.TryAdd(p.Id, p.Household);
            if (!members.TryGetValue(p.Household, out var list)) members.Add(p.Household, list = new List<Person>(2));
            list.Add(p);
        }
        var groupOf = new Dictionary<(string, int), int>();
        var groups = new List<(string Household, int Year, int First, List<int> Slots)>();
        foreach (int sl in byFirst)
        {
            var s = _slots[sl];
            var key = (memberOf.GetValueOrDefault(s.Person, s.Person), s.Year);
            if (!groupOf.TryGetValue(key, out int g))
            {
                g = groups.Count;
                groupOf.Add(key, g);
                groups.Add((key.Item1, key.Item2, int.MaxValue, new List<int>(2)));
            }
            var group = groups[g];
            group.Slots.Add(sl);
            if (s.PersonKey < group.First) groups[g] = group with { First = s.PersonKey };
        }
        groupOf = null!;
        var groupOrder = new int[groups.Count];
        for (int g = 0; g < groupOrder.Length; g++) groupOrder[g] = g;
        Array.Sort(groupOrder, (x, y) =>
        {
            int c = groups[x].First.CompareTo(groups[y].First);
            if (c == 0) c = groups[x].Year.CompareTo(groups[y].Year);
            return c != 0 ? c : x.CompareTo(y);
        });
        var memberYears = new List<(string, decimal)>();
        var inPersonOrder = new List<int>();
        foreach (int g in groupOrder)
        {
            var (id, year, _, groupSlots) = groups[g];
            var groupBills = new List<YearBill>();
            foreach (int sl in groupSlots) Bills(_slots[sl], groupBills);
            inPersonOrder.Clear();
            inPersonOrder.AddRange(groupSlots);
            inPersonOrder.Sort((x, y) => personPlace[x].CompareTo(personPlace[y]));
            memberYears.Clear();
            foreach (int sl in inPersonOrder) memberYears.Add((_slots[sl].Person, _slots[sl].PersonalBurden));
            household(HouseholdYearRules.Settle(id, year, members.TryGetValue(id, out var m) ? m : [], groupBills, memberYears));
        }
    }

    /// <summary>A list in fixed-size chunks: millions of entries without one huge array copied as it grows.</summary>
    private sealed class Chunked<T>
    {
        private const int Shift = 16, Size = 1 << Shift, Mask = Size - 1;
        private readonly List<T[]> _chunks = [];
        public int Count { get; private set; }

        public void Add(in T item)
        {
            if ((Count & Mask) == 0 && Count >> Shift == _chunks.Count) _chunks.Add(new T[Size]);
            _chunks[Count >> Shift][Count & Mask] = item;
            Count++;
        }

        public ref T this[int i] => ref _chunks[i >> Shift][i & Mask];
    }
}
