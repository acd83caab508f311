using System.Globalization;
using System.Text;
using Doudi.Policy.Parameters;

namespace Doudi.Engine.Tracing;

/// <summary>
/// One explained amount: which step produced it, the clause it applies (policy id + clause, <see cref="Clause"/>), the
/// formula (<see cref="Formula"/>) and its inputs as named numbers, and the interpretation relied on (I-n). The text a
/// reader sees (<see cref="Rule"/>, <see cref="Detail"/>) is rendered from that data. The trace is part of the result,
/// not a debug log: <c>doudi verify</c> recomputes every step from its inputs.
/// </summary>
/// <remarks>
/// Cheap by design (the engine settles over a million bills a second): a step holds references to shared objects (the
/// clause, the formula, the template) and up to six input values inline; the detail text is rendered only when written.
/// A step never changes once made, so steps that carry no amount of the bill are made once per period and shared.
/// <para>
/// Template placeholders: <c>{0}</c>…<c>{5}</c> an input as an auditor writes it; <c>{0%}</c> an input ratio as a
/// percentage (0.8 → 80); <c>{0:d}</c> a date input (yyyymmdd, see <see cref="TraceDates"/>) as yyyy-MM-dd; <c>{=}</c> the
/// step's amount; <c>{{</c> and <c>}}</c> a brace.
/// </para>
/// </remarks>
public sealed class TraceStep
{
    private readonly string _template;
    private readonly decimal _a, _b, _c, _d, _e, _f;
    // Plain text given as is (a step read back from stored JSON, or made before steps carried formulas).
    private readonly string? _text;

    /// <summary>A structured step citing a clause of a policy file.</summary>
    /// <param name="interpretation">the I-n relied on; often the clause's own (<c>clause.Interpretation</c>), sometimes a general one (I-3 for a limit)</param>
    /// <param name="template">the reader's text, with placeholders for the inputs (see remarks)</param>
    /// <param name="a">the inputs, in the order of <paramref name="formula"/>'s <see cref="TraceFormula.Inputs"/></param>
    public TraceStep(string step, decimal amount, Citation clause, string? interpretation, TraceFormula formula, string template,
        decimal a = 0, decimal b = 0, decimal c = 0, decimal d = 0, decimal e = 0, decimal f = 0)
        : this(step, amount, clause.Rule, interpretation, formula, template, a, b, c, d, e, f) => Clause = clause;

    /// <summary>
    /// A structured step applying <paramref name="clause"/> together with others that its <paramref name="rule"/> names
    /// (the identity step: the objects article and the timing article, e.g. 第五条；第二十三条).
    /// </summary>
    public TraceStep(string step, decimal amount, Citation clause, string rule, string? interpretation, TraceFormula formula, string template,
        decimal a = 0, decimal b = 0, decimal c = 0, decimal d = 0, decimal e = 0, decimal f = 0)
        : this(step, amount, rule, interpretation, formula, template, a, b, c, d, e, f) => Clause = clause;

    /// <summary>A structured step whose rule is not (yet) a clause of a policy file (an upstream settlement, a document as a whole).</summary>
    public TraceStep(string step, decimal amount, string rule, string? interpretation, TraceFormula formula, string template,
        decimal a = 0, decimal b = 0, decimal c = 0, decimal d = 0, decimal e = 0, decimal f = 0)
    {
        Step = step; Amount = amount; Rule = rule; Interpretation = interpretation; Formula = formula;
        _template = template; _a = a; _b = b; _c = c; _d = d; _e = e; _f = f;
    }

    /// <summary>
    /// A structured step read back from a result (a stored settlement, an API answer): its clause, formula and inputs as
    /// written, its detail as the text it was rendered to. Written again, it reads as it did.
    /// </summary>
    /// <param name="inputs">the values in the order of <paramref name="formula"/>'s inputs</param>
    public TraceStep(string step, decimal amount, string rule, string detail, string? interpretation, Citation? clause, TraceFormula formula,
        ReadOnlySpan<decimal> inputs)
    {
        if (inputs.Length != formula.Inputs.Count) throw new ArgumentException($"formula {formula.Name} takes {formula.Inputs.Count} inputs, not {inputs.Length}", nameof(inputs));
        Step = step; Amount = amount; Rule = rule; Interpretation = interpretation; Clause = clause; Formula = formula;
        _template = detail; _text = detail;
        Span<decimal> all = stackalloc decimal[TraceFormula.MaxInputs];
        inputs.CopyTo(all);
        (_a, _b, _c, _d, _e, _f) = (all[0], all[1], all[2], all[3], all[4], all[5]);
    }

    /// <summary>An unstructured step: its detail is plain text (read back from stored results). <c>verify</c> refuses it.</summary>
    public TraceStep(string step, decimal amount, string rule, string detail, string? interpretation = null)
    {
        Step = step; Amount = amount; Rule = rule; Interpretation = interpretation;
        _template = detail; _text = detail;
    }

    /// <summary>An unstructured step whose detail is <paramref name="template"/> with {0}..{4} filled by the numbers. <c>verify</c> refuses it.</summary>
    public TraceStep(string step, decimal amount, string rule, string? interpretation, string template,
        decimal a, decimal b = 0, decimal c = 0, decimal d = 0, decimal e = 0)
    {
        Step = step; Amount = amount; Rule = rule; Interpretation = interpretation;
        _template = template; _a = a; _b = b; _c = c; _d = d; _e = e;
    }

    public string Step { get; }
    public decimal Amount { get; }
    /// <summary>The citation as a reader sees it (document number and article).</summary>
    public string Rule { get; }
    public string? Interpretation { get; }

    /// <summary>The clause of a policy file the step applies, or null when the rule is not a clause (see the constructors).</summary>
    public Citation? Clause { get; }

