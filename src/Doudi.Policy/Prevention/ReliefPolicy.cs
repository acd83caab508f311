using Doudi.Policy.Vocabulary;

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

    /// <summary>Who the reduction asks, in order, and how long each has to answer (set whenever <see cref="Reduction"/> is).</summary>
    public ReductionSteps? ReductionSteps { get; init; }
}

/// <summary>
/// The steps of a tiered-reduction procedure (policies/relief/, <c>reduction.departments</c> and
/// <c>reduction.answer_within</c>): the departments asked in turn, in the order the clause names them, and the working
/// days a department has to answer "not eligible / already granted" (<see cref="ShortDays"/>) or "will grant"
/// (<see cref="LongDays"/>), with the clause that sets them.
/// </summary>
public sealed record ReductionSteps(IReadOnlyList<Department> Departments, int ShortDays, int LongDays, CitedText Deadlines);

/// <summary>A clause of a prevention definition file: its citation and the text it quotes.</summary>
public sealed record CitedText(string Cite, string Text);

/// <summary>A region's year-end relief (policies/relief/*.yaml): the jobs a year-end run makes, in order.</summary>
public sealed record ReliefPolicy(string Id, string Region, string Document, DateOnly From, DateOnly To, string Cite, IReadOnlyList<ReliefJob> Jobs)
{
    public string File { get; init; } = "";
}
