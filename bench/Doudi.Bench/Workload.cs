using Doudi.Cases;
using Doudi.Engine.Cases;
using Doudi.Engine.Settlement;
using Doudi.Policy.Loading;
using Doudi.Policy.Periods;

namespace Doudi.Bench;

/// <summary>
/// The in-process workload: one generated case per region (read through <see cref="CaseReader"/>, exactly as the CLI
/// would read it), and the same bills as a flat list for <see cref="SettlementEngine.SettleBill"/>, in I-3 order per
/// person, person-years of the four regions interleaved so consecutive calls change region and policy.
/// </summary>
public sealed class Workload
{
    public required PolicyCatalog Catalog { get; init; }
    public required IReadOnlyList<CaseFile> Cases { get; init; }
    public required BillCall[] Calls { get; init; }

    /// <summary>One SettleBill call; <see cref="NewLedger"/> marks the first bill of a person-year (a fresh ledger).</summary>
    public readonly record struct BillCall(string Region, Person Person, Bill Bill, bool NewLedger);

    public int TotalBills => Calls.Length;

    /// <param name="billsPerRegion">bills in each region's case</param>
    /// <param name="engineCriticalShare">share of wenzhou/pengshui bills with criticalPaid null (loads policies/samples)</param>
    public static Workload Create(int billsPerRegion, double engineCriticalShare = 0.1, int seed = 20240601, string? policiesDir = null)
    {
        string dir = policiesDir ?? PolicyLocator.FindDefault() ?? throw new InvalidOperationException("no policies/ folder found; pass --policies");
        var loaded = engineCriticalShare > 0
            ? PolicyLoader.LoadDirectory(dir, Path.Combine(dir, "samples"))
            : PolicyLoader.LoadDirectory(dir);
        if (!loaded.Ok) throw new InvalidOperationException(string.Join(Environment.NewLine, loaded.Errors));

        var cases = new List<CaseFile>();
        foreach (var region in CaseGenerator.Regions)
        {
            var gen = new CaseGenerator { Region = region, Bills = billsPerRegion, Seed = seed, EngineCriticalShare = engineCriticalShare };
            using var ms = new MemoryStream();
            gen.Write(ms);
            var read = CaseReader.Read(ms.GetBuffer().AsSpan(0, (int)ms.Length));
            if (!read.Ok) throw new InvalidOperationException($"{region}: generated case does not read:\n" + string.Join("\n", read.Problems.Take(10)));
            cases.Add(read.Value!);
        }

        // Person-years in I-3 order within each region, then interleaved round-robin across regions.
        var perRegion = new List<List<BillCall[]>>();
        foreach (var c in cases)
        {
            var persons = c.Persons.ToDictionary(p => p.Id, StringComparer.Ordinal);
            var groups = c.Bills
                .OrderBy(b => b.Person, StringComparer.Ordinal).ThenBy(b => b.Date).ThenBy(b => b.Id, StringComparer.Ordinal)
                .GroupBy(b => (b.Person, b.Date.Year))
                .Select(g => g.Select((b, i) => new BillCall(c.Region, persons[b.Person], b, i == 0)).ToArray())
                .ToList();
            perRegion.Add(groups);
        }
        var calls = new List<BillCall>(billsPerRegion * cases.Count);
        for (int i = 0; perRegion.Any(r => i < r.Count); i++)
            foreach (var r in perRegion)
                if (i < r.Count) calls.AddRange(r[i]);
        return new Workload { Catalog = loaded.Catalog!, Cases = cases, Calls = calls.ToArray() };
    }

    /// <summary>Settles every call, a fresh ledger per person-year; returns a checksum of the amounts so nothing is optimised away.</summary>
    public static decimal SettleBills(SettlementEngine engine, BillCall[] calls)
    {
        decimal sum = 0m;
        PersonLedger ledger = null!;
        foreach (var call in calls)
        {
            if (call.NewLedger) ledger = new PersonLedger(call.Bill.Date.Year);
            var r = engine.SettleBill(call.Region, call.Person, call.Bill, ledger);
            sum += r.Assistance + r.Tilted;
        }
        return sum;
    }
}