    /// <summary>How <see cref="Amount"/> follows from the inputs; null for an unstructured step.</summary>
    public TraceFormula? Formula { get; }

    /// <summary>For a year-end step: the bills or person-years it adds up, counted and left out.</summary>
    public TraceBasis? Basis { get; init; }

    /// <summary>The detail as recorded: a template with placeholders for the inputs, or the plain text.</summary>
    public string Template => _template;

    /// <summary>How many inputs the step carries (its formula's).</summary>
    public int InputCount => Formula?.Inputs.Count ?? 0;

    /// <summary>The name of input <paramref name="i"/>.</summary>
    public string InputName(int i) => Formula!.Inputs[i];

    /// <summary>The value of input <paramref name="i"/> (also the numbers of an unstructured template step).</summary>
    public decimal Input(int i) => i switch { 0 => _a, 1 => _b, 2 => _c, 3 => _d, 4 => _e, 5 => _f, _ => throw new ArgumentOutOfRangeException(nameof(i)) };

    /// <summary>Copies the inputs into <paramref name="into"/> (at least <see cref="TraceFormula.MaxInputs"/> long).</summary>
    public void CopyInputs(Span<decimal> into)
    {
        into[0] = _a; into[1] = _b; into[2] = _c; into[3] = _d; into[4] = _e; into[5] = _f;
    }

    /// <summary>The number of {n} placeholders a template may use: six for a structured step, five for the old form.</summary>
    private int Slots => Formula is null ? 5 : TraceFormula.MaxInputs;

    public string Detail
    {
        get
        {
            if (_text is not null) return _text;
            Span<char> stack = stackalloc char[1024];
            if (TryFormatDetail(stack, out int n)) return stack[..n].ToString();
            if (Formula is not null)
            {
                // A long text: a bigger buffer (a structured template has only our placeholders; the engine's tests render every one).
                for (int size = 4096; size <= 1 << 20; size *= 4)
                {
                    var heap = new char[size];
                    if (TryFormatDetail(heap, out n)) return new string(heap, 0, n);
                }
                throw new FormatException($"trace template of step {Step} does not render: {_template}");
            }
            // The old form: composite formatting (alignment, format strings), as before.
            return string.Format(CultureInfo.InvariantCulture, _template, Show(_a), Show(_b), Show(_c), Show(_d), Show(_e));
        }
    }

    /// <summary>
    /// Writes <see cref="Detail"/> into <paramref name="destination"/> without making or keeping a string (a writer
    /// streams a million bills' steps). False when it does not fit, or when the template has a placeholder other than
    /// those of the remarks; the caller then uses <see cref="Detail"/>.
    /// </summary>
    public bool TryFormatDetail(Span<char> destination, out int written)
    {
        written = 0;
        if (_text is not null)
        {
            if (!_text.AsSpan().TryCopyTo(destination)) return false;
            written = _text.Length;
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
            if (!Placeholder(t[brace..], out decimal value, out int length, out bool date)) return false;
            int n;
            if (date ? !TraceDates.TryFormat(value, destination[at..], out n) : !DecimalText.TryFormat(value, destination[at..], out n)) return false;
            at += n;
            t = t[(brace + length)..];
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
        if (_text is not null)
            return Encoding.UTF8.TryGetBytes(_text, destination, out written);
        var utf8 = Utf8Templates.GetValue(_template, static text =>
        {
            try { return new Utf8Text(StrictUtf8.GetBytes(text)); }
            catch (EncoderFallbackException) { return new Utf8Text(null); } // not valid UTF-16: leave it to Detail
        }).Bytes;
        if (utf8 is null) return false;
        var t = utf8.AsSpan();
        int at = 0;
        Span<char> placeholder = stackalloc char[5];
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
            // Placeholders are ASCII: widen at most four bytes to parse them with the UTF-16 parser.
            int take = Math.Min(placeholder.Length, t.Length - brace);
            for (int i = 0; i < take; i++) placeholder[i] = (char)t[brace + i];
            if (!Placeholder(placeholder[..take], out decimal value, out int length, out bool date)) return false;
            int n;
            if (date ? !TraceDates.TryFormat(value, destination[at..], out n) : !DecimalText.TryFormat(value, destination[at..], out n)) return false;
            at += n;
            t = t[(brace + length)..];
        }
        written = at;
        return true;
    }

    /// <summary>Reads <c>{n}</c>, <c>{n%}</c>, <c>{n:d}</c> or <c>{=}</c> at the start of <paramref name="t"/>.</summary>
    private bool Placeholder(ReadOnlySpan<char> t, out decimal value, out int length, out bool date)
    {
        value = 0m; length = 0; date = false;
        if (t.Length < 3 || t[0] != '{') return false;
        if (t[1] == '=' && Formula is not null)
        {
            if (t[2] != '}') return false;
            value = Amount; length = 3;
            return true;
        }
        int index = t[1] - '0';
        if (index < 0 || index >= Slots) return false;
        if (t[2] == '}') { value = Input(index); length = 3; return true; }
        if (t[2] == '%' && Formula is not null && t.Length >= 4 && t[3] == '}') { value = Input(index) * 100m; length = 4; return true; }
        if (t[2] == ':' && Formula is not null && t.Length >= 5 && t[3] == 'd' && t[4] == '}') { value = Input(index); length = 5; date = true; return true; }
        return false;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    // Keyed by the template string itself (weakly): the engine's templates are a few shared strings.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<string, Utf8Text> Utf8Templates = new();
    private sealed record Utf8Text(byte[]? Bytes);

    /// <summary>A number as an auditor writes it: no trailing zeros, no exponent.</summary>
    public static string Show(decimal value) => (value / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);

    public override string ToString() => $"{Step} {Show(Amount)} [{Rule}] {Detail}";
}
