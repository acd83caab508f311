using System.Text.Encodings.Web;
using System.Text.Json;
using Doudi.Engine.Results;
using Doudi.Engine.Settlement;
using Doudi.Engine.Tracing;
using Doudi.Policy.Vocabulary;

namespace Doudi.Cases;

/// <summary>
/// Writes a <see cref="CaseResult"/> as the result JSON of <c>doudi settle</c> (issue 2): camelCase names,
/// amounts as numbers with at most two decimals, categories as glossary codes, Chinese text as is.
/// </summary>
public static class ResultWriter
{
    // Relaxed escaping keeps 富政办〔2022〕21号 readable in the file; the output is data, never embedded in HTML.
    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
    private static readonly JsonWriterOptions Indented = Compact with { Indented = true };

    /// <summary>
    /// Amounts the writer cannot write faithfully (more than two decimals: the engine rounds every tier to the fen, I-4).
    /// Check before writing so that nothing partial is ever written; the writer itself would throw.
    /// </summary>
    public static IReadOnlyList<SettlementProblem> Check(CaseResult result)
    {
        var problems = new List<SettlementProblem>();
        void Amount(string path, decimal value)
        {
            if (!AmountText.HasAtMostTwoDecimals(value))
                problems.Add(new SettlementProblem(path, $"结果金额 {value} 超过两位小数 (result amount has more than two decimals)"));
        }
        void Trace(string path, List<TraceStep> trace)
        {
            for (int i = 0; i < trace.Count; i++) Amount($"{path}.trace[{i}].amount", trace[i].Amount);
        }
        // Paths are made only for a bill that has a bad amount: a million good bills cost no strings.
        for (int i = 0; i < result.Bills.Count; i++)
        {
            var b = result.Bills[i];
            if (Fine(b)) continue;
            string p = $"bills[{i}]";
            Amount(p + ".assistanceBase", b.AssistanceBase);
            Amount(p + ".criticalIllness", b.CriticalIllness);
            Amount(p + ".assistance", b.Assistance);
            Amount(p + ".tilted", b.Tilted);
            Amount(p + ".supplementary", b.Supplementary);
            Amount(p + ".personalBurden", b.PersonalBurden);
            Amount(p + ".reasonableBurden", b.ReasonableBurden);
            if (b.HasCounts)
                foreach (var (bucket, amount) in b.Counted) Amount($"{p}.counted.{bucket}", amount);
            Trace(p, b.Trace);
        }
        for (int i = 0; i < result.Persons.Count; i++)
        {
            var r = result.Persons[i];
            if (Fine(r.Assistance, r.Tilted, r.SpecialAssistance, r.CapRelief, r.PersonalBurden) && Fine(r.Trace)) continue;
            string p = $"persons[{i}]";
            Amount(p + ".assistance", r.Assistance);
            Amount(p + ".tilted", r.Tilted);
            Amount(p + ".specialAssistance", r.SpecialAssistance);
            Amount(p + ".capRelief", r.CapRelief);
            Amount(p + ".personalBurden", r.PersonalBurden);
            Trace(p, r.Trace);
        }
        for (int i = 0; i < result.Households.Count; i++)
        {
            var h = result.Households[i];
            if (Fine(h.ReasonableBurden, h.CapRelief, 0m, 0m, 0m) && Fine(h.Trace)) continue;
            string p = $"households[{i}]";
            Amount(p + ".reasonableBurden", h.ReasonableBurden);
            Amount(p + ".capRelief", h.CapRelief);
            Trace(p, h.Trace);
        }
        return problems;
    }

    /// <summary>Whether the writer can write every amount of the bill's result (<see cref="Check"/> for one bill, without paths).</summary>
    public static bool Writable(BillResult b) => Fine(b);

    private static bool Fine(BillResult b)
    {
        if (!Fine(b.AssistanceBase, b.CriticalIllness, b.Assistance, b.Tilted, b.Supplementary)) return false;
        if (!Fine(b.PersonalBurden, b.ReasonableBurden, 0m, 0m, 0m)) return false;
        if (b.HasCounts)
            foreach (var amount in b.Counted.Values)
                if (!AmountText.HasAtMostTwoDecimals(amount)) return false;
        return Fine(b.Trace);
    }

