using System.Text;
using Doudi.Server.Api;

namespace Doudi.Server.Imports;

/// <summary>
/// The text encoding of an uploaded CSV file: UTF-8 (with or without BOM) or GB18030 — a superset of GBK and GB2312,
/// what Excel writes by default on Chinese Windows. Declared by the request (<c>Content-Type: text/csv; charset=gbk</c>)
/// or, when not declared, detected: a file whose first 64 KiB are valid UTF-8 is read as UTF-8, any other as GB18030.
/// Decoding is strict: a byte sequence that is not valid in the chosen encoding refuses the file, never garbles it.
/// </summary>
public static class CsvEncoding
{
    public const int SniffBytes = 64 * 1024;

    public static Encoding Utf8 { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    public static Encoding Gb18030 { get; } = CodePage("GB18030");

    // Static initialisers run before a static constructor's body: register the code pages right where they are first needed.
    private static Encoding CodePage(string name)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(name, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    }

    /// <summary>The encoding declared by the Content-Type's charset, null when none; an unknown charset is refused naming it.</summary>
    public static Encoding? Declared(string? contentType)
    {
        if (contentType is null || !Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)) return null;
        var charset = media.Charset.Value?.Trim('"').Trim().ToLowerInvariant();
        return charset switch
        {
            null or "" => null,
            "utf-8" or "utf8" => Utf8,
            "gbk" or "gb2312" or "gb18030" or "cp936" or "x-gbk" or "windows-936" or "euc-cn" => Gb18030,
            _ => throw ApiProblemException.Invalid([new("charset", Msg.Unknown("字符集", charset, ["utf-8", "gbk", "gb2312", "gb18030"]))]),
        };
    }

    /// <summary>UTF-8 when <paramref name="head"/> starts with its BOM or is valid UTF-8 (a sequence cut at the end of an incomplete head allowed), else GB18030.</summary>
    public static Encoding Detect(ReadOnlySpan<byte> head, bool complete)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) return Utf8;
        if (Utf8Prefix(head, complete)) return Utf8;
        return Gb18030;
    }

    private static bool Utf8Prefix(ReadOnlySpan<byte> bytes, bool complete)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes)) return true;
        if (complete) return false;
        // The sniffed head may end inside a multi-byte sequence: drop up to 3 trailing bytes and try again.
        for (var cut = 1; cut <= 3 && cut < bytes.Length; cut++)
            if (System.Text.Unicode.Utf8.IsValid(bytes[..^cut])) return true;
        return false;
    }

    /// <summary>A reader over a whole file held in memory.</summary>
    public static TextReader Reader(byte[] content, Encoding? declared)
    {
        var encoding = declared ?? Detect(content, complete: true);
        return new StreamReader(new MemoryStream(content), encoding, detectEncodingFromByteOrderMarks: encoding == Utf8);
    }

    /// <summary>A reader over a streamed body: the first 64 KiB decide the encoding when none is declared.</summary>
    public static async Task<TextReader> ReaderAsync(Stream body, Encoding? declared, CancellationToken ct)
    {
        var head = new byte[SniffBytes];
        var n = 0;
        while (n < head.Length)
        {
            var read = await body.ReadAsync(head.AsMemory(n), ct);
            if (read == 0) break;
            n += read;
        }
        var complete = n < head.Length;
        var encoding = declared ?? Detect(head.AsSpan(0, n), complete);
        Stream stream = new PrefixedStream(head, n, body);
        return new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: encoding == Utf8, bufferSize: 1 << 16);
    }

    /// <summary>Text for a file that could not be decoded.</summary>
    public static Text Undecodable(Encoding used) => used == Utf8
        ? new("文件不是有效的 UTF-8 编码；如为 GBK/GB18030（Excel 默认），请在 Content-Type 中声明 charset=gbk", "the file is not valid UTF-8; if it is GBK/GB18030 (Excel's default), declare charset=gbk in the Content-Type")
        : new("文件不是有效的 GB18030/GBK 编码", "the file is not valid GB18030/GBK");

    /// <summary>Reads a few bytes already taken from the body first, then the rest of the body.</summary>
    private sealed class PrefixedStream(byte[] prefix, int length, Stream rest) : ReadOnlyStream
    {
        private int _position;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position < length)
            {
                var n = Math.Min(buffer.Length, length - _position);
                prefix.AsSpan(_position, n).CopyTo(buffer);
                _position += n;
                return n;
            }
            return rest.Read(buffer);
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position < length) return new ValueTask<int>(Read(buffer.Span));
            return rest.ReadAsync(buffer, cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
