using Doudi.Engine.Tracing;
using Doudi.Policy.Vocabulary;

namespace Doudi.Engine.Results;

/// <summary>The settlement of one bill. Field names are the public contract of `doudi settle`.</summary>
public sealed class BillResult
{
    public BillResult() => Trace = [];

    /// <summary>With room for the trace steps the settler knows it will add.</summary>
    internal BillResult(int traceCapacity) => Trace = new(traceCapacity);

    public required string Id { get; init; }
    public required string Person { get; init; }
    public required DateOnly Date { get; init; }
    public required string Policy { get; init; }
    public Category? Category { get; set; }
    public decimal AssistanceBase { get; set; }
    public decimal CriticalIllness { get; set; }
    public decimal Assistance { get; set; }
    /// <summary>
    /// I-24, only when the bill carried assistance paid upstream under a policy with per-bill assistance: what is due
    /// (= <see cref="Assistance"/>), what the upstream settlement paid, and the difference (positive: to pay; negative: to recover).
    /// </summary>
    public decimal? AssistanceDue => _upstream?.Due;
    public decimal? AssistanceUpstream => _upstream?.Paid;
    public decimal? AssistanceDifference => _upstream is { } u ? u.Due - u.Paid : null;
    // Held apart (most bills carry no upstream assistance): a result stays as small as before.
    private UpstreamAssistance? _upstream;
    private sealed record UpstreamAssistance(decimal Due, decimal Paid);

    /// <summary>I-24: records what is due beside what the upstream settlement paid.</summary>
    public void CompareWithUpstream(decimal due, decimal paid) => _upstream = new(due, paid);
    public decimal Tilted { get; set; }
    public decimal Supplementary { get; set; }
    public decimal PersonalBurden { get; set; }
    /// <summary>The in-policy remainder plus admitted out-of-catalogue cost (I-14, fuyang's "reasonable" burden).</summary>
    public decimal ReasonableBurden { get; set; }
    /// <summary>What this bill counted against each annual limit (bucket name → amount); lets a server rebuild year-to-date totals.</summary>
    public Dictionary<string, decimal> Counted => _counted ??= new(StringComparer.Ordinal);
    /// <summary>Whether the bill counted anything (without making the empty map most bills would otherwise carry).</summary>
    public bool HasCounts => _counted is { Count: > 0 };
    private Dictionary<string, decimal>? _counted;
    public List<TraceStep> Trace { get; }
}

public sealed class PersonYearResult
{
    public required string Id { get; init; }
    public required int Year { get; init; }
    public decimal Assistance { get; set; }
    public decimal Tilted { get; set; }
    public decimal SpecialAssistance { get; set; }
    public decimal CapRelief { get; set; }
    public decimal PersonalBurden { get; set; }
    public List<TraceStep> Trace { get; } = [];
}

public sealed class HouseholdYearResult
{
    public required string Id { get; init; }
    public required int Year { get; init; }
    public decimal ReasonableBurden { get; set; }
    public decimal CapRelief { get; set; }
    public List<TraceStep> Trace { get; } = [];
}

public sealed class CaseResult
{
    public List<BillResult> Bills { get; } = [];
    public List<PersonYearResult> Persons { get; } = [];
    public List<HouseholdYearResult> Households { get; } = [];
}
