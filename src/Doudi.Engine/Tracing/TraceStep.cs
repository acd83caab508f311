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

    /// <summary>The detail as recorded: a template with {0}..{4} for the numbers, or the plain text.</summary>
    public string Template => _template;

    public string Step { get; }
    public decimal Amount { get; }
    public string Rule { get; }
    public string? Interpretation { get; }

    public string Detail => _detail ??= string.Format(CultureInfo.InvariantCulture, _template,
        Show(_a), Show(_b), Show(_c), Show(_d), Show(_e));

    /// <summary>
    /// Writes <see cref="Detail"/> into <paramref name="destination"/> without making or keeping a string (a writer
    /// streams a million bills' steps). False when it does not fit, or when the template is not plain {0}..{4}
    /// placeholders; the caller then uses <see cref="Detail"/>.
    /// </summary>
    public bool TryFormatDetail(Span<char> destination, out int written)
    {
        written = 0;
        if (_detail is not null)
        {
            if (!_detail.AsSpan().TryCopyTo(destination)) return false;
            written = _detail.Length;
            return true;
        }
        var t = _template.AsSpan();
        int at = 0;
        while (true)
        {
            int brace = t.IndexOfAny('{', '}');
            var literal = brace < 0 ? t : t[..brace];
            if (!literal.TryCopyTo(destination[at..])) return false;
            at += literal.Length;
            if (brace < 0) break;
            if (brace + 1 < t.Length && t[brace + 1] == t[brace])
            {
                // {{ and }} are a literal brace
                if (at >= destination.Length) return false;
                destination[at++] = t[brace];
                t = t[(brace + 2)..];
                continue;
            }
            // Only {0}..{4}: anything else (alignment, format strings, a stray brace) is left to string.Format.
            if (t[brace] != '{' || brace + 2 >= t.Length || t[brace + 2] != '}' || t[brace + 1] is < '0' or > '4') return false;
            decimal value = (t[brace + 1] - '0') switch { 0 => _a, 1 => _b, 2 => _c, 3 => _d, _ => _e };
            if (!DecimalText.TryFormat(value, destination[at..], out int n)) return false;
            at += n;
            t = t[(brace + 3)..];
        }
        written = at;
        return true;
    }

    /// <summary>
    /// As <see cref="TryFormatDetail(Span{char}, out int)"/>, in UTF-8: the template's text is encoded once per
    /// template (not per step), the numbers are written as UTF-8 directly.
    /// </summary>
    public bool TryFormatDetail(Span<byte> destination, out int written)
    {
        written = 0;
        if (_detail is not null)
            return System.Text.Encoding.UTF8.TryGetBytes(_detail, destination, out written);
        var t = Utf8Templates.GetValue(_template, static text =>
        {
            try { return new Utf8Text(StrictUtf8.GetBytes(text)); }
            catch (System.Text.EncoderFallbackException) { return new Utf8Text(null); } // not valid UTF-16: leave it to Detail
        }).Bytes.AsSpan();
        if (t.IsEmpty && _template.Length > 0) return false;
        int at = 0;
        while (true)
        {
            int brace = t.IndexOfAny((byte)'{', (byte)'}');
            var literal = brace < 0 ? t : t[..brace];
            if (!literal.TryCopyTo(destination[at..])) return false;
            at += literal.Length;
            if (brace < 0) break;
            if (brace + 1 < t.Length && t[brace + 1] == t[brace])
            {
                if (at >= destination.Length) return false;
                destination[at++] = t[brace];
                t = t[(brace + 2)..];
                continue;
            }
            if (t[brace] != '{' || brace + 2 >= t.Length || t[brace + 2] != '}' || t[brace + 1] is < (byte)'0' or > (byte)'4') return false;
            decimal value = (t[brace + 1] - '0') switch { 0 => _a, 1 => _b, 2 => _c, 3 => _d, _ => _e };
            if (!DecimalText.TryFormat(value, destination[at..], out int n)) return false;
            at += n;
            t = t[(brace + 3)..];
        }
        written = at;
        return true;
    }

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    // Keyed by the template string itself (weakly): the engine's templates are a few shared strings.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<string, Utf8Text> Utf8Templates = new();
    private sealed record Utf8Text(byte[]? Bytes);

    /// <summary>A number as an auditor writes it: no trailing zeros, no exponent.</summary>
    public static string Show(decimal value) => (value / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);

    public override string ToString() => $"{Step} {Show(Amount)} [{Rule}] {Detail}";
}
