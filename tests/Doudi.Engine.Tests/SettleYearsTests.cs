using System.Text;
using System.Text.Json;
using Doudi.Cases;
using Doudi.Engine.Settlement;

namespace Doudi.Engine.Tests;

/// <summary>
/// SettleCase reads the person-years off its settlement order; the public SettleYears (a server calling it with
/// stored results) groups them itself. Both must give the same years, in the same order, for every case file.
/// </summary>
public sealed class SettleYearsTests
{
    public static TheoryData<string> Files() => CaseFileTests.Files();

    [Theory]
    [MemberData(nameof(Files))]
    public void Public_SettleYears_matches_SettleCase(string file)
    {
        if (Repo.SettlingCase(file) is not var (caseFile, catalog)) return;
        var engine = new SettlementEngine(catalog);
        var result = engine.SettleCase(caseFile);
        var (persons, households) = engine.SettleYears(caseFile, result.Bills);

        Assert.Equal(Show(result.Persons.Select(p => (p.Id, p.Year, p.Assistance, p.Tilted, p.SpecialAssistance, p.CapRelief, p.PersonalBurden, Trace(p.Trace)))),
                     Show(persons.Select(p => (p.Id, p.Year, p.Assistance, p.Tilted, p.SpecialAssistance, p.CapRelief, p.PersonalBurden, Trace(p.Trace)))));
        Assert.Equal(Show(result.Households.Select(h => (h.Id, h.Year, h.ReasonableBurden, h.CapRelief, Trace(h.Trace)))),
                     Show(households.Select(h => (h.Id, h.Year, h.ReasonableBurden, h.CapRelief, Trace(h.Trace)))));
    }

    private static string Trace(IEnumerable<Tracing.TraceStep> trace) => string.Join(" | ", trace);
    private static string Show<T>(IEnumerable<T> rows) => string.Join("\n", rows);
}
