using System.Text.RegularExpressions;
using Doudi.Engine.Settlement;
using Doudi.Engine.Tracing;

namespace Doudi.Engine.Tests;

/// <summary>
/// Every trace step of every case under tests/cases cites a clause of a policy file (its rule starts with a clause's
/// citation, or the document's own period clause), and every interpretation it names is in the register, so a reader
/// of the repository alone can follow each step. And the engine's code holds no citation text of its own.
/// </summary>
public sealed partial class TraceCitationTests
{
    public static TheoryData<string> Files() => CaseFileTests.Files();

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_step_cites_a_clause_and_a_registered_interpretation(string file)
    {
        if (Repo.SettlingCase(file) is not var (caseFile, catalog)) return;
        var result = new SettlementEngine(catalog).SettleCase(caseFile);

        var rules = catalog.Documents.SelectMany(d => d.Clauses.Select(c => c.Citation.Rule))
            .Concat(catalog.Regions.SelectMany(r => catalog.PeriodsOf(r).Select(p => p.Cite.Rule)))
            .Distinct().ToList();
        var steps = result.Bills.SelectMany(b => b.Trace.Select(t => (Where: $"bill {b.Id}", Step: t)))
            .Concat(result.Persons.SelectMany(p => p.Trace.Select(t => (Where: $"person {p.Id} {p.Year}", Step: t))))
            .Concat(result.Households.SelectMany(h => h.Trace.Select(t => (Where: $"household {h.Id} {h.Year}", Step: t))));
        var problems = new List<string>();
        foreach (var (where, step) in steps)
        {
            if (!rules.Any(r => step.Rule.StartsWith(r, StringComparison.Ordinal)))
                problems.Add($"{where}: step '{step.Step}' cites '{step.Rule}', which is no clause of a policy file");
            if (step.Interpretation is { } i && !catalog.Interpretations.Contains(i))
                problems.Add($"{where}: step '{step.Step}' cites {i}, which is not in the register");
        }
        Assert.True(problems.Count == 0, $"{file}:\n" + string.Join("\n", problems.Distinct()));
    }

    [GeneratedRegex(@"第[一二三四五六七八九十百]+条|[一二三四五六七八九十]\.[0-9一二三四五六七八九十（(]|〔20[0-9]{2}〕|[0-9]+号")]
    private static partial Regex CitationText();

    /// <summary>
    /// Policy is data: no article number or document number appears in the engine's code, nor in prevention's (the domain
    /// and the server's feature folders), comments aside.
    /// </summary>
    [Theory]
    [InlineData("src/Doudi.Engine")]
    [InlineData("src/Doudi.Prevention")]
    [InlineData("src/Doudi.Server/Prevention")]
    public void The_code_holds_no_citation_text(string folder)
    {
        var problems = new List<string>();
        foreach (var f in Directory.EnumerateFiles(Path.Combine(Repo.Root, folder), "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var lines = File.ReadAllLines(f);
            for (int n = 0; n < lines.Length; n++)
            {
                var code = lines[n];
                int comment = code.IndexOf("//", StringComparison.Ordinal);
                if (comment >= 0) code = code[..comment];
                if (code.TrimStart().StartsWith("///", StringComparison.Ordinal) || code.TrimStart().StartsWith('*')) continue;
                if (CitationText().Match(code) is { Success: true } m)
                    problems.Add($"{Path.GetRelativePath(Repo.Root, f)}:{n + 1}: '{m.Value}'");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
