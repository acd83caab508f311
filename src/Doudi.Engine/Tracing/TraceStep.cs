namespace Doudi.Engine.Tracing;

/// <summary>
/// One explained amount: which step produced it, the rule (document number + article), the arithmetic
/// with its inputs, and the interpretation relied on (I-n of POLICIES.md, or a policy file's own D-n).
/// The trace is part of the result, not a debug log.
/// </summary>
public sealed record TraceStep(string Step, decimal Amount, string Rule, string Detail, string? Interpretation = null);
