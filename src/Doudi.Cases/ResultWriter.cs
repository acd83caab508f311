using System.Globalization;
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
    private static readonly JsonEncodedText[] CategoryCodes = Codes.All<Category>().Select(c => JsonEncodedText.Encode(c)).ToArray();

    /// <summary>
    /// Amounts the writer cannot write faithfully (more than two decimals: the engine rounds every tier to the fen, I-4).
    /// Check before writing so that nothing partial is ever written; the writer itself would throw.
    /// </summary>
    public static IReadOnlyList<SettlementProblem> Check(CaseResult result)
    {
        // A quick pass over the numbers; paths are built only for an entry that has a bad amount.
        var problems = new List<SettlementProblem>();
        for (int i = 0; i < result.Bills.Count; i++)
        {
            var b = result.Bills[i];
            if (Fine(b.AssistanceBase, b.CriticalIllness, b.Assistance, b.Tilted, b.Supplementary, b.PersonalBurden, b.ReasonableBurden)
                && Fine(b.Counted.Values) && Fine(b.Trace)) continue;
            string p = $"bills[{i}].";
            Report(problems, p + "assistanceBase", b.AssistanceBase);
            Report(problems, p + "criticalIllness", b.CriticalIllness);
            Report(problems, p + "assistance", b.Assistance);
            Report(problems, p + "tilted", b.Tilted);
            Report(problems, p + "supplementary", b.Supplementary);
            Report(problems, p + "personalBurden", b.PersonalBurden);
            Report(problems, p + "reasonableBurden", b.ReasonableBurden);
            foreach (var (bucket, amount) in b.Counted) Report(problems, p + "counted." + bucket, amount);
            Report(problems, p, b.Trace);
        }
        for (int i = 0; i < result.Persons.Count; i++)
        {
            var r = result.Persons[i];
            if (Fine(r.Assistance, r.Tilted, r.SpecialAssistance, r.CapRelief, r.PersonalBurden) && Fine(r.Trace)) continue;
            string p = $"persons[{i}].";
            Report(problems, p + "assistance", r.Assistance);
            Report(problems, p + "tilted", r.Tilted);
            Report(problems, p + "specialAssistance", r.SpecialAssistance);
            Report(problems, p + "capRelief", r.CapRelief);
            Report(problems, p + "personalBurden", r.PersonalBurden);
            Report(problems, p, r.Trace);
        }
        for (int i = 0; i < result.Households.Count; i++)
        {
            var h = result.Households[i];
            if (Fine(h.ReasonableBurden, h.CapRelief) && Fine(h.Trace)) continue;
            string p = $"households[{i}].";
            Report(problems, p + "reasonableBurden", h.ReasonableBurden);
            Report(problems, p + "capRelief", h.CapRelief);
            Report(problems, p, h.Trace);
        }
        return problems;
    }

    private static bool Fine(params ReadOnlySpan<decimal> amounts)
    {
        foreach (var a in amounts) if (!AmountText.HasAtMostTwoDecimals(a)) return false;
        return true;
    }

    private static bool Fine(Dictionary<string, decimal>.ValueCollection amounts)
    {
        foreach (var a in amounts) if (!AmountText.HasAtMostTwoDecimals(a)) return false;
        return true;
    }

    private static bool Fine(List<TraceStep> trace)
    {
        foreach (var step in trace) if (!AmountText.HasAtMostTwoDecimals(step.Amount)) return false;
        return true;
    }

    private static void Report(List<SettlementProblem> problems, string path, decimal amount)
    {
        if (!AmountText.HasAtMostTwoDecimals(amount))
            problems.Add(new SettlementProblem(path, $"结果金额 {amount} 超过两位小数 (result amount has more than two decimals)"));
    }

    private static void Report(List<SettlementProblem> problems, string prefix, List<TraceStep> trace)
    {
        for (int i = 0; i < trace.Count; i++) Report(problems, $"{prefix}trace[{i}].amount", trace[i].Amount);
    }

    public static void Write(CaseResult result, Stream output, bool indented = false)
    {
        using var w = new Utf8JsonWriter(output, indented ? Indented : Compact);
        w.WriteStartObject();
        w.WriteStartArray(N.Bills);
        foreach (var bill in result.Bills)
        {
            WriteBill(w, bill);
            // Flush as we go: a million bills must not pile up in the writer's buffer.
            if (w.BytesPending > 1 << 16) w.Flush();
        }
        w.WriteEndArray();
        w.WriteStartArray(N.Persons);
        foreach (var person in result.Persons) WritePerson(w, person);
        w.WriteEndArray();
        w.WriteStartArray(N.Households);
        foreach (var household in result.Households) WriteHousehold(w, household);
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
    }

    public static void WriteBill(Utf8JsonWriter w, BillResult b)
    {
        w.WriteStartObject();
        w.WriteString(N.Id, b.Id);
        w.WriteString(N.Person, b.Person);
        Span<byte> date = stackalloc byte[10];
        b.Date.TryFormat(date, out _, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        w.WriteString(N.Date, date);
        w.WriteString(N.Policy, b.Policy);
        if (b.Category is { } category) w.WriteString(N.Category, CategoryCodes[(int)category]);
        else w.WriteNull(N.Category);
        Amount(w, N.AssistanceBase, b.AssistanceBase);
        Amount(w, N.CriticalIllness, b.CriticalIllness);
        Amount(w, N.Assistance, b.Assistance);
        Amount(w, N.Tilted, b.Tilted);
        Amount(w, N.Supplementary, b.Supplementary);
        Amount(w, N.PersonalBurden, b.PersonalBurden);
        Amount(w, N.ReasonableBurden, b.ReasonableBurden);
        w.WriteStartObject(N.Counted);
        foreach (var (bucket, amount) in b.Counted) Amount(w, bucket, amount);
        w.WriteEndObject();
        WriteTrace(w, b.Trace);
        w.WriteEndObject();
    }

    public static void WritePerson(Utf8JsonWriter w, PersonYearResult p)
    {
        w.WriteStartObject();
        w.WriteString(N.Id, p.Id);
        w.WriteNumber(N.Year, p.Year);
        Amount(w, N.Assistance, p.Assistance);
        Amount(w, N.Tilted, p.Tilted);
        Amount(w, N.SpecialAssistance, p.SpecialAssistance);
        Amount(w, N.CapRelief, p.CapRelief);
        Amount(w, N.PersonalBurden, p.PersonalBurden);
        WriteTrace(w, p.Trace);
        w.WriteEndObject();
    }

    public static void WriteHousehold(Utf8JsonWriter w, HouseholdYearResult h)
    {
        w.WriteStartObject();
        w.WriteString(N.Id, h.Id);
        w.WriteNumber(N.Year, h.Year);
        Amount(w, N.ReasonableBurden, h.ReasonableBurden);
        Amount(w, N.CapRelief, h.CapRelief);
        WriteTrace(w, h.Trace);
        w.WriteEndObject();
    }

    private static void WriteTrace(Utf8JsonWriter w, List<TraceStep> trace)
    {
        w.WriteStartArray(N.Trace);
        foreach (var step in trace)
        {
            w.WriteStartObject();
            w.WriteString(N.Step, Texts.Get(step.Step));
            Amount(w, N.Amount, step.Amount);
            w.WriteString(N.Rule, Texts.Get(step.Rule));
            w.WriteString(N.Detail, step.Detail);
            if (step.Interpretation is null) w.WriteNull(N.Interpretation);
            else w.WriteString(N.Interpretation, Texts.Get(step.Interpretation));
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>Writes a yuan amount as a JSON number: 3200, 3200.5, 0.01 (no trailing zeros, no exponent).</summary>
    public static void Amount(Utf8JsonWriter w, string name, decimal amount)
    {
        w.WritePropertyName(name);
        AmountValue(w, amount);
    }

    private static void Amount(Utf8JsonWriter w, JsonEncodedText name, decimal amount)
    {
        w.WritePropertyName(name);
        AmountValue(w, amount);
    }

    private static void AmountValue(Utf8JsonWriter w, decimal amount)
    {
        if (!AmountText.HasAtMostTwoDecimals(amount))
            throw new InvalidOperationException($"{amount} has more than two decimals; call ResultWriter.Check before writing");
        Span<byte> text = stackalloc byte[40];
        AmountText.TryFormat(amount, text, out int written);
        // Raw: Utf8JsonWriter would write a decimal with its scale (3200.00); the text here is a valid JSON number.
        w.WriteRawValue(text[..written], skipInputValidation: true);
    }

    /// <summary>
    /// Step names, rules and interpretations repeat on every bill; encoding each once (escaping and UTF-8) saves
    /// most of the trace's cost. Bounded, in case an engine ever puts per-bill text in a rule.
    /// </summary>
    [ThreadStatic] private static Dictionary<string, JsonEncodedText>? _texts;
    private static class Texts
    {
        public static JsonEncodedText Get(string text)
        {
            var cache = _texts ??= new Dictionary<string, JsonEncodedText>(StringComparer.Ordinal);
            if (cache.TryGetValue(text, out var encoded)) return encoded;
            encoded = JsonEncodedText.Encode(text, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
            if (cache.Count < 4096) cache[text] = encoded;
            return encoded;
        }
    }

    /// <summary>Property names encoded once: the writer would otherwise escape and transcode each name on every bill.</summary>
    private static class N
    {
        public static readonly JsonEncodedText Amount = JsonEncodedText.Encode("amount");
        public static readonly JsonEncodedText Assistance = JsonEncodedText.Encode("assistance");
        public static readonly JsonEncodedText AssistanceBase = JsonEncodedText.Encode("assistanceBase");
        public static readonly JsonEncodedText Bills = JsonEncodedText.Encode("bills");
        public static readonly JsonEncodedText CapRelief = JsonEncodedText.Encode("capRelief");
        public static readonly JsonEncodedText Category = JsonEncodedText.Encode("category");
        public static readonly JsonEncodedText Counted = JsonEncodedText.Encode("counted");
        public static readonly JsonEncodedText CriticalIllness = JsonEncodedText.Encode("criticalIllness");
        public static readonly JsonEncodedText Date = JsonEncodedText.Encode("date");
        public static readonly JsonEncodedText Detail = JsonEncodedText.Encode("detail");
        public static readonly JsonEncodedText Households = JsonEncodedText.Encode("households");
        public static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
        public static readonly JsonEncodedText Interpretation = JsonEncodedText.Encode("interpretation");
        public static readonly JsonEncodedText Person = JsonEncodedText.Encode("person");
        public static readonly JsonEncodedText PersonalBurden = JsonEncodedText.Encode("personalBurden");
        public static readonly JsonEncodedText Persons = JsonEncodedText.Encode("persons");
        public static readonly JsonEncodedText Policy = JsonEncodedText.Encode("policy");
        public static readonly JsonEncodedText ReasonableBurden = JsonEncodedText.Encode("reasonableBurden");
        public static readonly JsonEncodedText Rule = JsonEncodedText.Encode("rule");
        public static readonly JsonEncodedText SpecialAssistance = JsonEncodedText.Encode("specialAssistance");
        public static readonly JsonEncodedText Step = JsonEncodedText.Encode("step");
        public static readonly JsonEncodedText Supplementary = JsonEncodedText.Encode("supplementary");
        public static readonly JsonEncodedText Tilted = JsonEncodedText.Encode("tilted");
        public static readonly JsonEncodedText Trace = JsonEncodedText.Encode("trace");
        public static readonly JsonEncodedText Year = JsonEncodedText.Encode("year");
    }
}
