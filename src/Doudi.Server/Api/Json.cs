using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Doudi.Server.Api;

/// <summary>JSON conventions of the API: camelCase fields, snake_case glossary codes, Chinese text unescaped.</summary>
public static class Json
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions o)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        o.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        o.PreferredObjectCreationHandling = JsonObjectCreationHandling.Populate;
        if (!o.Converters.OfType<NormalizedDecimalConverter>().Any()) o.Converters.Add(new NormalizedDecimalConverter());
        if (!o.Converters.OfType<TraceStepConverter>().Any()) o.Converters.Add(new TraceStepConverter());
        if (!o.Converters.OfType<TimestampConverter>().Any()) o.Converters.Add(new TimestampConverter());
        if (!o.Converters.OfType<JsonStringEnumConverter>().Any())
            o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        return o;
    }

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
    /// <summary>As <see cref="Serialize{T}"/>, as UTF-8 bytes (the same text; for bulk writes).</summary>
    public static byte[] SerializeToUtf8<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);
    public static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)!;
}

/// <summary>Writes money without trailing zeros (3200, 12.5, 0.01); reads any JSON number.</summary>
public sealed class NormalizedDecimalConverter : JsonConverter<decimal>
{
    public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDecimal();
    public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value / 1.000000000000000000000000000000000m);
}

/// <summary>
/// Trace steps as stored and answered: as <c>doudi settle --trace full</c> writes them (Doudi.Cases), the five fields of
/// issue 2 (step, amount, rule, detail, interpretation) and the structure a program checks (clause, formula, inputs, and
/// what a year-end step adds up), so <c>doudi verify</c> can check a result fetched from the API. Reads either form.
/// </summary>
public sealed class TraceStepConverter : JsonConverter<Doudi.Engine.Tracing.TraceStep>
{
    public override Doudi.Engine.Tracing.TraceStep Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("a trace step is an object");
        try
        {
            return Doudi.Cases.ResultReader.ReadStep(ref reader);
        }
        catch (FormatException e)
        {
            throw new JsonException(e.Message, e);
        }
    }

    public override void Write(Utf8JsonWriter writer, Doudi.Engine.Tracing.TraceStep value, JsonSerializerOptions options)
    {
        if (Doudi.Cases.AmountText.HasAtMostTwoDecimals(value.Amount))
        {
            Doudi.Cases.ResultWriter.WriteStep(writer, value);
            return;
        }
        // Not an amount of money (no engine step has one): the number as it is, in the shape every step has
        // (ResultTraceStep): the five published fields — "interpretation" null, never left out, as the result files
        // write it — then clause, formula and inputs.
        writer.WriteStartObject();
        writer.WriteString("step", value.Step);
        writer.WriteNumber("amount", value.Amount / 1.000000000000000000000000000000000m);
        writer.WriteString("rule", value.Rule);
        writer.WriteString("detail", value.Detail);
        if (value.Interpretation is null) writer.WriteNull("interpretation");
        else writer.WriteString("interpretation", value.Interpretation);
        if (value.Clause is not { } clause) writer.WriteNull("clause");
        else
        {
            writer.WriteStartObject("clause");
            writer.WriteString("policy", clause.PolicyId);
            writer.WriteString("clause", clause.Article);
            writer.WriteString("document", clause.Document);
            writer.WriteEndObject();
        }
        if (value.Formula is { } formula) writer.WriteString("formula", formula.Name);
        else writer.WriteNull("formula");
        writer.WriteStartObject("inputs");
        for (int i = 0; i < value.InputCount; i++) writer.WriteNumber(value.InputName(i), value.Input(i) / 1.000000000000000000000000000000000m);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
