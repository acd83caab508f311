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
        for (int i = 0; i < result.Bills.Count; i++)
        {
            var b = result.Bills[i];
            string p = $"bills[{i}]";
            Amount(p + ".assistanceBase", b.AssistanceBase);
            Amount(p + ".criticalIllness", b.CriticalIllness);
            Amount(p + ".assistance", b.Assistance);
            Amount(p + ".tilted", b.Tilted);
            Amount(p + ".supplementary", b.Supplementary);
            Amount(p + ".personalBurden", b.PersonalBurden);
            Amount(p + ".reasonableBurden", b.ReasonableBurden);
            foreach (var (bucket, amount) in b.Counted) Amount($"{p}.counted.{bucket}", amount);
            Trace(p, b.Trace);
        }
        for (int i = 0; i < result.Persons.Count; i++)
        {
            var r = result.Persons[i];
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
            string p = $"households[{i}]";
            Amount(p + ".reasonableBurden", h.ReasonableBurden);
            Amount(p + ".capRelief", h.CapRelief);
            Trace(p, h.Trace);
        }
        return problems;
    }

    public static void Write(CaseResult result, Stream output, bool indented = false)
    {
        using var w = new Utf8JsonWriter(output, indented ? Indented : Compact);
        w.WriteStartObject();
        w.WriteStartArray("bills");
        foreach (var bill in result.Bills)
        {
            WriteBill(w, bill);
            // Flush as we go: a million bills must not pile up in the writer's buffer.
            if (w.BytesPending > 1 << 16) w.Flush();
        }
        w.WriteEndArray();
        w.WriteStartArray("persons");
        foreach (var person in result.Persons) WritePerson(w, person);
        w.WriteEndArray();
        w.WriteStartArray("households");
        foreach (var household in result.Households) WriteHousehold(w, household);
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
    }

    public static void WriteBill(Utf8JsonWriter w, BillResult b)
    {
        w.WriteStartObject();
        w.WriteString("id", b.Id);
        w.WriteString("person", b.Person);
        w.WriteString("date", b.Date.ToString("yyyy-MM-dd"));
        w.WriteString("policy", b.Policy);
        if (b.Category is { } category) w.WriteString("category", Codes.ToCode(category));
        else w.WriteNull("category");
        Amount(w, "assistanceBase", b.AssistanceBase);
        Amount(w, "criticalIllness", b.CriticalIllness);
        Amount(w, "assistance", b.Assistance);
        Amount(w, "tilted", b.Tilted);
        Amount(w, "supplementary", b.Supplementary);
        Amount(w, "personalBurden", b.PersonalBurden);
        Amount(w, "reasonableBurden", b.ReasonableBurden);
        w.WriteStartObject("counted");
        foreach (var (bucket, amount) in b.Counted) Amount(w, bucket, amount);
        w.WriteEndObject();
        WriteTrace(w, b.Trace);
        w.WriteEndObject();
    }

    public static void WritePerson(Utf8JsonWriter w, PersonYearResult p)
    {
        w.WriteStartObject();
        w.WriteString("id", p.Id);
        w.WriteNumber("year", p.Year);
        Amount(w, "assistance", p.Assistance);
        Amount(w, "tilted", p.Tilted);
        Amount(w, "specialAssistance", p.SpecialAssistance);
        Amount(w, "capRelief", p.CapRelief);
        Amount(w, "personalBurden", p.PersonalBurden);
        WriteTrace(w, p.Trace);
        w.WriteEndObject();
    }

    public static void WriteHousehold(Utf8JsonWriter w, HouseholdYearResult h)
    {
        w.WriteStartObject();
        w.WriteString("id", h.Id);
        w.WriteNumber("year", h.Year);
        Amount(w, "reasonableBurden", h.ReasonableBurden);
        Amount(w, "capRelief", h.CapRelief);
        WriteTrace(w, h.Trace);
        w.WriteEndObject();
    }

    private static void WriteTrace(Utf8JsonWriter w, List<TraceStep> trace)
    {
        w.WriteStartArray("trace");
        foreach (var step in trace)
        {
            w.WriteStartObject();
            w.WriteString("step", step.Step);
            Amount(w, "amount", step.Amount);
            w.WriteString("rule", step.Rule);
            w.WriteString("detail", step.Detail);
            if (step.Interpretation is null) w.WriteNull("interpretation");
            else w.WriteString("interpretation", step.Interpretation);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>Writes a yuan amount as a JSON number: 3200, 3200.5, 0.01 (no trailing zeros, no exponent).</summary>
    public static void Amount(Utf8JsonWriter w, string name, decimal amount)
    {
        if (!AmountText.HasAtMostTwoDecimals(amount))
            throw new InvalidOperationException($"{name}: {amount} has more than two decimals; call ResultWriter.Check before writing");
        Span<byte> text = stackalloc byte[40];
        AmountText.TryFormat(amount, text, out int written);
        w.WritePropertyName(name);
        // Raw: Utf8JsonWriter would write a decimal with its scale (3200.00); the text here is a valid JSON number.
        w.WriteRawValue(text[..written], skipInputValidation: true);
    }
}
