using System.Text.Json;
using Doudi.Cases;
using Doudi.Server.Api;

namespace Doudi.Server.Settlements;

/// <summary>What the national platform's fields of a bill were, kept with the settlement to answer in the same names.</summary>
public sealed record NationalRecord(string PsnNo, decimal Medfee, decimal Inscp, NationalFields Fields);

/// <summary>
/// The answer in the national platform's names, beside ours, for a bill that came in them (as interface 2207 answers):
/// <c>setlinfo</c> echoes the platform's amounts with Doudi's <c>maf_pay</c> (医疗救助基金 = assistance + tilted
/// assistance), and <c>setldetail</c> has the medical-assistance fund's line (fund_pay_type 610100). When the request
/// carried a <c>maf_pay</c> (assistance already paid upstream, I-24), the upstream amount and the difference are
/// reported as <c>maf_pay_upstream</c> and <c>maf_pay_difference</c> (positive: to pay; negative: to recover).
/// </summary>
public static class NationalAnswer
{
    /// <summary>
    /// The national fields to keep with the settlement. psn_no is echoed as sent, unless the HIS sent the patient's ID
    /// number there: then the registry's psn_no (or id) is kept, so no full ID number is stored in the answer.
    /// </summary>
    public static NationalRecord Record(BillDocument d, Registry.PersonRecord person) => new(
        string.Equals(d.PersonKey, person.IdNumber, StringComparison.OrdinalIgnoreCase) ? person.PsnNo ?? person.Id : d.PersonKey,
        d.Bill.Total, d.Bill.InPolicy, d.National!);

    public static string Serialize(NationalRecord record) => Json.Serialize(record);

    public static NationalRecord Read(string json) => Json.Deserialize<NationalRecord>(json);

    /// <param name="assistanceBase">The result's <c>assistanceBase</c> (0 when absent).</param>
    /// <param name="processInfo">The result's <see cref="ProcessInfo"/>.</param>
    public static void Write(Utf8JsonWriter w, StoredSettlement s, NationalRecord record, decimal paid, decimal assistanceBase, string processInfo)
    {
        var f = record.Fields;
        decimal Dec(decimal v) => StoredSettlement.Normal(v);
        w.WriteStartObject("setlinfo");
        w.WriteString("setl_id", s.Id);
        w.WriteString("psn_no", record.PsnNo);
        if (f.MdtrtId is not null) w.WriteString("mdtrt_id", f.MdtrtId);
        w.WriteString("setl_time", f.SetlTime ?? s.Date.ToString("yyyy-MM-dd"));
        if (f.MedType is not null) w.WriteString("med_type", f.MedType);
        if (f.InsuType is not null) w.WriteString("insutype", f.InsuType);
        decimal medfee = record.Medfee, inscp = record.Inscp;
        w.WriteNumber("medfee_sumamt", Dec(medfee));
        if (f.FulamtOwnpay is { } own) w.WriteNumber("fulamt_ownpay_amt", Dec(own));
        if (f.Overlmt is { } over) w.WriteNumber("overlmt_selfpay", Dec(over));
        if (f.Preselfpay is { } pre) w.WriteNumber("preselfpay_amt", Dec(pre));
        w.WriteNumber("inscp_scp_amt", Dec(inscp));
        w.WriteNumber("hifp_pay", Dec(f.Hifp));
        w.WriteNumber("hifob_pay", Dec(f.Hifob));
        w.WriteNumber("cvlserv_pay", Dec(f.Cvlserv));
        w.WriteNumber("hifes_pay", Dec(f.Hifes));
        w.WriteNumber("hifmi_pay", Dec(f.Hifmi));
        w.WriteNumber("maf_pay", Dec(paid));
        w.WriteNumber("oth_pay", Dec(f.Oth));
        decimal funds = f.Hifp + f.Hifob + f.Cvlserv + f.Hifes + f.Hifmi + paid + f.Oth;
        w.WriteNumber("fund_pay_sumamt", Dec(funds));
        w.WriteNumber("psn_part_amt", Dec(Math.Max(0m, medfee - funds)));
        if (f.Maf is { } upstream)
        {
            w.WriteNumber("maf_pay_upstream", Dec(upstream));
            w.WriteNumber("maf_pay_difference", Dec(paid - upstream));
        }
        w.WriteEndObject();

        w.WriteStartArray("setldetail");
        w.WriteStartObject();
        w.WriteString("fund_pay_type", NationalNames.AssistanceFundType);
        w.WriteString("fund_pay_type_name", NationalNames.AssistanceFundName);
        w.WriteNumber("inscp_scp_amt", Dec(assistanceBase));
        w.WriteNumber("fund_payamt", Dec(paid));
        w.WriteString("setl_proc_info", processInfo);
        w.WriteEndObject();
        w.WriteEndArray();
    }

