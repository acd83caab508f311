using System.Text.Encodings.Web;
using System.Text.Json;
using Doudi.Engine.Cases;
using Doudi.Policy.Vocabulary;

namespace Doudi.Cases;

/// <summary>
/// Writes a <see cref="Bill"/> as a case file's bill object (our names, every field explicit), so that whatever stores a
/// bill stores it in the contract <see cref="BillReader"/> reads back: the same reader for a case file, an API request
/// and a stored row.
/// </summary>
public static class BillWriter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(Bill bill)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, Options)) WriteBill(w, bill);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static void WriteBill(Utf8JsonWriter w, Bill b)
    {
        w.WriteStartObject();
        w.WriteString("id", b.Id);
        w.WriteString("person", b.Person);
        w.WriteString("date", b.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        w.WriteString("kind", Codes.ToCode(b.Kind));
        ResultWriter.Amount(w, "total", b.Total);
        ResultWriter.Amount(w, "inPolicy", b.InPolicy);
        ResultWriter.Amount(w, "basicPaid", b.BasicPaid);
        if (b.CriticalPaid is { } critical) ResultWriter.Amount(w, "criticalPaid", critical); else w.WriteNull("criticalPaid");
        ResultWriter.Amount(w, "supplementaryPaid", b.SupplementaryPaid);
        if (b.AssistancePaid is { } paid) ResultWriter.Amount(w, "assistancePaid", paid); else w.WriteNull("assistancePaid");
        ResultWriter.Amount(w, "reasonableOutOfPolicy", b.ReasonableOutOfPolicy);
        w.WriteBoolean("specialDisease", b.SpecialDisease);
        // Absent when the bill did not say (P-9), and emergency only when true (P-8): a bill without them is written as before.
        if (b.HospitalLevel is { } level) w.WriteNumber("hospitalLevel", level);
        w.WriteBoolean("designated", b.Designated);
        if (b.Emergency) w.WriteBoolean("emergency", true);
        w.WriteBoolean("referred", b.Referred);
        w.WriteBoolean("withinCity", b.WithinCity);
        if (b.Excluded == Exclusion.None) w.WriteNull("excluded"); else w.WriteString("excluded", Codes.ToCode(b.Excluded));
        w.WriteStartArray("items");
        foreach (var item in b.Items)
        {
            w.WriteStartObject();
            w.WriteString("kind", Codes.ToCode(item.Kind));
            if (item.Class == ItemClass.None) w.WriteNull("class"); else w.WriteString("class", Codes.ToCode(item.Class));
            w.WriteBoolean("inCatalog", item.InCatalog);
            ResultWriter.Amount(w, "amount", item.Amount);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
