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
        if (!o.Converters.OfType<JsonStringEnumConverter>().Any())
            o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        return o;
    }

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
    public static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)!;
}

/// <summary>Writes money without trailing zeros (3200, 12.5, 0.01); reads any JSON number.</summary>
public sealed class NormalizedDecimalConverter : JsonConverter<decimal>
{
    public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDecimal();
    public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value / 1.000000000000000000000000000000000m);
}
