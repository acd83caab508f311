using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Doudi.Server.Api;

/// <summary>
/// Every timestamp the server answers or logs has one format: ISO 8601 in China Standard Time, to the second,
/// with its offset (2023-06-01T10:00:00+08:00). Stored times stay UTC; they are shown in +08:00.
/// </summary>
public static class Timestamps
{
    public static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);
    public const string Pattern = "yyyy-MM-dd'T'HH:mm:sszzz";

    public static string Format(DateTimeOffset t) =>
        t.ToOffset(ChinaStandardTime).ToString(Pattern, CultureInfo.InvariantCulture);
}

/// <summary>Writes <see cref="DateTimeOffset"/> values as <see cref="Timestamps.Format"/>; reads any ISO 8601 time.</summary>
public sealed class TimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDateTimeOffset();
    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(Timestamps.Format(value));
}
