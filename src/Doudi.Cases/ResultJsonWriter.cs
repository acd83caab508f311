using System.Runtime.CompilerServices;
using System.Text.Json;
using Doudi.Engine.Results;
using Doudi.Engine.Tracing;

namespace Doudi.Cases;

/// <summary>How much of the trace a result carries (<c>doudi settle --trace</c>).</summary>
public enum TraceMode
{
    /// <summary>Every step in full: step, amount, rule, detail, interpretation, clause, formula, inputs (the contract of issue 2, extended).</summary>
    Full,
    /// <summary>Each distinct clause/formula/text once in a <c>citations</c> table; steps by reference with their amount and inputs.</summary>
    Compact,
    /// <summary>Amounts only, no trace.</summary>
    None,
}

public sealed record ResultWriterOptions
{
    public TraceMode Trace { get; init; } = TraceMode.Full;
    public bool Indented { get; init; }
}

/// <summary>
/// Writes a result JSON piece by piece (bills, then person-years, then household-years), so a caller can stream
/// results as they are settled. <see cref="End"/> closes the arrays and writes the tables a reader needs: the
/// formula vocabulary, and in compact mode the citations the steps refer to.
/// </summary>
public sealed class ResultJsonWriter : IDisposable
{
    private readonly Utf8JsonWriter _w;
    private readonly TraceWriter _trace;
    private int _section; // 0 nothing, 1 bills, 2 persons, 3 households, 4 ended

    public ResultJsonWriter(Stream output, ResultWriterOptions options)
    {
        _w = new Utf8JsonWriter(output, ResultWriter.WriterOptions(options.Indented));
        _trace = new TraceWriter(options.Trace);
        _w.WriteStartObject();
    }

    public void Bill(BillResult bill)
    {
        Section(1, ResultWriter.Names.Bills);
        ResultWriter.WriteBill(_w, bill, _trace);
        FlushSometimes();
    }

    public void Person(PersonYearResult person)
    {
        Section(2, ResultWriter.Names.Persons);
        ResultWriter.WritePerson(_w, person, _trace);
        FlushSometimes();
    }

    public void Household(HouseholdYearResult household)
    {
        Section(3, ResultWriter.Names.Households);
        ResultWriter.WriteHousehold(_w, household, _trace);
        FlushSometimes();
    }

    /// <summary>Closes the result: empty arrays for sections not written, the formulas, the citations (compact).</summary>
    public void End()
    {
        Section(4, default);
        if (_trace.Mode != TraceMode.None) ResultWriter.WriteFormulas(_w);
        if (_trace.Mode == TraceMode.Compact) _trace.WriteCitations(_w);
        _w.WriteEndObject();
        _w.Flush();
    }

    private void Section(int section, JsonEncodedText name)
    {
        if (section < _section) throw new InvalidOperationException("results are written bills, then persons, then households");
        while (_section < section)
        {
            if (_section >= 1) _w.WriteEndArray();
            _section++;
            if (_section < 4)
                _w.WriteStartArray(_section switch { 1 => ResultWriter.Names.Bills, 2 => ResultWriter.Names.Persons, _ => ResultWriter.Names.Households });
        }
    }

    // A million bills must not pile up in the writer's buffer.
    private void FlushSometimes()
    {
        if (_w.BytesPending > 1 << 16) _w.Flush();
    }

    public void Dispose() => _w.Dispose();
}

/// <summary>
/// The trace in compact or no form. Compact: a step is <c>{"ref": n, "amount": …, "inputs": {…}}</c> (and its basis),
/// where n indexes the <c>citations</c> table written at the end; each entry holds what steps share: the step name,
/// rule, interpretation, clause, formula and the detail's template (placeholders as in <see cref="TraceStep"/>).
/// </summary>
internal sealed class TraceWriter(TraceMode mode)
{
    public TraceMode Mode { get; } = mode;
    private readonly Dictionary<Key, int> _refs = new(KeyComparer.Instance);
    private readonly List<TraceStep> _firsts = [];

    private readonly record struct Key(string Step, string Rule, string? Interpretation, object? Clause, object? Formula, string Template);

    /// <summary>By reference: the engine hands out the same few instances of each text, clause and formula.</summary>
    private sealed class KeyComparer : IEqualityComparer<Key>
    {
        public static readonly KeyComparer Instance = new();
        public bool Equals(Key x, Key y) =>
            ReferenceEquals(x.Step, y.Step) && ReferenceEquals(x.Rule, y.Rule) && ReferenceEquals(x.Interpretation, y.Interpretation)
            && ReferenceEquals(x.Clause, y.Clause) && ReferenceEquals(x.Formula, y.Formula) && ReferenceEquals(x.Template, y.Template);
        public int GetHashCode(Key k) => HashCode.Combine(RuntimeHelpers.GetHashCode(k.Step), RuntimeHelpers.GetHashCode(k.Rule),
            RuntimeHelpers.GetHashCode(k.Clause), RuntimeHelpers.GetHashCode(k.Formula), RuntimeHelpers.GetHashCode(k.Template));
    }

    public void Write(Utf8JsonWriter w, List<TraceStep> trace)
    {
        if (Mode == TraceMode.None) return;
        var texts = ResultWriter.Texts.For(w);
        w.WriteStartArray(ResultWriter.Names.Trace);
        foreach (var step in trace)
        {
            var key = new Key(step.Step, step.Rule, step.Interpretation, step.Clause, step.Formula, step.Template);
            if (!_refs.TryGetValue(key, out int n))
            {
                n = _firsts.Count;
                _refs.Add(key, n);
                _firsts.Add(step);
            }
            w.WriteStartObject();
            w.WriteNumber(ResultWriter.Names.Ref, n);
            ResultWriter.Amount(w, ResultWriter.Names.Amount, step.Amount);
            ResultWriter.WriteStructure(w, step, texts, full: false);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    public void WriteCitations(Utf8JsonWriter w)
    {
        var texts = ResultWriter.Texts.For(w);
        w.WriteStartArray(ResultWriter.Names.Citations);
        foreach (var step in _firsts)
        {
            w.WriteStartObject();
            ResultWriter.Text(w, ResultWriter.Names.Step, texts, step.Step);
            ResultWriter.Text(w, ResultWriter.Names.Rule, texts, step.Rule);
            if (step.Interpretation is null) w.WriteNull(ResultWriter.Names.Interpretation);
            else ResultWriter.Text(w, ResultWriter.Names.Interpretation, texts, step.Interpretation);
            ResultWriter.WriteClause(w, step.Clause, texts);
            if (step.Formula is { } f) w.WriteString(ResultWriter.Names.Formula, f.Name);
            else w.WriteNull(ResultWriter.Names.Formula);
            // An unstructured step's text is its own: it has no inputs to render it from.
            w.WriteString(ResultWriter.Names.Template, step.Formula is null ? step.Detail : step.Template);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
