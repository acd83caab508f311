namespace Doudi.Engine.Settlement;

/// <summary>A problem with the input or with the policy a bill needs, named by its JSON path (e.g. <c>bills[3].date</c>).</summary>
public sealed record SettlementProblem(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>Thrown when a case cannot be settled; carries every problem found. Nothing partial is returned.</summary>
public sealed class SettlementException(IReadOnlyList<SettlementProblem> problems)
    : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<SettlementProblem> Problems { get; } = problems;
}
