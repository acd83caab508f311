using System.Text.Json;
using Doudi.Cases.Json;
using Doudi.Cases.Reading;
using Doudi.Engine.Cases;
using Doudi.Engine.Settlement;

namespace Doudi.Cases;

/// <summary>
/// Reads one bill or one person object, with the field names, defaults and checks of the case file, for a
/// server that settles bills one at a time. Problem paths start with the given prefix: with "bill" a bad date
/// is reported at <c>bill.date</c>; with "" at <c>date</c>. Whether the bill's person exists is the caller's
/// question (a lone bill has no person list to check against).
/// </summary>
public static class BillReader
{
    /// <summary>Reads a document that is exactly one bill object.</summary>
    public static ReadResult<Bill> ReadBill(ReadOnlySpan<byte> utf8Json, string pathPrefix = "") =>
        ReadDocument(utf8Json, pathPrefix, static (CaseParser p, ref JsonCursor c) => p.ReadBill(ref c, out _, out _, out _));

    /// <summary>
    /// Reads a document that is one bill as a server receives it, in our names or the national platform's (see
    /// <see cref="NationalNames"/>), with its region, insurance, institution, diagnosis and item lines.
    /// </summary>
    public static ReadResult<BillDocument> ReadDocument(ReadOnlySpan<byte> utf8Json, string pathPrefix = "")
    {
        var problems = new List<SettlementProblem>();
        var parser = new CaseParser(pathPrefix, problems) { Lone = true };
        var cursor = new JsonCursor(utf8Json);
        CaseReader.Run(parser, ref cursor, static (CaseParser p, ref JsonCursor c) =>
        {
            if (c.IsBlank || !c.Read()) { p.EmptyDocument(); return null; }
            var bill = p.ReadBill(ref c, out _, out _, out _);
            c.Read(); // throws on anything after the object
            return bill;
        });
        return new ReadResult<BillDocument>(problems.Count == 0 ? parser.LastDocument : null, problems);
    }

    /// <summary>
    /// Reads one CSV row as a bill (the header names the fields, in either naming): every cell is text, so amounts,
    /// levels and true/false are read from their text; an empty cell is a field not given.
    /// </summary>
    public static ReadResult<BillDocument> ReadRow(IReadOnlyList<string> header, IReadOnlyList<string> cells, string pathPrefix = "")
    {
        // The row as a JSON object, written into a buffer kept per thread (an import reads millions of rows; the parser
        // copies what it keeps, so the buffer is free again once the row is read).
        var buffer = t_rowBuffer ??= new System.Buffers.ArrayBufferWriter<byte>(2048);
        buffer.ResetWrittenCount();
        var w = t_rowWriter ??= new Utf8JsonWriter(buffer);
        w.Reset(buffer);
        w.WriteStartObject();
        for (int i = 0; i < header.Count && i < cells.Count; i++)
            if (cells[i].Length > 0) w.WriteString(header[i], cells[i]);
        w.WriteEndObject();
        w.Flush();
        var problems = new List<SettlementProblem>();
        var parser = new CaseParser(pathPrefix, problems) { Lone = true, Cells = true };
        var cursor = new JsonCursor(buffer.WrittenSpan);
        CaseReader.Run(parser, ref cursor, static (CaseParser p, ref JsonCursor c) => { c.Read(); return p.ReadBill(ref c, out _, out _, out _); });
        return new ReadResult<BillDocument>(problems.Count == 0 ? parser.LastDocument : null, problems);
    }

    [ThreadStatic] private static System.Buffers.ArrayBufferWriter<byte>? t_rowBuffer;
    [ThreadStatic] private static Utf8JsonWriter? t_rowWriter;

    /// <summary>Reads a document that is exactly one person object (household defaults to the id).</summary>
    public static ReadResult<Person> ReadPerson(ReadOnlySpan<byte> utf8Json, string pathPrefix = "") =>
        ReadDocument(utf8Json, pathPrefix, static (CaseParser p, ref JsonCursor c) => p.ReadPerson(ref c, out _));

    /// <summary>
    /// Reads the bill object <paramref name="reader"/> is on (its StartObject token) out of a larger document
    /// that the reader holds whole (final block), read without comments; leaves the reader on the bill's EndObject.
    /// Problems are added to <paramref name="problems"/>; after a broken-JSON problem the reader cannot be used further.
    /// </summary>
    public static Bill? ReadBill(ref Utf8JsonReader reader, string pathPrefix, List<SettlementProblem> problems) =>
        ReadValue(ref reader, pathPrefix, problems, static (CaseParser p, ref JsonCursor c) => p.ReadBill(ref c, out _, out _, out _));

    /// <summary>As <see cref="ReadBill(ref Utf8JsonReader, string, List{SettlementProblem})"/>, for a person object.</summary>
    public static Person? ReadPerson(ref Utf8JsonReader reader, string pathPrefix, List<SettlementProblem> problems) =>
        ReadValue(ref reader, pathPrefix, problems, static (CaseParser p, ref JsonCursor c) => p.ReadPerson(ref c, out _));

    private static ReadResult<T> ReadDocument<T>(ReadOnlySpan<byte> utf8Json, string prefix, CaseReader.ReadValue<T> read) where T : class
    {
        var problems = new List<SettlementProblem>();
        var parser = new CaseParser(prefix, problems);
        var cursor = new JsonCursor(utf8Json);
        var value = CaseReader.Run(parser, ref cursor, (CaseParser p, ref JsonCursor c) =>
        {
            if (c.IsBlank || !c.Read()) { p.EmptyDocument(); return null; }
            var result = read(p, ref c);
            c.Read(); // throws on anything after the object
            return result;
        });
        return new ReadResult<T>(problems.Count == 0 ? value : null, problems);
    }

    private static T? ReadValue<T>(ref Utf8JsonReader reader, string prefix, List<SettlementProblem> problems, CaseReader.ReadValue<T> read)
        where T : class
    {
        int before = problems.Count;
        var parser = new CaseParser(prefix, problems);
        var cursor = new JsonCursor(reader);
        var value = CaseReader.Run(parser, ref cursor, read);
        reader = cursor.Reader;
        return problems.Count == before ? value : null;
    }
}
