using System.Data.Common;
using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Doudi.Server.Storage;

namespace Doudi.Server.Settlements;

/// <summary>A settlement row as stored: the engine's result JSON plus who, when, and whether it was reversed.</summary>
public sealed record StoredSettlement(
    string Id, string PersonId, string HouseholdId, int Year, DateOnly Date, string Region, string Policy, string Source,
    string RequestHash, string BillJson, string ResultJson, string CountedJson, decimal Assistance, string Status,
    DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? ReversedAt, string? ReversedBy, string? ReversalReason,
    int ResultFormat = StoredSettlement.CurrentResultFormat, string Naming = StoredSettlement.OurNaming, string? NationalJson = null)
{
    public const string Settled = "settled";
    public const string Reversed = "reversed";
    public const string OurNaming = "ours";
    public const string NationalNaming = "national";

    /// <summary>
    /// result_json formats: 1 = the server's own serialisation (before issue 8); 2 = exactly the bill object that
    /// <c>doudi settle</c> writes (Doudi.Cases' ResultWriter). Both read the same through the API's JSON options, and
    /// both answer in format 2's shape (<see cref="StoredResults.Upgrade"/>); the answer's resultFormat says how the row was stored.
    /// </summary>
    public const int CurrentResultFormat = 2;

    public static StoredSettlement Map(DbDataReader r) => new(
        r.S("id"), r.S("person_id"), r.S("household_id"), r.I("year"), r.D("date"), r.S("region"), r.S("policy"), r.S("source"),
        r.S("request_hash"), r.S("bill_json"), r.S("result_json"), r.S("counted_json"), r.M("assistance"), r.S("status"),
        r.T("created_at"), r.S("created_by"), r.TN("reversed_at"), r.Str("reversed_by"), r.Str("reversal_reason"),
        r.I("result_format"), r.S("naming"), r.Str("national_json"));

    /// <summary>
    /// The answer the API gives for this settlement, always built from the stored row, so a retry gets the same bytes:
    /// the engine's result (with its trace), <c>maf_pay</c> (assistance + tilted assistance: what the medical-assistance
    /// fund pays), status and reversal; for a bill sent in the national naming also <c>setlinfo</c> and <c>setldetail</c>.
    /// </summary>
    /// <param name="national">The national fields this row stores in <see cref="NationalJson"/>, when the caller holds them
    /// already (the settlement just written): the same values, so the same bytes, without reading the JSON again.</param>
    /// <remarks>
    /// A format-2 result is copied as stored and the answer's own fields appended after its last member: ResultWriter wrote
    /// it compact with the answer's encoder, so this is byte for byte what re-writing each member gave (<see cref="ToJsonRewritten"/>,
    /// still used for format 1 and compared in a test), at a fraction of the CPU (one-stop settlement, issue 9 item 6).
    /// </remarks>
    public string ToJson(NationalRecord? national = null)
    {
        if (Answer(national) is not { } a) return ToJsonRewritten();
        return string.Concat(a.Head, a.Comma ? "," : "", Encoding.UTF8.GetString(a.Tail.Span));
    }

    /// <summary>
    /// The answer of <see cref="ToJson"/> in its two parts, so an HTTP answer can be written as UTF-8 straight to the
    /// response (<see cref="AnswerResult"/>) without building the whole text once more: the stored result without its
    /// closing brace (<paramref name="Head"/>, a slice of <see cref="ResultJson"/>), a comma unless that object is empty,
    /// and the answer's own members with the closing brace, already UTF-8 (<paramref name="Tail"/>). Null for a result
    /// that is not format 2 (answered by <see cref="ToJsonRewritten"/>).
    /// </summary>
    internal AnswerText? Answer(NationalRecord? national = null)
    {
        var result = ResultJson.AsMemory().TrimEnd();
        var span = result.Span;
        if (ResultFormat != CurrentResultFormat || span.Length < 2 || span[0] != '{' || span[^1] != '}') return null;
        var facts = AnswerFacts.Scan(ResultJson, wantTrace: NationalJson is not null);
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            WriteAnswerFields(w, facts.Tilted, national, facts.AssistanceBase, facts.ProcessInfo);
            w.WriteEndObject();
        }
        // "{…stored members…}" + ",…answer members…}": the answer's object without its opening brace.
        var head = result[..^1];
        // An empty result object ("{}") takes the answer's members without a separating comma.
        return new AnswerText(head, !head.Span.TrimEnd().EndsWith("{"), buffer.WrittenMemory[1..]);
    }

    /// <summary>The answer by re-writing every member of the parsed result (format 1, and the reference for format 2).</summary>
    public string ToJsonRewritten()
    {
        // A row stored before issue 8 (format 1) answers in the current shape too (upgraded on read; resultFormat still says 1).
        var resultJson = StoredResults.Upgrade(ResultJson, ResultFormat);
        using var doc = JsonDocument.Parse(resultJson);
        var root = doc.RootElement;
        decimal tilted = root.TryGetProperty("tilted", out var t) ? t.GetDecimal() : 0m;
        var buffer = new ArrayBufferWriter<byte>(resultJson.Length * 2 + 256);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            foreach (var p in root.EnumerateObject()) p.WriteTo(w);
            WriteAnswerFields(w, tilted, null, NationalAnswer.AssistanceBase(root), NationalJson is null ? "" : NationalAnswer.ProcessInfo(root));
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private void WriteAnswerFields(Utf8JsonWriter w, decimal tilted, NationalRecord? national, decimal assistanceBase, string processInfo)
    {
        decimal paid = Assistance + tilted;
        w.WriteNumber("maf_pay", Normal(paid));
        w.WriteNumber("resultFormat", ResultFormat);
        w.WriteString("household", HouseholdId);
        w.WriteString("region", Region);
        w.WriteString("source", Source);
        w.WriteString("status", Status);
        w.WriteString("settledAt", Api.Timestamps.Format(CreatedAt));
        if (ReversedAt is null) w.WriteNull("reversal");
        else
        {
            w.WriteStartObject("reversal");
            w.WriteString("at", Api.Timestamps.Format(ReversedAt.Value));
            w.WriteString("by", ReversedBy);
            w.WriteString("reason", ReversalReason);
            w.WriteEndObject();
        }
        if (NationalJson is not null) NationalAnswer.Write(w, this, national ?? NationalAnswer.Read(NationalJson), paid, assistanceBase, processInfo);
    }

    internal static decimal Normal(decimal amount) => amount / 1.000000000000000000000000000000000m;
}

