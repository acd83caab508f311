using System.Text;
using Doudi.Cases;
using Doudi.Server.Api;
using Doudi.Server.Audit;
using Doudi.Server.Imports;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Settlements;

public sealed record RowError(long Row, long Line, string? Id, Dictionary<string, string[]> Errors);

public sealed class BulkImportReport
{
    public required string Id { get; init; }
    public required string Format { get; init; }
    public required string Mode { get; init; }
    public bool DryRun { get; init; }
    public long Rows { get; set; }
    public long Settled { get; set; }
    public long Replayed { get; set; }
    /// <summary>Rows outside the plausibility bounds, held for review (they pay nothing until released).</summary>
    public long Held { get; set; }
    public long Rejected { get; set; }
    public bool Committed { get; set; }
    public bool ErrorsTruncated { get; set; }
    public List<RowError> Errors { get; } = [];
}

/// <summary>
/// Streams a period's settlement records (CSV with a header row, or JSON Lines), in our field names or the national
/// platform's, through the same settlement as the one-stop API (same ledger, same idempotency on the settlement id).
/// Mode <c>per_row</c> (default): good rows are stored in chunks of 1,000, bad rows are reported and stored nowhere; the
/// same file sent again adds only what is missing. Mode <c>all_or_nothing</c>: one transaction, stored only if no row fails.
/// <c>dryRun</c> settles everything and stores nothing. The report keeps the first 1,000 row errors.
/// </summary>
public sealed class BulkImport(Database db, SettlementService service, Plausibility plausibility)
{
    public const int ChunkSize = 1000;
    public const int MaxErrorsKept = 1000;

