using System.Text.Json;
using Doudi.Cases.Json;
using Doudi.Cases.Reading;
using Doudi.Engine.Cases;
using Doudi.Engine.Settlement;

namespace Doudi.Cases;

/// <summary>
/// Reads a case file (UTF-8 JSON, see issue 2) into a <see cref="CaseFile"/>. The input is streamed through
/// <see cref="Utf8JsonReader"/>, never deserialized by reflection, and every problem is collected with its
/// JSON path (<c>bills[3].date</c>) instead of stopping at the first.
/// </summary>
public static class CaseReader
{
    public static ReadResult<CaseFile> Read(ReadOnlySpan<byte> utf8Json)
    {
        var problems = new List<SettlementProblem>();
        var parser = new CaseParser("", problems);
        var cursor = new JsonCursor(utf8Json);
        return new ReadResult<CaseFile>(Run(parser, ref cursor, static (CaseParser p, ref JsonCursor c) => p.ReadCase(ref c)), problems);
    }

    /// <summary>Reads from a stream through a pooled buffer; the stream is read to its end but not closed.</summary>
    public static ReadResult<CaseFile> Read(Stream utf8Json)
    {
        var problems = new List<SettlementProblem>();
        var parser = new CaseParser("", problems);
        // Not `using`: a using variable cannot be passed by ref, and the cursor swaps its buffer as it grows.
        var cursor = new JsonCursor(utf8Json);
        try
        {
            return new ReadResult<CaseFile>(Run(parser, ref cursor, static (CaseParser p, ref JsonCursor c) => p.ReadCase(ref c)), problems);
        }
        finally
        {
            cursor.Dispose();
        }
    }

    /// <summary>
    /// Reads a case file from a stream and hands its region, persons and then each bill to <paramref name="sink"/> as
    /// they are read, holding no bill (unless bills come before the persons in the file: those are handed over at the
    /// end). Returns every problem of the file, as <see cref="Read(Stream)"/> would; after a problem nothing more is
    /// handed over, and what was is to be dropped.
    /// </summary>
    public static IReadOnlyList<SettlementProblem> Read(Stream utf8Json, ICaseSink sink)
    {
        var problems = new List<SettlementProblem>();
        var parser = new CaseParser("", problems);
        var cursor = new JsonCursor(utf8Json);
        try
        {
            Run(parser, ref cursor, (CaseParser p, ref JsonCursor c) => p.ReadCase(ref c, sink));
            return problems;
        }
        finally
        {
            cursor.Dispose();
        }
    }

    internal static T? Run<T>(CaseParser parser, ref JsonCursor cursor, ReadValue<T> read) where T : class
    {
        try
        {
            return read(parser, ref cursor);
        }
        catch (JsonException ex)
        {
            parser.BrokenJson(ex);
        }
        catch (InvalidOperationException ex)
        {
            // Utf8JsonReader throws this for text that is not valid UTF-8 when a string is decoded.
            parser.BrokenText(ex);
        }
        return null;
    }

    internal delegate T? ReadValue<T>(CaseParser parser, ref JsonCursor cursor);
}
