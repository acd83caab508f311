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
        w.WriteString(N.region, file.Region);
        w.WriteStartArray(N.persons);
        foreach (var p in file.Persons)
        {
            w.WriteStartObject();
            w.WriteString(N.id, p.Id);
            w.WriteString(N.household, p.Household);
            w.WriteString(N.insurance, Codes.ToCode(p.Insurance));
            w.WriteStartArray(N.identities);
            foreach (var id in p.Identities)
            {
                w.WriteStartObject();
                w.WriteString(N.category, Codes.ToCode(id.Category));
                Date(w, N.recognized, id.Recognized);
                if (id.Revoked is { } r) Date(w, N.revoked, r);
                else w.WriteNull(N.revoked);
                w.WriteBoolean(N.forMedicalSpending, id.ForMedicalSpending);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            if (w.BytesPending > 1 << 16) w.Flush();
        }
        w.WriteEndArray();
        w.WriteStartArray(N.bills);
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
            w.WriteString(N.id, b.Id);
            w.WriteString(N.person, b.Person);
            Date(w, N.date, b.Date);
            w.WriteString(N.kind, Codes.ToCode(b.Kind));
            Amount(w, N.total, b.Total);
            Amount(w, N.inPolicy, b.InPolicy);
            Amount(w, N.basicPaid, b.BasicPaid);
            Amount(w, N.criticalPaid, b.CriticalPaid);
            Amount(w, N.supplementaryPaid, b.SupplementaryPaid);
            Amount(w, N.assistancePaid, b.AssistancePaid);
            Amount(w, N.reasonableOutOfPolicy, b.ReasonableOutOfPolicy);
            w.WriteBoolean(N.specialDisease, b.SpecialDisease);
            w.WriteNumber(N.hospitalLevel, b.HospitalLevel);
            w.WriteBoolean(N.designated, b.Designated);
            w.WriteBoolean(N.referred, b.Referred);
            w.WriteBoolean(N.withinCity, b.WithinCity);
            if (b.Excluded == Exclusion.None) w.WriteNull(N.excluded);
            else w.WriteString(N.excluded, Codes.ToCode(b.Excluded));
            w.WriteStartArray(N.items);
            foreach (var item in b.Items)
            {
                w.WriteStartObject();
                w.WriteString(N.kind, Codes.ToCode(item.Kind));
                if (item.Class == ItemClass.None) w.WriteNull(N.@class);
                else w.WriteString(N.@class, Codes.ToCode(item.Class));
                w.WriteBoolean(N.inCatalog, item.InCatalog);
                Amount(w, N.amount, item.Amount);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
    }

    /// <summary>yyyy-MM-dd straight to UTF-8, as the result writer writes dates (no string per date).</summary>
    private static void Date(Utf8JsonWriter w, JsonEncodedText name, DateOnly date)
    {
        Span<byte> text = stackalloc byte[10];
        date.TryFormat(text, out int n, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        w.WriteString(name, text[..n]);
    }

    private static void Amount(Utf8JsonWriter w, JsonEncodedText name, decimal? amount)
    {
        w.WritePropertyName(name);
        if (amount is not { } a) { w.WriteNullValue(); return; }
        Span<byte> text = stackalloc byte[40];
        AmountText.TryFormat(a, text, out int written);
        w.WriteRawValue(text[..written], skipInputValidation: true);
    }

    /// <summary>Property names, encoded once (as the result writer does).</summary>
    private static class N
    {
        public static readonly JsonEncodedText amount = JsonEncodedText.Encode("amount");
        public static readonly JsonEncodedText assistancePaid = JsonEncodedText.Encode("assistancePaid");
        public static readonly JsonEncodedText basicPaid = JsonEncodedText.Encode("basicPaid");
        public static readonly JsonEncodedText bills = JsonEncodedText.Encode("bills");
        public static readonly JsonEncodedText category = JsonEncodedText.Encode("category");
        public static readonly JsonEncodedText @class = JsonEncodedText.Encode("class");
        public static readonly JsonEncodedText criticalPaid = JsonEncodedText.Encode("criticalPaid");
        public static readonly JsonEncodedText date = JsonEncodedText.Encode("date");
        public static readonly JsonEncodedText designated = JsonEncodedText.Encode("designated");
        public static readonly JsonEncodedText excluded = JsonEncodedText.Encode("excluded");
        public static readonly JsonEncodedText forMedicalSpending = JsonEncodedText.Encode("forMedicalSpending");
        public static readonly JsonEncodedText hospitalLevel = JsonEncodedText.Encode("hospitalLevel");
        public static readonly JsonEncodedText household = JsonEncodedText.Encode("household");
        public static readonly JsonEncodedText id = JsonEncodedText.Encode("id");
        public static readonly JsonEncodedText identities = JsonEncodedText.Encode("identities");
        public static readonly JsonEncodedText inCatalog = JsonEncodedText.Encode("inCatalog");
        public static readonly JsonEncodedText inPolicy = JsonEncodedText.Encode("inPolicy");
        public static readonly JsonEncodedText insurance = JsonEncodedText.Encode("insurance");
        public static readonly JsonEncodedText items = JsonEncodedText.Encode("items");
        public static readonly JsonEncodedText kind = JsonEncodedText.Encode("kind");
        public static readonly JsonEncodedText person = JsonEncodedText.Encode("person");
        public static readonly JsonEncodedText persons = JsonEncodedText.Encode("persons");
        public static readonly JsonEncodedText reasonableOutOfPolicy = JsonEncodedText.Encode("reasonableOutOfPolicy");
        public static readonly JsonEncodedText recognized = JsonEncodedText.Encode("recognized");
        public static readonly JsonEncodedText referred = JsonEncodedText.Encode("referred");
        public static readonly JsonEncodedText region = JsonEncodedText.Encode("region");
        public static readonly JsonEncodedText revoked = JsonEncodedText.Encode("revoked");
        public static readonly JsonEncodedText specialDisease = JsonEncodedText.Encode("specialDisease");
        public static readonly JsonEncodedText supplementaryPaid = JsonEncodedText.Encode("supplementaryPaid");
        public static readonly JsonEncodedText total = JsonEncodedText.Encode("total");
        public static readonly JsonEncodedText withinCity = JsonEncodedText.Encode("withinCity");
    }
}