    private static bool Fine(decimal a, decimal b, decimal c, decimal d, decimal e) =>
        AmountText.HasAtMostTwoDecimals(a) && AmountText.HasAtMostTwoDecimals(b) && AmountText.HasAtMostTwoDecimals(c)
        && AmountText.HasAtMostTwoDecimals(d) && AmountText.HasAtMostTwoDecimals(e);

    private static bool Fine(List<TraceStep> trace)
    {
        foreach (var step in trace)
            if (!AmountText.HasAtMostTwoDecimals(step.Amount)) return false;
        return true;
    }

    public static void Write(CaseResult result, Stream output, bool indented = false) =>
        Write(result, output, new ResultWriterOptions { Indented = indented });

    public static void Write(CaseResult result, Stream output, ResultWriterOptions options)
    {
        using var writer = ResultOutput.Create(output, options);
        foreach (var bill in result.Bills) writer.Bill(bill);
        foreach (var person in result.Persons) writer.Person(person);
        foreach (var household in result.Households) writer.Household(household);
        writer.End();
    }

    internal static JsonWriterOptions WriterOptions(bool indented) => indented ? Indented : Compact;

    public static void WriteBill(Utf8JsonWriter w, BillResult b) => WriteBill(w, b, null);

    internal static void WriteBill(Utf8JsonWriter w, BillResult b, TraceWriter? trace, JsonEncodedText? recordName = null, JsonEncodedText recordKind = default)
    {
        var texts = Texts.For(w);
        w.WriteStartObject();
        if (recordName is { } rn) w.WriteString(rn, recordKind);
        w.WriteString(Names.Id, b.Id);
        w.WriteString(Names.Person, b.Person);
        Span<byte> date = stackalloc byte[10];
        w.WriteString(Names.Date, FormatDate(b.Date, date));
        Text(w, Names.Policy, texts, b.Policy);
        if (b.Category is { } category) w.WriteString(Names.Category, CategoryCodes[(int)category]);
        else w.WriteNull(Names.Category);
        Amount(w, Names.AssistanceBase, b.AssistanceBase);
        Amount(w, Names.CriticalIllness, b.CriticalIllness);
        Amount(w, Names.Assistance, b.Assistance);
        // I-24: only on a bill that carried assistance paid upstream, beside the amount due (an added field, never renamed).
        if (b.AssistanceUpstream is { } upstream)
        {
            Amount(w, Names.AssistanceDue, b.AssistanceDue ?? b.Assistance);
            Amount(w, Names.AssistanceUpstream, upstream);
            Amount(w, Names.AssistanceDifference, b.AssistanceDifference ?? 0m);
        }
        Amount(w, Names.Tilted, b.Tilted);
        Amount(w, Names.Supplementary, b.Supplementary);
        Amount(w, Names.PersonalBurden, b.PersonalBurden);
        Amount(w, Names.ReasonableBurden, b.ReasonableBurden);
        w.WriteStartObject(Names.Counted);
        if (b.HasCounts)
        {
            foreach (var (bucket, amount) in b.Counted)
            {
                if (texts.Encoded(bucket) is { } name) Amount(w, name, amount);
                else Amount(w, bucket, amount);
            }
        }
        w.WriteEndObject();
        WriteTrace(w, b.Trace, texts, trace);
        w.WriteEndObject();
    }

    public static void WritePerson(Utf8JsonWriter w, PersonYearResult p) => WritePerson(w, p, null);

    internal static void WritePerson(Utf8JsonWriter w, PersonYearResult p, TraceWriter? trace, JsonEncodedText? recordName = null, JsonEncodedText recordKind = default)
    {
        w.WriteStartObject();
        if (recordName is { } rn) w.WriteString(rn, recordKind);
        w.WriteString(Names.Id, p.Id);
        w.WriteNumber(Names.Year, p.Year);
        Amount(w, Names.Assistance, p.Assistance);
        Amount(w, Names.Tilted, p.Tilted);
        Amount(w, Names.SpecialAssistance, p.SpecialAssistance);
        Amount(w, Names.CapRelief, p.CapRelief);
        Amount(w, Names.PersonalBurden, p.PersonalBurden);
        WriteTrace(w, p.Trace, Texts.For(w), trace);
        w.WriteEndObject();
    }

    public static void WriteHousehold(Utf8JsonWriter w, HouseholdYearResult h) => WriteHousehold(w, h, null);

