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

/// <summary>The shape of a result file (<c>doudi settle --format</c>).</summary>
public enum ResultFormat
{
    /// <summary>One JSON document: bills, persons, households (and the formulas and citations tables).</summary>
    Json,
    /// <summary>One JSON object per line, each with its <c>record</c> kind: bill, person, household, then formulas and citations.</summary>
    Jsonl,
    /// <summary>One row per bill with its amounts, UTF-8 with a byte-order mark so that Excel on a Chinese Windows opens it as UTF-8.</summary>
    Csv,
}

public sealed record ResultWriterOptions
{
    public TraceMode Trace { get; init; } = TraceMode.Full;
    public bool Indented { get; init; }
    public ResultFormat Format { get; init; } = ResultFormat.Json;
}

/// <summary>A result written piece by piece: bills, then person-years, then household-years, then <see cref="End"/>.</summary>
public abstract class ResultOutput : IDisposable
{
    public abstract void Bill(BillResult bill);
    public abstract void Person(PersonYearResult person);
    public abstract void Household(HouseholdYearResult household);
    public abstract void End();
    public abstract void Dispose();

    public static ResultOutput Create(Stream output, ResultWriterOptions options) => options.Format switch
    {
        ResultFormat.Jsonl => new ResultJsonlWriter(output, options),
        ResultFormat.Csv => new ResultCsvWriter(output),
        _ => new ResultJsonWriter(output, options),
    };
}

/// <summary>
/// Writes a result JSON piece by piece (bills, then person-years, then household-years), so a caller can stream
/// results as they are settled. <see cref="End"/> closes the arrays and writes the tables a reader needs: the
/// formula vocabulary, and in compact mode the citations the steps refer to.
/// </summary>
public sealed class ResultJsonWriter : ResultOutput
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

    public override void Bill(BillResult bill)
    {
        Section(1, ResultWriter.Names.Bills);
        ResultWriter.WriteBill(_w, bill, _trace);
        FlushSometimes();
    }

    public override void Person(PersonYearResult person)
    {
        Section(2, ResultWriter.Names.Persons);
        ResultWriter.WritePerson(_w, person, _trace);
        FlushSometimes();
    }

    public override void Household(HouseholdYearResult household)
    {
        Section(3, ResultWriter.Names.Households);
        ResultWriter.WriteHousehold(_w, household, _trace);
        FlushSometimes();
    }

    /// <summary>Closes the result: empty arrays for sections not written, the formulas, the citations (compact).</summary>
    public override void End()
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

    public override void Dispose() => _w.Dispose();
}

/// <summary>
/// The trace in compact or no form. Compact: a step is <c>{"ref": n, "amount": …, "inputs": [values…]}</c> (and its
/// basis), where n indexes the <c>citations</c> table written at the end; each entry holds what steps share: the step
/// name, rule, interpretation, clause, formula and its input names (the order of the values), and the detail's template (placeholders as in <see cref="TraceStep"/>). A
/// step whose text is its own (a year-end step naming a bill) carries its <c>detail</c> beside the reference, so the
/// table stays as small as the policy's clauses, not as large as the case.
/// </summary>
internal sealed class TraceWriter(TraceMode mode)
{
    public TraceMode Mode { get; } = mode;
    private readonly Dictionary<Key, int> _refs = new(KeyComparer.Instance);
    private readonly List<TraceStep> _firsts = [];

    private readonly record struct Key(string Step, string Rule, string? Interpretation, object? Clause, object? Formula);

    /// <summary>By reference: the engine hands out the same few instances of each text, clause and formula.</summary>
    private sealed class KeyComparer : IEqualityComparer<Key>
    {
        public static readonly KeyComparer Instance = new();
        public bool Equals(Key x, Key y) =>
            ReferenceEquals(x.Step, y.Step) && ReferenceEquals(x.Rule, y.Rule) && ReferenceEquals(x.Interpretation, y.Interpretation)
            && ReferenceEquals(x.Clause, y.Clause) && ReferenceEquals(x.Formula, y.Formula);
        public int GetHashCode(Key k) => HashCode.Combine(RuntimeHelpers.GetHashCode(k.Step), RuntimeHelpers.GetHashCode(k.Rule),
            RuntimeHelpers.GetHashCode(k.Clause), RuntimeHelpers.GetHashCode(k.Formula));
    }

    public void Write(Utf8JsonWriter w, List<TraceStep> trace)
    {
        if (Mode == TraceMode.None) return;
        var texts = ResultWriter.Texts.For(w);
        w.WriteStartArray(ResultWriter.Names.Trace);
        foreach (var step in trace)
        {
            var key = new Key(step.Step, step.Rule, step.Interpretation, step.Clause, step.Formula);
            if (!_refs.TryGetValue(key, out int n))
            {
                n = _firsts.Count;
                _refs.Add(key, n);
                _firsts.Add(step);
            }
            w.WriteStartObject();
            w.WriteNumber(ResultWriter.Names.Ref, n);
            ResultWriter.Amount(w, ResultWriter.Names.Amount, step.Amount);
            if (!ReferenceEquals(step.Template, _firsts[n].Template)) ResultWriter.WriteDetail(w, step, texts);
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
            if (step.Formula is { } f)
            {
                w.WriteString(ResultWriter.Names.Formula, f.Name);
                w.WriteStartArray(ResultWriter.Names.Inputs);
                foreach (var input in f.Inputs) w.WriteStringValue(input);
                w.WriteEndArray();
            }
            else w.WriteNull(ResultWriter.Names.Formula);
            // An unstructured step's text is its own: it has no inputs to render it from.
            w.WriteString(ResultWriter.Names.Template, step.Formula is null ? step.Detail : step.Template);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
