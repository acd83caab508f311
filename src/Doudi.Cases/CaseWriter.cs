using System.Text.Encodings.Web;
using System.Text.Json;
using Doudi.Engine.Cases;
using Doudi.Policy.Vocabulary;

namespace Doudi.Cases;

/// <summary>
/// Writes a case file (the format <see cref="CaseReader"/> reads) as a stream: the region, then persons one by one,
/// then bills one by one, so a generator can write millions of bills without holding them. Every field is written,
/// amounts through <see cref="AmountText"/> as the result writer writes them.
/// </summary>
public sealed class CaseWriter : IDisposable
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
    private readonly Utf8JsonWriter _w;
    private int _state; // 0 nothing, 1 persons open, 2 bills open, 3 done

    public CaseWriter(Stream output, string region)
    {
        _w = new Utf8JsonWriter(output, Options);
        _w.WriteStartObject();
        _w.WriteString(N.region, region);
        _w.WriteStartArray(N.persons);
        _state = 1;
    }

    /// <summary>Bytes written so far (committed and pending).</summary>
    public long Bytes => _w.BytesCommitted + _w.BytesPending;

    /// <summary>A whole case at once (persons, then bills).</summary>
    public static void Write(CaseFile file, Stream output)
    {
        using var w = new CaseWriter(output, file.Region);
        foreach (var p in file.Persons) w.WritePerson(p);
        foreach (var b in file.Bills) w.WriteBill(b);
        w.Complete();
    }

    public void WritePerson(Person p)
    {
        if (_state != 1) throw new InvalidOperationException("persons come before bills");
        var w = _w;
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
        FlushIfFull();
    }

    public void WriteBill(Bill b)
    {
        if (_state == 1) { _w.WriteEndArray(); _w.WriteStartArray(N.bills); _state = 2; }
        if (_state != 2) throw new InvalidOperationException("the case is complete");
        var w = _w;
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
        if (b.HospitalLevel is { } level) w.WriteNumber(N.hospitalLevel, level);
        w.WriteBoolean(N.designated, b.Designated);
        if (b.Emergency) w.WriteBoolean(N.emergency, true);
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
        FlushIfFull();
    }

    /// <summary>Closes the arrays and the document and flushes; a case without bills gets an empty bills array.</summary>
    public void Complete()
    {
        if (_state == 1) { _w.WriteEndArray(); _w.WriteStartArray(N.bills); _state = 2; }
        if (_state != 2) return;
        _w.WriteEndArray();
        _w.WriteEndObject();
        _w.Flush();
        _state = 3;
    }

    public void Flush() => _w.Flush();

    public void Dispose() => _w.Dispose();

    private void FlushIfFull()
    {
        if (_w.BytesPending > 1 << 16) _w.Flush();
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
        public static readonly JsonEncodedText emergency = JsonEncodedText.Encode("emergency");
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