/// <summary>A settlement's answer as <see cref="StoredSettlement.Answer"/> gives it: head (text), an optional comma, tail (UTF-8).</summary>
internal readonly record struct AnswerText(ReadOnlyMemory<char> Head, bool Comma, ReadOnlyMemory<byte> Tail);

/// <summary>
/// A settlement's answer written to the response as UTF-8 in its parts (the stored result's text encoded straight into
/// the response, then the answer's members): the same bytes as <see cref="StoredSettlement.ToJson"/>, without building
/// that text and encoding it again (one-stop settlement, issue 9 item 6).
/// </summary>
internal sealed class AnswerResult(StoredSettlement settlement, NationalRecord? national, int status) : IResult
{
    public Task ExecuteAsync(HttpContext http)
    {
        if (settlement.Answer(national) is not { } a) return Api.Body.RawJson(settlement.ToJsonRewritten(), status).ExecuteAsync(http);
        var response = http.Response;
        response.StatusCode = status;
        response.ContentType = Api.Body.JsonContentType;
        response.ContentLength = Encoding.UTF8.GetByteCount(a.Head.Span) + (a.Comma ? 1 : 0) + a.Tail.Length;
        var writer = response.BodyWriter;
        Encoding.UTF8.GetBytes(a.Head.Span, writer);
        if (a.Comma) writer.Write(","u8);
        writer.Write(a.Tail.Span);
        return FlushAsync(writer, http.RequestAborted);
    }

    private static async Task FlushAsync(System.IO.Pipelines.PipeWriter writer, CancellationToken ct) => await writer.FlushAsync(ct);
}
