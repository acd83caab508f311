using System.Text.Encodings.Web;
using System.Text.Json;
using Doudi.Cases;
using Doudi.Engine.Cases;
using Doudi.Policy.Vocabulary;

namespace Doudi.Bench;

/// <summary>
/// The baseline's writer: a <see cref="CaseFile"/> written back as case-file JSON with <see cref="Utf8JsonWriter"/>,
/// every field, amounts through <see cref="AmountText"/> as the result writer writes them. Reading a case with
/// <see cref="CaseReader"/> and writing it with this gives "just reading and writing the same JSON".
/// </summary>
public static class CaseFileWriter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    /// <param name="targetBytes">
    /// 0: write the case as it is. Otherwise write each bill as many times as it takes (spread evenly over the bills)
    /// for the whole document to come to about this many bytes: the same case-file JSON, at the size of another output.
    /// </param>
    public static void Write(CaseFile file, Stream output, long targetBytes = 0)
    {
        using var w = new Utf8JsonWriter(output, Options);
        w.WriteStartObject();
        w.WriteString("region", file.Region);
        w.WriteStartArray("persons");
        foreach (var p in file.Persons)
        {
            w.WriteStartObject();
            w.WriteString("id", p.Id);
            w.WriteString("household", p.Household);
            w.WriteString("insurance", Codes.ToCode(p.Insurance));
            w.WriteStartArray("identities");
            foreach (var id in p.Identities)
            {
                w.WriteStartObject();
                w.WriteString("category", Codes.ToCode(id.Category));
                w.WriteString("recognized", id.Recognized.ToString("yyyy-MM-dd"));
                if (id.Revoked is { } r) w.WriteString("revoked", r.ToString("yyyy-MM-dd"));
                else w.WriteNull("revoked");
                w.WriteBoolean("forMedicalSpending", id.ForMedicalSpending);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            if (w.BytesPending > 1 << 16) w.Flush();
        }
        w.WriteEndArray();
        w.WriteStartArray("bills");
        long start = w.BytesCommitted + w.BytesPending;
        const int Tail = 3; // ]}
        for (int i = 0; i < file.Bills.Count; i++)
        {
            var b = file.Bills[i];
            long due = targetBytes <= 0 ? 0 : start + (targetBytes - Tail - start) * (i + 1) / file.Bills.Count;
            do WriteBill(w, b);
            while (w.BytesCommitted + w.BytesPending < due);
            if (w.BytesPending > 1 << 16) w.Flush();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
    }

    private static void WriteBill(Utf8JsonWriter w, Bill b)
    {
            w.WriteStartObject();
            w.WriteString("id", b.Id);
            w.WriteString("person", b.Person);
            w.WriteString("date", b.Date.ToString("yyyy-MM-dd"));
            w.WriteString("kind", Codes.ToCode(b.Kind));
            Amount(w, "total", b.Total);
            Amount(w, "inPolicy", b.InPolicy);
            Amount(w, "basicPaid", b.BasicPaid);
            Amount(w, "criticalPaid", b.CriticalPaid);
            Amount(w, "supplementaryPaid", b.SupplementaryPaid);
            Amount(w, "assistancePaid", b.AssistancePaid);
            Amount(w, "reasonableOutOfPolicy", b.ReasonableOutOfPolicy);
            w.WriteBoolean("specialDisease", b.SpecialDisease);
            w.WriteNumber("hospitalLevel", b.HospitalLevel);
            w.WriteBoolean("designated", b.Designated);
            w.WriteBoolean("referred", b.Referred);
            w.WriteBoolean("withinCity", b.WithinCity);
            if (b.Excluded == Exclusion.None) w.WriteNull("excluded");
            else w.WriteString("excluded", Codes.ToCode(b.Excluded));
            w.WriteStartArray("items");
            foreach (var item in b.Items)
            {
                w.WriteStartObject();
                w.WriteString("kind", Codes.ToCode(item.Kind));
                if (item.Class == ItemClass.None) w.WriteNull("class");
                else w.WriteString("class", Codes.ToCode(item.Class));
                w.WriteBoolean("inCatalog", item.InCatalog);
                Amount(w, "amount", item.Amount);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
    }

    private static void Amount(Utf8JsonWriter w, string name, decimal? amount)
    {
        w.WritePropertyName(name);
        if (amount is not { } a) { w.WriteNullValue(); return; }
        Span<byte> text = stackalloc byte[40];
        AmountText.TryFormat(a, text, out int written);
        w.WriteRawValue(text[..written], skipInputValidation: true);
    }
}