    public static decimal AssistanceBase(JsonElement result) =>
        result.TryGetProperty("assistanceBase", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDecimal() : 0m;

    /// <summary>结算过程信息: the assistance steps of the trace, one line each (the full trace is in our result beside).</summary>
    public static string ProcessInfo(JsonElement result)
    {
        if (!result.TryGetProperty("trace", out var trace)) return "";
        var lines = new List<string>();
        foreach (var step in trace.EnumerateArray())
            AddProcessLine(lines, step.TryGetProperty("step", out var n) ? n.GetString() : null, step.TryGetProperty("detail", out var d) ? d.GetString() : "");
        return ProcessInfo(lines);
    }

    /// <summary>Adds a trace step's line to the process information when it is one of the assistance steps.</summary>
    internal static void AddProcessLine(List<string> lines, string? step, string? detail)
    {
        if (step is "assistance" or "tilted" or "identity" or "assistance_base") lines.Add($"{step}: {detail}");
    }

    internal static string ProcessInfo(List<string> lines)
    {
        var text = string.Join("; ", lines);
        return text.Length > 4000 ? text[..4000] : text;
    }
}

/// <summary>
/// What the answer reads of a stored format-2 result, found by one forward pass of a JSON reader (no document built):
/// <c>tilted</c>, <c>assistanceBase</c> and, for a national answer, the trace's process information. The same values as
/// reading them from a parsed document (<see cref="StoredSettlement.ToJsonRewritten"/>).
/// </summary>
internal readonly record struct AnswerFacts(decimal Tilted, decimal AssistanceBase, string ProcessInfo)
{
    public static AnswerFacts Scan(string json, bool wantTrace)
    {
        // The stored text's UTF-8 in a pooled buffer: read once per answer, kept by nothing (the facts are values and copied strings).
        var utf8 = System.Buffers.ArrayPool<byte>.Shared.Rent(System.Text.Encoding.UTF8.GetMaxByteCount(json.Length));
        try { return Scan(utf8.AsSpan(0, System.Text.Encoding.UTF8.GetBytes(json, utf8)), wantTrace); }
        finally { System.Buffers.ArrayPool<byte>.Shared.Return(utf8); }
    }

    private static AnswerFacts Scan(ReadOnlySpan<byte> json, bool wantTrace)
    {
        var r = new Utf8JsonReader(json);
        decimal tilted = 0m, assistanceBase = 0m;
        List<string>? lines = null;
        if (!r.Read() || r.TokenType != JsonTokenType.StartObject) throw new JsonException("a stored result is not an object");
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (r.ValueTextEquals("tilted")) { r.Read(); tilted = r.GetDecimal(); }
            else if (r.ValueTextEquals("assistanceBase")) { r.Read(); if (r.TokenType == JsonTokenType.Number) assistanceBase = r.GetDecimal(); else r.Skip(); }
            else if (wantTrace && r.ValueTextEquals("trace"))
            {
                r.Read();
                if (r.TokenType != JsonTokenType.StartArray) throw new JsonException("a stored result's trace is not an array");
                lines = [];
                while (r.Read() && r.TokenType != JsonTokenType.EndArray)
                {
                    if (r.TokenType != JsonTokenType.StartObject) { r.Skip(); continue; }
                    string? step = null, detail = "";
                    while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                    {
                        if (r.ValueTextEquals("step")) { r.Read(); step = r.GetString(); }
                        else if (r.ValueTextEquals("detail")) { r.Read(); detail = r.GetString(); }
                        else { r.Read(); r.Skip(); }
                    }
                    NationalAnswer.AddProcessLine(lines, step, detail);
                }
            }
            else { r.Read(); r.Skip(); }
        }
        return new AnswerFacts(tilted, assistanceBase, lines is null ? "" : NationalAnswer.ProcessInfo(lines));
    }
}
