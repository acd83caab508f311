using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Doudi.Cases;
using Doudi.Engine.Settlement;
using Doudi.Server.Api;

namespace Doudi.Server.Settlements;

/// <summary>
/// A bill as the API receives it, read by <see cref="BillReader"/> (the one reader of bills, shared with <c>doudi settle</c>):
/// our field names or the national platform's. This class only carries its problems over to the API's problem format.
/// </summary>
public static class BillRequest
{
    /// <summary>A bill with thousands of fee details stays well under this; anything larger is not a bill.</summary>
    public const int MaxBytes = 4 << 20;

    public static async Task<BillDocument> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        // The body is read into a pooled buffer and parsed there: no copy, no allocation per request beyond the bill.
        if (request.ContentLength > MaxBytes) throw TooLarge();
        var buffer = ArrayPool<byte>.Shared.Rent(request.ContentLength is { } n and > 0 ? (int)n : 4096);
        try
        {
            int length = 0, read;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length >= MaxBytes) throw TooLarge();
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(MaxBytes + 1, length * 2));
                    Buffer.BlockCopy(buffer, 0, bigger, 0, length);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                if ((read = await request.Body.ReadAsync(buffer.AsMemory(length), ct)) == 0) break;
                length += read;
                if (length > MaxBytes) throw TooLarge();
            }
            var result = BillReader.ReadDocument(buffer.AsSpan(0, length));
            if (!result.Ok) throw ApiProblemException.Invalid(ToFields(result.Problems));
            return result.Value!;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ApiProblemException TooLarge() => new(StatusCodes.Status413PayloadTooLarge,
        new($"请求体超过 {MaxBytes / 1048576} MB，不是一张单据", $"the body is larger than {MaxBytes / 1048576} MB; that is not one bill"));

    /// <summary>The reader's problems (texts in Chinese with English in brackets) as API field problems.</summary>
    public static List<FieldProblem> ToFields(IEnumerable<SettlementProblem> problems) =>
        problems.Select(p => new FieldProblem(p.Path, new(p.Message, p.Message))).ToList();

    /// <summary>
    /// What makes two requests the same bill, whatever their naming: the engine's bill, the person reference, region,
    /// insurance and what the bill says of its institution, diagnosis and items.
    /// </summary>
    /// <remarks>
    /// The SHA-256 of the UTF-8 text <c>json(bill) | person | region | insurance [| json({institution, diagnosis, lines})]</c>
    /// (the API's JSON options), written straight as UTF-8 into a buffer kept per thread: the bytes hashed are the ones
    /// the text gave encoded, so the hashes are the same (pinned in RequestHashTests), without building the text.
    /// </remarks>
    public static string HashOf(BillDocument d)
    {
        var buffer = t_hashBuffer ??= new ArrayBufferWriter<byte>(2048);
        buffer.ResetWrittenCount();
        var w = t_hashWriter ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Json.Options.Encoder, SkipValidation = true });
        w.Reset(buffer);
        // A med_type that implies emergency (and a bill that does not say it) hashes as it did before med_type set it.
        JsonSerializer.Serialize(w, d.EmergencyFromMedType ? d.Bill with { Emergency = false } : d.Bill, Json.Options);
        w.Flush();
        Text(buffer, "|"); Text(buffer, d.PersonKey); Text(buffer, "|"); Text(buffer, d.Region); Text(buffer, "|"); Text(buffer, d.Insurance?.ToString());
        if (d.Institution is not null || d.Diagnosis is not null || d.Lines.Count > 0)
        {
            Text(buffer, "|");
            w.Reset(buffer);
            JsonSerializer.Serialize(w, new { d.Institution, d.Diagnosis, d.Lines }, Json.Options);
            w.Flush();
        }
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(buffer.WrittenSpan, hash);
        return Convert.ToHexStringLower(hash);
    }

    // Each part encoded alone gives the bytes of the whole text encoded: the parts are joined by '|', so no surrogate pair
    // spans two parts (a lone surrogate is replaced by U+FFFD either way).
    private static void Text(ArrayBufferWriter<byte> buffer, string? text)
    {
        if (!string.IsNullOrEmpty(text)) Encoding.UTF8.GetBytes(text.AsSpan(), buffer);
    }

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_hashBuffer;
    [ThreadStatic] private static Utf8JsonWriter? t_hashWriter;
}
