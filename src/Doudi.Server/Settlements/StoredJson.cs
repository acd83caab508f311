using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Doudi.Cases;
using Doudi.Engine.Results;
using Doudi.Server.Api;

namespace Doudi.Server.Settlements;

/// <summary>A new settlement's JSON columns as UTF-8, written by a bulk import's COPY as they are (the text of each is the one the one-stop path stores).</summary>
public sealed record StoredJson(ReadOnlyMemory<byte> Bill, ReadOnlyMemory<byte> Result, ReadOnlyMemory<byte> Counted, ReadOnlyMemory<byte>? National);

/// <summary>
/// Where a bulk import's lane writes the JSON columns of a chunk's new settlements: one buffer, kept from chunk to chunk
/// and emptied when a chunk (or its retry) starts, so a row's JSON is written once, as UTF-8, and no UTF-16 string is
/// made of it to be encoded again by COPY. The slices it hands out stay valid until the next <see cref="Reset"/>.
/// </summary>
public sealed class JsonArena
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 20);
    private readonly Utf8JsonWriter _result, _text;

    public JsonArena()
    {
        _result = new Utf8JsonWriter(_buffer, StoredResults.WriterOptions);
        // As BillWriter and the API's serializer write (Json.Options' encoder).
        _text = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    public void Reset() => _buffer.ResetWrittenCount();

    /// <summary>The result as <see cref="StoredResults.Write(BillResult)"/> writes it.</summary>
    public ReadOnlyMemory<byte> Result(BillResult result) => Slice(_result, w => StoredResults.Write(w, result));

    /// <summary>The bill as <see cref="StoredResults.WriteBill"/> writes it.</summary>
    public ReadOnlyMemory<byte> Bill(Doudi.Engine.Cases.Bill bill) => Slice(_text, w => { BillWriter.WriteBill(w, bill); w.Flush(); });

    /// <summary>A value as <see cref="Json.Serialize{T}"/> writes it.</summary>
    public ReadOnlyMemory<byte> Api<T>(T value) => Slice(_text, w => { JsonSerializer.Serialize(w, value, Json.Options); w.Flush(); });

    private ReadOnlyMemory<byte> Slice(Utf8JsonWriter w, Action<Utf8JsonWriter> write)
    {
        var start = _buffer.WrittenCount;
        w.Reset(_buffer);
        write(w);
        return _buffer.WrittenMemory[start..];
    }
}
