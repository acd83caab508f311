using System.Text;
using System.Text.Json;
using Doudi.Cases;
using Doudi.Engine.Results;
using Doudi.Engine.Settlement;

namespace Doudi.Engine.Tests;

/// <summary>
/// Runs every case file under tests/cases: a readable case (people, identities, bills), the amounts a person
/// computed by hand from the seed text (with the arithmetic written in the file), and the engine's answer.
/// Only the fields a case names are compared, so each case states exactly what it is about.
/// </summary>
public sealed class CaseFileTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(Repo.Cases, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(Repo.Cases, f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Case(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Repo.Cases, file)));
        var root = doc.RootElement;
        Assert.True(root.TryGetProperty("arithmetic", out _) || root.TryGetProperty("expectedProblems", out _),
            $"{file}: a case must show its hand arithmetic ('arithmetic')");
        var extra = root.TryGetProperty("policyDirs", out var dirs) ? dirs.EnumerateArray().Select(d => d.GetString()!).ToArray() : [];
        var engine = new SettlementEngine(Repo.Catalog(extra));

        var read = CaseReader.Read(Encoding.UTF8.GetBytes(root.GetProperty("case").GetRawText()));
        Assert.True(read.Problems.Count == 0, $"{file}: case does not read:\n{string.Join("\n", read.Problems)}");

        if (root.TryGetProperty("expectedProblems", out var expectedProblems))
        {
            var ex = Assert.Throws<SettlementException>(() => engine.SettleCase(read.Value!));
            foreach (var p in expectedProblems.EnumerateArray())
            {
                var path = p.GetProperty("path").GetString()!;
                var contains = p.GetProperty("contains").GetString()!;
                Assert.True(ex.Problems.Any(x => x.Path == path && x.Message.Contains(contains)),
                    $"{file}: expected a problem at {path} containing '{contains}', got:\n{string.Join("\n", ex.Problems)}");
            }
            return;
        }

        var result = engine.SettleCase(read.Value!);
        var expected = root.GetProperty("expected");
        var failures = new List<string>();
        if (expected.TryGetProperty("bills", out var bills))
            foreach (var e in bills.EnumerateArray())
                Compare(failures, $"bill {e.GetProperty("id").GetString()}", e,
                    result.Bills.FirstOrDefault(b => b.Id == e.GetProperty("id").GetString()) is { } b ? Fields(b) : null);
        if (expected.TryGetProperty("persons", out var persons))
            foreach (var e in persons.EnumerateArray())
                Compare(failures, $"person {e.GetProperty("id").GetString()} {e.GetProperty("year").GetInt32()}", e,
                    result.Persons.FirstOrDefault(p => p.Id == e.GetProperty("id").GetString() && p.Year == e.GetProperty("year").GetInt32()) is { } p ? Fields(p) : null);
        if (expected.TryGetProperty("households", out var households))
            foreach (var e in households.EnumerateArray())
                Compare(failures, $"household {e.GetProperty("id").GetString()} {e.GetProperty("year").GetInt32()}", e,
                    result.Households.FirstOrDefault(h => h.Id == e.GetProperty("id").GetString() && h.Year == e.GetProperty("year").GetInt32()) is { } h ? Fields(h) : null);
        Assert.True(failures.Count == 0, $"{file}:\n" + string.Join("\n", failures));
    }

    private static void Compare(List<string> failures, string what, JsonElement expected, Dictionary<string, object?>? actual)
    {
        if (actual is null) { failures.Add($"{what}: missing from the result"); return; }
        foreach (var prop in expected.EnumerateObject())
        {
            if (prop.Name is "id" or "year" or "note") continue;
            if (prop.Name == "traceExcludes")
            {
                // Steps that must not be there (by name): a rule that does not apply leaves no step.
                var trace = (IReadOnlyList<Tracing.TraceStep>)actual["trace"]!;
                foreach (var step in prop.Value.EnumerateArray())
                    if (trace.Any(t => t.Step == step.GetString()))
                        failures.Add($"{what}: unexpected trace step {step.GetString()}; trace:\n  " + string.Join("\n  ", trace.Select(Show)));
                continue;
            }
            if (prop.Name == "traceIncludes")
            {
                var trace = (IReadOnlyList<Tracing.TraceStep>)actual["trace"]!;
                foreach (var step in prop.Value.EnumerateArray())
                {
                    var name = step.GetProperty("step").GetString();
                    var amount = step.TryGetProperty("amount", out var a) ? a.GetDecimal() : (decimal?)null;
                    var rule = step.TryGetProperty("rule", out var r) ? r.GetString() : null;
                    var interp = step.TryGetProperty("interpretation", out var i) ? i.GetString() : null;
                    var detail = step.TryGetProperty("detailContains", out var dc) ? dc.GetString() : null;
                    var basis = step.TryGetProperty("basis", out var bs) ? bs.EnumerateArray().ToList() : [];
                    if (!trace.Any(t => t.Step == name && (amount is null || t.Amount == amount) && (rule is null || t.Rule.Contains(rule))
                                        && (interp is null || t.Interpretation == interp) && (detail is null || t.Detail.Contains(detail))
                                        && basis.All(e => t.Basis is { } tb && tb.Entries.Any(x => BasisMatches(e, x)))))
                        failures.Add($"{what}: no trace step {step.GetRawText()}; trace:\n  " + string.Join("\n  ", trace.Select(Show)));
                }
                continue;
            }
            if (!actual.TryGetValue(prop.Name, out var value)) { failures.Add($"{what}: unknown field '{prop.Name}'"); continue; }
            bool same = prop.Value.ValueKind switch
            {
                JsonValueKind.Number => value is decimal d && d == prop.Value.GetDecimal(),
                JsonValueKind.String => value?.ToString() == prop.Value.GetString(),
                JsonValueKind.Null => value is null,
                _ => false,
            };
            if (!same) failures.Add($"{what}: {prop.Name} expected {prop.Value.GetRawText()}, got {value ?? "null"}");
        }
    }

    /// <summary>An expected basis entry: its id, and where given its amount, reason (null: counted) and a piece of its detail.</summary>
    private static bool BasisMatches(JsonElement e, Tracing.TraceBasisEntry x) =>
        x.Id == e.GetProperty("id").GetString()
        && (!e.TryGetProperty("amount", out var a) || a.GetDecimal() == x.Amount)
        && (!e.TryGetProperty("reason", out var r) || r.GetString() == x.Reason)
        && (!e.TryGetProperty("detailContains", out var d) || (x.Detail ?? "").Contains(d.GetString()!));

    private static string Show(Tracing.TraceStep t) =>
        t.Basis is { } b ? $"{t} basis: " + string.Join("; ", b.Entries.Select(e => $"{e.Id} {e.Amount} {e.Reason ?? "counted"} {e.Detail}")) : t.ToString();

    private static Dictionary<string, object?> Fields(BillResult b) => new()
    {
        ["policy"] = b.Policy, ["category"] = b.Category is { } c ? Policy.Vocabulary.Codes.ToCode(c) : null,
        ["assistanceBase"] = b.AssistanceBase, ["criticalIllness"] = b.CriticalIllness, ["assistance"] = b.Assistance,
        ["tilted"] = b.Tilted, ["supplementary"] = b.Supplementary, ["personalBurden"] = b.PersonalBurden,
        ["assistanceDue"] = b.AssistanceDue, ["assistanceUpstream"] = b.AssistanceUpstream, ["assistanceDifference"] = b.AssistanceDifference,
        ["reasonableBurden"] = b.ReasonableBurden, ["trace"] = b.Trace,
    };

    private static Dictionary<string, object?> Fields(PersonYearResult p) => new()
    {
        ["assistance"] = p.Assistance, ["tilted"] = p.Tilted, ["specialAssistance"] = p.SpecialAssistance,
        ["capRelief"] = p.CapRelief, ["personalBurden"] = p.PersonalBurden, ["trace"] = p.Trace,
    };

    private static Dictionary<string, object?> Fields(HouseholdYearResult h) => new()
    {
        ["reasonableBurden"] = h.ReasonableBurden, ["capRelief"] = h.CapRelief, ["trace"] = h.Trace,
    };
}
