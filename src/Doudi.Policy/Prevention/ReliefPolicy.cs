namespace Doudi.Policy.Prevention;

/// <summary>
/// One year-end job of a region: what it does (<see cref="Kind"/>), the code it is published under in run keys,
/// payment ids and report names, the fund it pays from, and the clause it implements. A household-cap job may name the
/// procedure its payments go through (<see cref="Reduction"/>: tiered reduction by the departments before the charity
/// pays); a region whose file names none has no reduction cases.
/// </summary>
public sealed record ReliefJob(RunKind Kind, string Code, Fund Fund, string Cite, string Text)
{
    public CitedText? Reduction { get; init; }
}

/// <summary>A clause of a prevention definition file: its citation and the text it quotes.</summary>
public sealed record CitedText(string Cite, string Text);

/// <summary>A region's year-end relief (policies/relief/*.yaml): the jobs a year-end run makes, in order.</summary>
public sealed record ReliefPolicy(string Id, string Region, string Document, DateOnly From, DateOnly To, string Cite, IReadOnlyList<ReliefJob> Jobs)
{
    public string File { get; init; } = "";
}