    public async Task<BulkImportReport> RunAsync(Stream body, string format, string mode, bool dryRun, Actor actor, CancellationToken ct, Encoding? charset = null)
    {
        var report = new BulkImportReport { Id = "SI" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6)), Format = format, Mode = mode, DryRun = dryRun };
        var atomic = mode == "all_or_nothing" || dryRun;
        var source = "import:" + report.Id;
        WriteScope? scope = null;
        long inChunk = 0;
        try
        {
            using var reader = format == "csv" ? await CsvEncoding.ReaderAsync(body, charset, ct)
                : new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
            await foreach (var (row, line, read, rowProblems) in Rows(reader, format, ct))
            {
                report.Rows++;
                if (rowProblems.Count > 0 || !read!.Ok) { Reject(report, row, line, null, rowProblems.Count > 0 ? rowProblems : BillRequest.ToFields(read!.Problems)); continue; }
                var input = read.Value!;
                IReadOnlyList<FieldProblem> hold;
                try { hold = plausibility.Check(input); }
                catch (ApiProblemException e) { Reject(report, row, line, input.Bill.Id, e.Fields); continue; }
                scope ??= await db.BeginWriteAsync(ct);
                var savepoint = db.Dialect == Dialect.Postgres;
                if (savepoint) await scope.Transaction.SaveAsync("row", ct);
                try
                {
                    var outcome = await service.SettleInTransactionAsync(scope.Connection, scope.Transaction, input, SettlementService.HashOf(input), actor, source, hold);
                    if (outcome.Replayed) report.Replayed++;
                    else if (outcome.Held is not null) report.Held++;
                    else report.Settled++;
                    if (savepoint) await scope.Transaction.ReleaseAsync("row", ct);
                }
                catch (ApiProblemException e)
                {
                    if (savepoint) await scope.Transaction.RollbackAsync("row", ct);
                    Reject(report, row, line, input.Bill.Id, e.Fields.Count > 0 ? e.Fields : [new FieldProblem("$", e.Title)]);
                }
                catch (Exception e) when (Database.IsUniqueViolation(e))
                {
                    if (savepoint) await scope.Transaction.RollbackAsync("row", ct);
                    Reject(report, row, line, input.Bill.Id, [new FieldProblem("id", new("结算号已被并发请求使用", "settlement id was used by a concurrent request"))]);
                }
                if (!atomic && ++inChunk >= ChunkSize)
                {
                    await scope.CommitAsync(ct);
                    await scope.DisposeAsync(); // releases SQLite's writer between chunks so one-stop settlement goes on
                    scope = null; inChunk = 0;
                }
            }
            if (scope is not null && (!atomic || (report.Rejected == 0 && !dryRun))) await scope.CommitAsync(ct);
            report.Committed = !dryRun && (!atomic || report.Rejected == 0);
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            if (!atomic && scope is not null) await scope.CommitAsync(ct);
            Reject(report, report.Rows + 1, 0, null, [new FieldProblem("file", e is DecoderFallbackException
                ? CsvEncoding.Undecodable(charset ?? CsvEncoding.Utf8) : new(e.Message, e.Message))]);
            report.Committed = !atomic;
        }
        finally
        {
            if (scope is not null) await scope.DisposeAsync();
        }
        await db.WriteAsync(async (c, tx) =>
        {
            await c.ExecAsync("INSERT INTO settlement_imports (id, format, mode, rows_total, rows_settled, rows_replayed, rows_rejected, committed, errors_json, created_at, created_by) " +
                "VALUES (@id, @f, @m, @n, @s, @r, @x, @c, @e, @at, @by)", tx,
                ("id", report.Id), ("f", format), ("m", dryRun ? "dry_run" : mode), ("n", report.Rows), ("s", report.Committed ? report.Settled : 0L), ("r", report.Replayed),
                ("x", report.Rejected), ("c", report.Committed), ("e", Json.Serialize(report.Errors)), ("at", DateTimeOffset.UtcNow), ("by", actor.Name));
            await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "import", "settlement_import", report.Id, null,
                new { report.Format, report.Mode, report.DryRun, report.Rows, report.Settled, report.Replayed, report.Rejected, report.Committed });
            return 0;
        }, ct);
        if (!report.Committed) report.Settled = 0;
        return report;
    }

    private static void Reject(BulkImportReport report, long row, long line, string? id, IEnumerable<FieldProblem> problems)
    {
        report.Rejected++;
        if (report.Errors.Count >= MaxErrorsKept) { report.ErrorsTruncated = true; return; }
        report.Errors.Add(new RowError(row, line, id, problems.GroupBy(p => p.Path).ToDictionary(g => g.Key, g => g.Select(p => p.Message.Zh + " / " + p.Message.En).ToArray())));
    }

    /// <summary>The rows as bills, read by Doudi.Cases' reader (CSV cells as text, a JSON line as a bill object), with problems of the row's shape.</summary>
    private static async IAsyncEnumerable<(long Row, long Line, ReadResult<BillDocument>? Read, List<FieldProblem> Problems)> Rows(
        TextReader reader, string format, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        long row = 0;
        if (format == "csv")
        {
            List<string>? header = null;
            await foreach (var (line, cells) in new CsvReader(reader).ReadAllAsync(ct))
            {
                if (header is null) { header = cells.Select(h => h.Trim()).ToList(); continue; }
                row++;
                var problems = new List<FieldProblem>();
                if (cells.Count != header.Count)
                    problems.Add(new("$", new($"应有 {header.Count} 列，实有 {cells.Count} 列", $"expected {header.Count} columns, found {cells.Count}")));
                yield return (row, line, problems.Count == 0 ? BillReader.ReadRow(header, cells.Select(c => c.Trim()).ToList()) : null, problems);
            }
            if (header is null) throw new FormatException("the file is empty or has no header / 文件为空或缺少表头");
            yield break;
        }
        long lineNo = 0;
        string? text;
        while ((text = await reader.ReadLineAsync(ct)) is not null)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            row++;
            if (text.Length > BillRequest.MaxBytes)
            {
                yield return (row, lineNo, null, [new("$", new("此行过长，不是一张单据", "the line is too long to be one bill"))]);
                continue;
            }
            yield return (row, lineNo, BillReader.ReadDocument(Encoding.UTF8.GetBytes(text)), []);
        }
    }
}
