using System.Buffers;
using System.Text.Json;

namespace Doudi.Cases.Json;

/// <summary>
/// A <see cref="Utf8JsonReader"/> that refills itself from a stream, so a case file of a million bills is read
/// through one pooled buffer instead of being loaded whole. Token values (ValueSpan) are valid only until the
/// next <see cref="Read"/>: the parser consumes each token before moving on.
/// </summary>
internal ref struct JsonCursor
{
    private const int InitialBuffer = 1 << 16;
    private static readonly JsonReaderOptions Options = new()
    {
        // Strict, as an audit input should be: no comments, no trailing commas.
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = 64,
    };

    private Utf8JsonReader _reader;
    private readonly Stream? _stream;
    private byte[]? _buffer;
    private int _filled;
    private bool _final;

    /// <summary>Reads a complete document held in memory.</summary>
    public JsonCursor(ReadOnlySpan<byte> json)
    {
        json = SkipBom(json);
        _reader = new Utf8JsonReader(json, isFinalBlock: true, new JsonReaderState(Options));
        _final = true;
        IsBlank = json.TrimStart(" \t\r\n"u8).IsEmpty;
    }

    /// <summary>Continues an existing reader (a server parsing one value out of a larger body); the value must be complete in it.</summary>
    public JsonCursor(Utf8JsonReader reader)
    {
        _reader = reader;
        _final = true;
    }

    /// <summary>Reads a document from a stream through a pooled buffer; dispose to return it.</summary>
    public JsonCursor(Stream stream)
    {
        _stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
        Fill(0);
        int start = _filled >= 3 && _buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF ? 3 : 0;
        if (start > 0)
        {
            Buffer.BlockCopy(_buffer, 3, _buffer, 0, _filled - 3);
            _filled -= 3;
        }
        _reader = new Utf8JsonReader(_buffer.AsSpan(0, _filled), _final, new JsonReaderState(Options));
        IsBlank = _final && _buffer.AsSpan(0, _filled).TrimStart(" \t\r\n"u8).IsEmpty;
    }

    /// <summary>The whole input is empty or whitespace: worth its own message rather than the reader's "no JSON tokens".</summary>
    public bool IsBlank { get; }

    public readonly JsonTokenType TokenType => _reader.TokenType;
    public readonly ReadOnlySpan<byte> ValueSpan => _reader.ValueSpan;
    public readonly bool ValueIsEscaped => _reader.ValueIsEscaped;
    public readonly int CurrentDepth => _reader.CurrentDepth;
    /// <summary>The underlying reader, positioned where the cursor stopped (for the continuing constructor).</summary>
    public readonly Utf8JsonReader Reader => _reader;

    /// <summary>Reads the next token; false at the end of the document. Throws <see cref="JsonException"/> on broken JSON.</summary>
    public bool Read()
    {
        while (!_reader.Read())
        {
            if (_stream is null || _final) return false;
            Refill();
        }
        return true;
    }

    public readonly string? GetString() => _reader.GetString();
    public readonly int CopyString(Span<char> destination) => _reader.CopyString(destination);
    public readonly bool TryGetDecimal(out decimal value) => _reader.TryGetDecimal(out value);
    public readonly bool TryGetInt32(out int value) => _reader.TryGetInt32(out value);

    /// <summary>Skips the value the cursor is on (after a property name was read and the value token too).</summary>
    public void SkipValue()
    {
        if (_reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray)) return;
        int depth = _reader.CurrentDepth;
        while (Read())
        {
            if (_reader.CurrentDepth == depth && (_reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)) return;
        }
    }

    public void Dispose()
    {
        if (_buffer is not null) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
    }

    private void Refill()
    {
        // Keep the bytes of the unfinished token, move them to the front, grow if one token fills the buffer.
        int consumed = (int)_reader.BytesConsumed;
        int leftover = _filled - consumed;
        var buffer = _buffer!;
        if (leftover == buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
            Buffer.BlockCopy(buffer, consumed, bigger, 0, leftover);
            ArrayPool<byte>.Shared.Return(buffer);
            _buffer = buffer = bigger;
        }
        else if (leftover > 0)
        {
            Buffer.BlockCopy(buffer, consumed, buffer, 0, leftover);
        }
        Fill(leftover);
        _reader = new Utf8JsonReader(buffer.AsSpan(0, _filled), _final, _reader.CurrentState);
    }

    private void Fill(int from)
    {
        var buffer = _buffer!;
        _filled = from;
        while (_filled < buffer.Length)
        {
            int n = _stream!.Read(buffer, _filled, buffer.Length - _filled);
            if (n == 0) { _final = true; break; }
            _filled += n;
        }
    }

    private static ReadOnlySpan<byte> SkipBom(ReadOnlySpan<byte> json) =>
        json.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? json[3..] : json;
}
