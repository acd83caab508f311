using Doudi.Engine.Results;
using Doudi.Engine.Settlement;

namespace Doudi.Engine.Tests;

/// <summary>
/// The order of the input is not policy: every case under tests/cases settles to the same
/// categories and amounts with each person's identities reversed (I-2 breaks a tie by the category, not by its place in
/// the input). Before this held, a fuyang person listed as subsistence then destitute had a zero-base bill settled as
/// subsistence and got 50% special assistance instead of 60%.
/// </summary>
public sealed class InputOrderTests
{
    public static TheoryData<string> Files() => CaseFileTests.Files();

    [Theory]
    [MemberData(nameof(Files))]
    public void Reversing_each_persons_identities_changes_nothing(string file)
    {
        if (Repo.SettlingCase(file) is not var (caseFile, catalog)) return;
        if (caseFile.Persons.All(p => p.Identities.Count < 2)) return;
        var engine = new SettlementEngine(catalog);
        var asListed = engine.SettleCase(caseFile);
        var reversed = engine.SettleCase(caseFile with
        {
            Persons = caseFile.Persons.Select(p => p with { Identities = p.Identities.Reverse().ToList() }).ToList(),
        });
        Assert.Equal(Amounts(asListed), Amounts(reversed));
    }

    /// <summary>Nor is the order of the bills in the file: they are settled by date, then bill id (I-3).</summary>
    [Theory]
    [MemberData(nameof(Files))]
    public void Reversing_the_bills_changes_nothing(string file)
    {
        if (Repo.SettlingCase(file) is not var (caseFile, catalog)) return;
        if (caseFile.Bills.Count < 2) return;
        var engine = new SettlementEngine(catalog);
        var asListed = Amounts(engine.SettleCase(caseFile));
        var reversed = Amounts(engine.SettleCase(caseFile with { Bills = caseFile.Bills.Reverse().ToList() }));
        asListed.Sort(StringComparer.Ordinal);
        reversed.Sort(StringComparer.Ordinal);
        Assert.Equal(asListed, reversed);
    }

    private static List<string> Amounts(CaseResult r) =>
        r.Bills.Select(b => $"bill {b.Id}: {b.Policy} {b.Category} base {b.AssistanceBase} critical {b.CriticalIllness} assistance {b.Assistance} " +
                            $"due {b.AssistanceDue} tilted {b.Tilted} burden {b.PersonalBurden} reasonable {b.ReasonableBurden}")
            .Concat(r.Persons.Select(p => $"person {p.Id} {p.Year}: assistance {p.Assistance} tilted {p.Tilted} special {p.SpecialAssistance} " +
                                          $"cap {p.CapRelief} burden {p.PersonalBurden}"))
            .Concat(r.Households.Select(h => $"household {h.Id} {h.Year}: reasonable {h.ReasonableBurden} cap {h.CapRelief}"))
            .ToList();
}
