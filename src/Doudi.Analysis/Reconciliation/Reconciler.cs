using Doudi.Engine.Cases;
using Doudi.Engine.Results;
using Doudi.Engine.Settlement;
using Doudi.Policy.Periods;
using Doudi.Policy.Vocabulary;

namespace Doudi.Analysis.Reconciliation;

/// <summary>
/// Compares what the national platform paid (<c>maf_pay</c>) with what the policy gives, bill by bill and person by
/// person (I-24): every bill is settled by the engine from the registry's identities, in settlement order (I-3), with
/// annual limits counting the amounts due, not the amounts paid, so one wrong payment does not shift the others.
/// </summary>
public static class Reconciler
{
    /// <param name="registry">the persons and their identities (bills in it are not used)</param>
    /// <param name="townships">psn_no → township, for the summary by township (persons not in it: "未知")</param>
    /// <exception cref="SettlementException">a bill the policy cannot settle (e.g. no policy in force on its date), with its place</exception>
    public static ReconciliationReport Run(PolicyCatalog catalog, CaseFile registry, IReadOnlyList<ExportRow> rows, string profile, string source,
        IReadOnlyDictionary<string, string>? townships = null) =>
        Run(catalog, registry, [rows], profile, source, townships);

    /// <summary>
    /// The same over an export read in parts (<see cref="RowSpill.Parts"/>), one part in memory at a time: every row of a
    /// person must be in one part. The report does not depend on how the rows are parted or ordered: each person's bills
    /// are settled in settlement order, problems are listed in it, and an institution is named as on its first bill in it.
    /// </summary>
    public static ReconciliationReport Run(PolicyCatalog catalog, CaseFile registry, IEnumerable<IReadOnlyList<ExportRow>> parts, string profile,
        string source, IReadOnlyDictionary<string, string>? townships = null)
    {
        var engine = new SettlementEngine(catalog);
        var report = new ReconciliationReport { Region = registry.Region, Profile = profile, Source = source };
        bool upstream = catalog.PeriodsOf(registry.Region).Any(p => p.UpstreamAssistance is not null);
        if (upstream)
            report.Notes.Add("本地区政策无逐单医疗救助，上游支付按已付计（I-24），逐单对账只核对数额一致 the policy has no per-bill assistance of its own: upstream payments are taken as paid (I-24)");
        report.Notes.Add("应付按政策和名册计算；年度限额按应付累计（I-24），一笔错付不影响其他单据 due amounts follow the policy and the registry; annual limits count amounts due (I-24)");
        report.Notes.Add("年末规则（特殊救助、负担封顶、化解）不在 maf_pay 中，不在本对账内 year-end rules (special assistance, caps, resolution) are not in maf_pay and not reconciled here");

        var persons = new Dictionary<string, Person>(registry.Persons.Count, StringComparer.Ordinal);
        foreach (var p in registry.Persons) persons.TryAdd(p.Id, p);

        var problems = new List<(Bill Bill, SettlementProblem Problem)>();
        var byTownship = new Dictionary<string, Group>(StringComparer.Ordinal);
        var byInstitution = new Dictionary<string, Group>(StringComparer.Ordinal);
        foreach (var rows in parts)
        {
            // I-3: person, then date, then bill id.
            var order = Enumerable.Range(0, rows.Count).ToArray();
            Array.Sort(order, (a, b) => SettlementOrder(rows[a].Bill, rows[b].Bill));

            PersonLedger? ledger = null;
            string? current = null;
            PersonDifference? person = null;
            foreach (int i in order)
            {
                var row = rows[i];
                var bill = upstream ? row.Bill with { AssistancePaid = row.Paid } : row.Bill;
                bool known = persons.TryGetValue(bill.Person, out var who);
                who ??= new Person(bill.Person, bill.Person, InsuranceType.Resident, []);
                if (current != bill.Person || ledger!.Year != bill.Date.Year)
                {
                    if (current != bill.Person) { Flush(report, person); report.Persons++; person = null; }
                    ledger = new PersonLedger(bill.Date.Year);
                    current = bill.Person;
                }
                BillResult result;
                try
                {
                    result = engine.SettleBill(registry.Region, who, bill, ledger);
                }
                catch (SettlementException ex)
                {
                    problems.AddRange(ex.Problems.Select(p => (row.Bill, new SettlementProblem($"{source}:{row.Line}: {p.Path}", p.Message))));
                    continue;
                }
                // Where the policy takes upstream assistance as paid, the engine reports it as the assistance.
                decimal due = result.Assistance + result.Tilted;
                decimal diff = due - row.Paid;
                string township = townships?.GetValueOrDefault(bill.Person) ?? "未知 unknown";
                report.Bills++;
                report.Paid += row.Paid;
                report.Due += due;
                if (!known) report.NotInRegistry++;
                person ??= new PersonDifference(bill.Person, row.Name, township, 0, 0, 0, 0, 0, 0);
                person = person with
                {
                    Bills = person.Bills + 1, Differing = person.Differing + (diff != 0 ? 1 : 0), Paid = person.Paid + row.Paid, Due = person.Due + due,
                    ToPay = person.ToPay + Math.Max(diff, 0), ToRecover = person.ToRecover + Math.Max(-diff, 0),
                };
                Add(byTownship, township, township, bill, row.Paid, due, diff);
                Add(byInstitution, row.Institution ?? "未知 unknown", row.InstitutionName, bill, row.Paid, due, diff);
                if (diff == 0) continue;
                var difference = new BillDifference(bill.Id, bill.Person, row.Name, township, row.Institution, row.InstitutionName, bill.Date,
                    Codes.ToCode(bill.Kind), result.Category is { } c ? Codes.ToCode(c) : null, row.Paid, due, diff, known, row.Line,
                    result.Trace.Select(t => new TraceLine(t.Step, t.Amount, t.Rule, t.Detail, t.Interpretation)).ToList(), bill.Emergency);
                if (diff > 0) { report.Underpaid.Add(difference); report.ToPay += diff; }
                else { report.Overpaid.Add(difference); report.ToRecover -= diff; }
            }
            Flush(report, person);
        }
        // In settlement order over the whole export, whatever the parts (a stable sort keeps a bill's problems in order).
        if (problems.Count > 0) throw new SettlementException(problems.OrderBy(p => p.Bill, BySettlementOrder).Select(p => p.Problem).ToList());

        foreach (var list in new[] { report.Underpaid, report.Overpaid }) list.Sort((a, b) => Math.Abs(b.Difference).CompareTo(Math.Abs(a.Difference)) is var c && c != 0 ? c : string.CompareOrdinal(a.SetlId, b.SetlId));
        report.PersonsDiffering.Sort((a, b) => (b.ToPay + b.ToRecover).CompareTo(a.ToPay + a.ToRecover) is var c && c != 0 ? c : string.CompareOrdinal(a.Person, b.Person));
        report.ByTownship.AddRange(byTownship.Values.Select(g => g.Total()).OrderBy(g => g.Key, StringComparer.Ordinal));
        report.ByInstitution.AddRange(byInstitution.Values.Select(g => g.Total()).OrderBy(g => g.Key, StringComparer.Ordinal));
        return report;
    }

