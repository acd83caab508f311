using Doudi.Engine.Settlement;

namespace Doudi.Cases;

/// <summary>What a reader made of its input: the value when there was no problem, otherwise every problem found.</summary>
public sealed record ReadResult<T>(T? Value, IReadOnlyList<SettlementProblem> Problems) where T : class
{
    public bool Ok => Value is not null && Problems.Count == 0;

    /// <summary>The value, or a <see cref="SettlementException"/> carrying the problems.</summary>
    public T ValueOrThrow() => Ok ? Value! : throw new SettlementException(Problems);
}
