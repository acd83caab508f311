using System.Security.Cryptography;
using System.Text;
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
        var body = await ReadBodyAsync(request, ct);
        var read = BillReader.ReadDocument(body.Span);
        if (!read.Ok) throw ApiProblemException.Invalid(ToFields(read.Problems));
        return read.Value!;
    }

    public static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBytes) throw TooLarge();
        using var buffer = new MemoryStream(request.ContentLength is { } n and > 0 ? (int)n : 1024);
        var chunk = new byte[16384];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBytes) throw TooLarge();
            buffer.Write(chunk, 0, read);
        }
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
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
    public static string HashOf(BillDocument d) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            Json.Serialize(d.Bill) + "|" + d.PersonKey + "|" + d.Region + "|" + d.Insurance +
            (d.Institution is null && d.Diagnosis is null && d.Lines.Count == 0 ? "" : "|" + Json.Serialize(new { d.Institution, d.Diagnosis, d.Lines })))));
}
