using System.Globalization;

namespace Doudi.Engine.Tracing;

/// <summary>
/// One explained amount: which step produced it, the rule (document number + article), the arithmetic
/// with its inputs, and the interpretation relied on (I-n of POLICIES.md). The trace is part of the
/// result, not a debug log.
/// </summary>
/// <remarks>
/// The detail text is rendered only when read: the engine records the template and the numbers, so settling
/// a million bills does not format a million strings that nobody prints.
/// </remarks>
public sealed class TraceStep
{
    private readonly string _template;
    private readonly decimal _a, _b, _c, _d, _e;
    private string? _detail;

    public TraceStep(string step, decimal amount, string rule, string detail, string? interpretation = null)
    {
        Step = step; Amount = amount; Rule = rule; Interpretation = interpretation;
        _template = detail; _detail = detail;
    }

    /// <summary>A step whose detail is <paramref name="template"/> with {0}..{4} filled by the numbers, on demand.</summary>
    public TraceStep(string step, decimal amount, string rule, string? interpretation, string template,
        decimal a, decimal b = 0, decimal c = 0, decimal d = 0, decimal e = 0)
    {
        Step = step; Amount = amount; Rule = rule; Interpretation = interpretation;
        _template = template; _a = a; _b = b; _c = c; _d = d; _e = e;
    }

    public string Step { get; }
    public decimal Amount { get; }
    public string Rule { get; }
    public string? Interpretation { get; }

    public string Detail => _detail ??= string.Format(CultureInfo.InvariantCulture, _template,
        Show(_a), Show(_b), Show(_c), Show(_d), Show(_e));

    /// <summary>A number as an auditor writes it: no trailing zeros, no exponent.</summary>
    public static string Show(decimal value) => (value / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);

    public override string ToString() => $"{Step} {Show(Amount)} [{Rule}] {Detail}";
}
