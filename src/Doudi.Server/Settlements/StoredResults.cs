using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Doudi.Cases;
using Doudi.Engine.Results;
using Doudi.Server.Api;

namespace Doudi.Server.Settlements;

/// <summary>
/// A bill's result as stored: the very bill object <c>doudi settle</c> writes (Doudi.Cases' ResultWriter), so a stored
/// settlement and the CLI's output are one format (<see cref="StoredSettlement.CurrentResultFormat"/>).
/// </summary>
public static class StoredResults
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;

    public static string Write(BillResult result)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        using (var w = new Utf8JsonWriter(buffer, Options)) Write(w, result);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>As <see cref="Write(BillResult)"/>, the same bytes, into <paramref name="w"/> (made with <see cref="WriterOptions"/>), flushed.</summary>
    public static void Write(Utf8JsonWriter w, BillResult result)
    {
        try
        {
            ResultWriter.WriteBill(w, result);
            w.Flush();
        }
        catch (InvalidOperationException e)
        {
            // The engine rounds every tier to the fen (I-4); an amount with more decimals is a defect, not a 500.
            throw new Doudi.Engine.Settlement.SettlementException([new("result", e.Message)]);
        }
    }

    /// <summary>The writer options a stored result is written with.</summary>
    public static JsonWriterOptions WriterOptions => Options;

    /// <summary>
    /// Reads a stored result: format 2 with Doudi.Cases' <see cref="ResultReader"/>; format 1 (rows stored before issue 8,
    /// the server's own serialisation) with the API's JSON options, as it was written.
    /// </summary>
    public static BillResult Read(string json, int format) => format switch
    {
        1 => Json.Deserialize<BillResult>(json),
        2 => ResultReader.ReadBill(Encoding.UTF8.GetBytes(json)).ValueOrThrow(),
        _ => throw new InvalidOperationException($"unknown result format {format}"),
    };

    /// <summary>
    /// A stored result in the current format (<see cref="StoredSettlement.CurrentResultFormat"/>): format 2 as it is; a
    /// format-1 row (the server's own serialisation before issue 8: a <c>hasCounts</c> field, steps of five fields without
    /// clause, formula and inputs) read and written again by Doudi.Cases' writer, so every answer has one shape
    /// (<c>SettlementAnswer</c>). Its steps stay unstructured (clause and formula null): nothing is invented for them.
    /// </summary>
    public static string Upgrade(string json, int format) =>
        format == StoredSettlement.CurrentResultFormat ? json : Write(Read(json, format));

    /// <summary>A bill as stored with its settlement: format 2 is the case file's bill object (Doudi.Cases' BillWriter).</summary>
    public static string WriteBill(Doudi.Engine.Cases.Bill bill) => BillWriter.Write(bill);

    /// <summary>Reads a stored bill of either format (see <see cref="Read"/>).</summary>
    public static Doudi.Engine.Cases.Bill ReadBill(string json, int format) => format switch
    {
        1 => Json.Deserialize<Doudi.Engine.Cases.Bill>(json),
        2 => BillReader.ReadBill(Encoding.UTF8.GetBytes(json)).ValueOrThrow(),
        _ => throw new InvalidOperationException($"unknown bill format {format}"),
    };
}