    private static void Flush(ReconciliationReport report, PersonDifference? person)
    {
        if (person is { Differing: > 0 }) report.PersonsDiffering.Add(person);
    }

    private static int SettlementOrder(Bill x, Bill y)
    {
        int c = string.CompareOrdinal(x.Person, y.Person);
        if (c == 0) c = x.Date.CompareTo(y.Date);
        if (c == 0) c = string.CompareOrdinal(x.Id, y.Id);
        return c;
    }

    private static readonly IComparer<Bill> BySettlementOrder = Comparer<Bill>.Create(SettlementOrder);

    private static void Add(Dictionary<string, Group> groups, string key, string? name, Bill bill, decimal paid, decimal due, decimal diff)
    {
        if (!groups.TryGetValue(key, out var g)) groups[key] = g = new Group(key, name, bill);
        // Named as on its first bill in settlement order, whichever part that bill was in.
        else if (SettlementOrder(bill, g.First) < 0) { g.Name = name; g.First = bill; }
        g.Bills++; g.Paid += paid; g.Due += due;
        if (diff > 0) { g.Underpaid++; g.ToPay += diff; }
        else if (diff < 0) { g.Overpaid++; g.ToRecover -= diff; }
    }

    private sealed class Group(string key, string? name, Bill first)
    {
        public int Bills, Underpaid, Overpaid;
        public decimal Paid, Due, ToPay, ToRecover;
        public string? Name = name;
        public Bill First = first;
        public GroupTotal Total() => new(key, Name, Bills, Paid, Due, Underpaid, ToPay, Overpaid, ToRecover);
    }
}