    internal static void WriteHousehold(Utf8JsonWriter w, HouseholdYearResult h, TraceWriter? trace, JsonEncodedText? recordName = null, JsonEncodedText recordKind = default)
    {
        w.WriteStartObject();
        if (recordName is { } rn) w.WriteString(rn, recordKind);
        w.WriteString(Names.Id, h.Id);
        w.WriteNumber(Names.Year, h.Year);
        Amount(w, Names.ReasonableBurden, h.ReasonableBurden);
        Amount(w, Names.CapRelief, h.CapRelief);
        WriteTrace(w, h.Trace, Texts.For(w), trace);
        w.WriteEndObject();
    }

    /// <summary>The trace: in full (null <paramref name="trace"/> or full mode), by reference (compact) or not at all (none).</summary>
    private static void WriteTrace(Utf8JsonWriter w, List<TraceStep> trace, Texts texts, TraceWriter? mode)
    {
        if (mode is not null && mode.Mode != TraceMode.Full)
        {
            mode.Write(w, trace);
            return;
        }
        w.WriteStartArray(Names.Trace);
        foreach (var step in trace) WriteStep(w, step, texts);
        w.WriteEndArray();
    }

    /// <summary>One step in full, as <c>doudi settle --trace full</c> writes it (the server's API answers steps so too).</summary>
    public static void WriteStep(Utf8JsonWriter w, TraceStep step) => WriteStep(w, step, Texts.For(w));

    private static void WriteStep(Utf8JsonWriter w, TraceStep step, Texts texts)
    {
        w.WriteStartObject();
        Text(w, Names.Step, texts, step.Step);
        Amount(w, Names.Amount, step.Amount);
        Text(w, Names.Rule, texts, step.Rule);
        WriteDetail(w, step, texts);
        if (step.Interpretation is null) w.WriteNull(Names.Interpretation);
        else Text(w, Names.Interpretation, texts, step.Interpretation);
        WriteStructure(w, step, texts, full: true);
        w.WriteEndObject();
    }

    internal static void WriteDetail(Utf8JsonWriter w, TraceStep step, Texts texts)
    {
        // The detail is rendered straight into the writer, not kept on the step: a result of a million bills
        // would otherwise hold a million trace texts until the end.
        // A template whose text the writer would not escape is written as UTF-8 as it is, quoted; numbers never need escaping.
        Span<byte> quoted = stackalloc byte[1536];
        if (texts.WritesAsIs(step.Template) && step.TryFormatDetail(quoted[1..^1], out int n))
        {
            quoted[0] = (byte)'"';
            quoted[n + 1] = (byte)'"';
            w.WritePropertyName(Names.Detail);
            w.WriteRawValue(quoted[..(n + 2)], skipInputValidation: true);
            return;
        }
        Span<char> detail = stackalloc char[512];
        if (step.TryFormatDetail(detail, out n)) w.WriteString(Names.Detail, detail[..n]);
        else w.WriteString(Names.Detail, step.Detail);
    }

