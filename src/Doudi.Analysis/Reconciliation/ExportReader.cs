using Doudi.Cases;
using Doudi.Engine.Cases;
using Sylvan.Data.Csv;

namespace Doudi.Analysis.Reconciliation;

/// <summary>One settlement of the export: the bill as the engine reads it (without the assistance paid, which is what
/// is compared), the assistance the platform paid, and what the reports group by.</summary>
public sealed record ExportRow(Bill Bill, decimal Paid, string? Institution, string? InstitutionName, string? Diagnosis, string? Name, long Line);

/// <summary>
/// Reads a settlement export (CSV with a header line) through a <see cref="MappingProfile"/>: the profile renames the
/// file's columns to national fields and drops the ignored ones, and each row is then read by the one bill contract
/// (<see cref="BillReader.ReadRow"/>: amounts as numbers or strings, times with or without +08:00, med_type as a code or
/// as a name beside med_typecode, every check of a bill). All or nothing: any problem refuses the file, each named
/// <c>file:line: column: message</c> in the file's own column names.
/// </summary>
public static class ExportReader
{
    public const int MaxProblems = 200;

    public static (List<ExportRow>? Rows, List<PlacedProblem> Problems) Read(string path, MappingProfile profile)
    {
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        return Read(reader, Path.GetFileName(path), profile);
    }

    public static (List<ExportRow>? Rows, List<PlacedProblem> Problems) Read(TextReader text, string file, MappingProfile profile)
    {
        var rows = new List<ExportRow>();
        var problems = Read(text, file, profile, rows.Add);
        return problems.Count > 0 ? (null, problems) : (rows, problems);
    }

    /// <summary>
    /// Reads the export into a <see cref="RowSpill"/> of <paramref name="parts"/> parts by person instead of memory (a
    /// city's export): the same checks and problems as <see cref="Read(string, MappingProfile)"/>; null with problems.
    /// </summary>
    public static (RowSpill? Rows, List<PlacedProblem> Problems) ReadSpilled(string path, MappingProfile profile, int parts)
    {
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        var spill = new RowSpill(parts);
        try
        {
            var problems = Read(reader, Path.GetFileName(path), profile, spill.Add);
            if (problems.Count == 0) return (spill, problems);
            spill.Dispose();
            return (null, problems);
        }
        catch
        {
            spill.Dispose();
            throw;
        }
    }

    /// <summary>Reads every row, handing each good one to <paramref name="row"/>; the problems (a row is handed over only while there are none).</summary>
    private static List<PlacedProblem> Read(TextReader text, string file, MappingProfile profile, Action<ExportRow> row)
    {
        var problems = new List<PlacedProblem>();
        using var csv = CsvDataReader.Create(text, new CsvDataReaderOptions { HasHeaders = true, BufferSize = 1 << 16 });
        var header = Enumerable.Range(0, csv.FieldCount).Select(csv.GetName).ToList();
        var duplicate = header.GroupBy(h => h, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicate.Count > 0) problems.Add(new(file, 1, $"重复的列 duplicate columns: {string.Join(", ", duplicate)}"));
        var (fields, mapping) = profile.Resolve(header);
        problems.AddRange(mapping.Select(m => new PlacedProblem(file, 1, m)));
        if (problems.Count > 0) return problems;

        // The columns read, under their national names; the file's name of each field for messages.
        var read = Enumerable.Range(0, fields.Length).Where(i => fields[i] is not null).ToArray();
        var names = read.Select(i => fields[i]!).ToArray();
        var columnOf = read.ToDictionary(i => fields[i]!, i => header[i], StringComparer.Ordinal);
        var cells = new string[read.Length];
        var ids = new HashSet<string>(StringComparer.Ordinal);
        long line = 1;
        while (csv.Read())
        {
            line++;
            if (csv.RowFieldCount != header.Count)
                problems.Add(new(file, line, $"有 {csv.RowFieldCount} 列，表头有 {header.Count} 列 has {csv.RowFieldCount} fields, the header {header.Count}"));
            else
            {
                for (int k = 0; k < read.Length; k++) cells[k] = csv.GetString(read[k]);
                var doc = BillReader.ReadRow(names, cells);
                if (!doc.Ok)
                    foreach (var p in doc.Problems) problems.Add(new(file, line, $"{InFile(p.Path, columnOf)}: {p.Message}"));
                else
                {
                    var d = doc.Value!;
                    if (!ids.Add(d.Bill.Id)) problems.Add(new(file, line, $"{columnOf["setl_id"]}: 重复的结算号 duplicate setl_id '{d.Bill.Id}'"));
                    else if (problems.Count == 0) row(new ExportRow(d.Bill with { AssistancePaid = null }, d.National?.Maf ?? d.Bill.AssistancePaid ?? 0m, d.Institution?.Code,
                        d.Institution?.Name, d.Diagnosis?.Code, null, line));
                }
            }
            if (problems.Count >= MaxProblems) { problems.Add(new(file, line, $"问题过多，只列出前 {MaxProblems} 个 too many problems; the first {MaxProblems} are listed")); break; }
        }
        return problems;
    }

    /// <summary>A problem path of the bill contract (<c>hifp_pay</c>, <c>feedetail[1].x</c>) in the file's column names.</summary>
    private static string InFile(string path, Dictionary<string, string> columnOf)
    {
        int cut = path.IndexOfAny(['.', '[']);
        string head = cut < 0 ? path : path[..cut];
        return columnOf.TryGetValue(head, out var column) ? column + (cut < 0 ? "" : path[cut..]) : path;
    }
}