    /// <summary>
    /// The structured part of a step: the clause (full mode only; compact mode has it in the citations table), the
    /// formula (full only), the inputs by name and what an annual step adds up.
    /// </summary>
    internal static void WriteStructure(Utf8JsonWriter w, TraceStep step, Texts texts, bool full)
    {
        if (full)
        {
            WriteClause(w, step.Clause, texts);
            if (step.Formula is { } f) Text(w, Names.Formula, texts, f.Name);
            else w.WriteNull(Names.Formula);
        }
        if (full)
        {
            w.WriteStartObject(Names.Inputs);
            for (int i = 0; i < step.InputCount; i++)
            {
                var name = step.InputName(i);
                if (texts.Encoded(name) is { } encoded) w.WritePropertyName(encoded);
                else w.WritePropertyName(name);
                Number(w, step.Input(i));
            }
            w.WriteEndObject();
        }
        else
        {
            // Compact: the values in the order of the formula's inputs, whose names the citations entry gives.
            w.WriteStartArray(Names.Inputs);
            for (int i = 0; i < step.InputCount; i++) Number(w, step.Input(i));
            w.WriteEndArray();
        }
        if (step.Basis is { } basis)
        {
            w.WriteStartObject(Names.Basis);
            w.WriteString(Names.Of, basis.Of == TraceBasisOf.Bills ? "bills" : "persons");
            w.WriteString(Names.Field, basis.Field);
            w.WriteString(Names.Total, basis.TotalInput);
            w.WriteStartArray(Names.Entries);
            foreach (var e in basis.Entries)
            {
                w.WriteStartObject();
                w.WriteString(Names.Id, e.Id);
                w.WritePropertyName(Names.Amount);
                Number(w, e.Amount);
                if (e.Reason is not null) w.WriteString(Names.Reason, e.Reason);
                if (e.Detail is not null) w.WriteString(Names.Detail, e.Detail);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
    }

    internal static void WriteClause(Utf8JsonWriter w, Doudi.Policy.Parameters.Citation? clause, Texts texts)
    {
        if (clause is null)
        {
            w.WriteNull(Names.Clause);
            return;
        }
        w.WriteStartObject(Names.Clause);
        Text(w, Names.Policy, texts, clause.PolicyId);
        Text(w, Names.Clause, texts, clause.Article);
        Text(w, Names.Document, texts, clause.Document);
        w.WriteEndObject();
    }

    /// <summary>An input value: exact, no trailing zeros, no exponent (an input may have more than two decimals: a ratio, a share).</summary>
    internal static void Number(Utf8JsonWriter w, decimal value)
    {
        Span<byte> text = stackalloc byte[48];
        DecimalText.TryFormat(value == 0m ? 0m : value, text, out int n);
        w.WriteRawValue(text[..n], skipInputValidation: true);
    }

    /// <summary>Every formula of the vocabulary, so that a reader of the result alone can recompute each step.</summary>
    internal static void WriteFormulas(Utf8JsonWriter w)
    {
        w.WriteStartObject(Names.Formulas);
        foreach (var f in Formulas.ByName.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            w.WriteStartObject(f.Name);
            w.WriteString(Names.Expression, f.Expression);
            if (f.Condition is null) w.WriteNull(Names.Condition);
            else w.WriteString(Names.Condition, f.Condition);
            w.WriteStartArray(Names.Inputs);
            foreach (var input in f.Inputs) w.WriteStringValue(input);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    internal static void Text(Utf8JsonWriter w, JsonEncodedText name, Texts texts, string value)
    {
        if (texts.Encoded(value) is { } encoded) w.WriteString(name, encoded);
        else w.WriteString(name, value);
    }

    /// <summary>Writes a yuan amount as a JSON number: 3200, 3200.5, 0.01 (no trailing zeros, no exponent).</summary>
    public static void Amount(Utf8JsonWriter w, string name, decimal amount)
    {
        Span<byte> text = stackalloc byte[40];
        int written = AmountBytes(name, amount, text);
        w.WritePropertyName(name);
        w.WriteRawValue(text[..written], skipInputValidation: true);
    }

    internal static void Amount(Utf8JsonWriter w, JsonEncodedText name, decimal amount)
    {
        Span<byte> text = stackalloc byte[40];
        int written = AmountBytes(name.Value, amount, text);
        w.WritePropertyName(name);
        // Raw: Utf8JsonWriter would write a decimal with its scale (3200.00); the text here is a valid JSON number.
        w.WriteRawValue(text[..written], skipInputValidation: true);
    }

    private static int AmountBytes(string name, decimal amount, Span<byte> text)
    {
        if (!AmountText.HasAtMostTwoDecimals(amount))
            throw new InvalidOperationException($"{name}: {amount} has more than two decimals; call ResultWriter.Check before writing");
        AmountText.TryFormat(amount, text, out int written);
        return written;
    }

    /// <summary>yyyy-MM-dd as UTF-8.</summary>
    private static ReadOnlySpan<byte> FormatDate(DateOnly date, Span<byte> into)
    {
        int y = date.Year, m = date.Month, d = date.Day;
        into[0] = (byte)('0' + y / 1000); into[1] = (byte)('0' + y / 100 % 10); into[2] = (byte)('0' + y / 10 % 10); into[3] = (byte)('0' + y % 10);
        into[4] = (byte)'-';
        into[5] = (byte)('0' + m / 10); into[6] = (byte)('0' + m % 10);
        into[7] = (byte)'-';
        into[8] = (byte)('0' + d / 10); into[9] = (byte)('0' + d % 10);
        return into[..10];
    }

    private static readonly JsonEncodedText[] CategoryCodes =
        Codes.AllCategories.Select(c => JsonEncodedText.Encode(Codes.ToCode(c), Compact.Encoder)).ToArray();

    /// <summary>The property names, encoded once.</summary>
    internal static class Names
    {
        private static JsonEncodedText E(string name) => JsonEncodedText.Encode(name, Compact.Encoder);
        public static readonly JsonEncodedText Bills = E("bills"), Persons = E("persons"), Households = E("households");
        public static readonly JsonEncodedText Id = E("id"), Person = E("person"), Date = E("date"), Policy = E("policy"), Category = E("category");
        public static readonly JsonEncodedText AssistanceBase = E("assistanceBase"), CriticalIllness = E("criticalIllness"), Assistance = E("assistance");
        public static readonly JsonEncodedText Tilted = E("tilted"), Supplementary = E("supplementary"), PersonalBurden = E("personalBurden");
        public static readonly JsonEncodedText ReasonableBurden = E("reasonableBurden"), Counted = E("counted"), Trace = E("trace"), Year = E("year");
        public static readonly JsonEncodedText SpecialAssistance = E("specialAssistance"), CapRelief = E("capRelief");
        public static readonly JsonEncodedText AssistanceDue = E("assistanceDue"), AssistanceUpstream = E("assistanceUpstream"), AssistanceDifference = E("assistanceDifference");
        public static readonly JsonEncodedText Step = E("step"), Amount = E("amount"), Rule = E("rule"), Detail = E("detail"), Interpretation = E("interpretation");
        public static readonly JsonEncodedText Clause = E("clause"), Document = E("document"), Formula = E("formula"), Inputs = E("inputs");
        public static readonly JsonEncodedText Basis = E("basis"), Of = E("of"), Field = E("field"), Total = E("total"), Entries = E("entries"), Reason = E("reason");
        public static readonly JsonEncodedText Formulas = E("formulas"), Expression = E("expression"), Condition = E("condition");
        public static readonly JsonEncodedText Citations = E("citations"), Ref = E("ref"), Template = E("template"), Record = E("record");
    }

    /// <summary>
    /// The encoded form of the strings that recur on every bill (step names, rules, interpretations, policy ids, ledger
    /// buckets): the engine hands out the same few string instances, so they are encoded once per thread, by reference.
    /// Bounded, so a result full of one-off strings cannot grow it. Only for a writer with this class's escaping
    /// (a caller's writer with other escaping gets the strings encoded its own way, as before).
    /// </summary>
    internal sealed class Texts
    {
        private const int Capacity = 4096;
        [ThreadStatic] private static Texts? t_cached;
        private static readonly Texts Passthrough = new(cache: false);

        public static Texts For(Utf8JsonWriter w) =>
            ReferenceEquals(w.Options.Encoder, Compact.Encoder) ? t_cached ??= new Texts(cache: true) : Passthrough;

        private readonly Dictionary<string, JsonEncodedText>? _encoded;
        private readonly Dictionary<string, bool>? _asIs;
        private Texts(bool cache)
        {
            _encoded = cache ? new(ReferenceEqualityComparer.Instance) : null;
            _asIs = cache ? new(ReferenceEqualityComparer.Instance) : null;
        }

        /// <summary>Whether the writer's escaping leaves this (template) text exactly as its UTF-8.</summary>
        public bool WritesAsIs(string text)
        {
            if (_asIs is null) return false;
            if (_asIs.TryGetValue(text, out bool asIs)) return asIs;
            try
            {
                var utf8 = StrictUtf8.GetBytes(text);
                asIs = Compact.Encoder!.FindFirstCharacterToEncodeUtf8(utf8) < 0;
            }
            catch (System.Text.EncoderFallbackException)
            {
                asIs = false;
            }
            if (_asIs.Count < Capacity) _asIs[text] = asIs;
            return asIs;
        }

        private static readonly System.Text.UTF8Encoding StrictUtf8 = new(false, true);

        /// <summary>Null when the writer should encode the text itself.</summary>
        public JsonEncodedText? Encoded(string text)
        {
            if (_encoded is null) return null;
            if (_encoded.TryGetValue(text, out var e)) return e;
            e = JsonEncodedText.Encode(text, Compact.Encoder);
            if (_encoded.Count < Capacity) _encoded[text] = e;
            return e;
        }
    }
}
