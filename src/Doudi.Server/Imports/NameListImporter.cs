using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Doudi.Policy.Vocabulary;
using Doudi.Server.Api;
using Doudi.Server.Audit;
using Doudi.Server.Registry;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Imports;

/// <summary>
/// Monthly name lists from the departments (民政, 乡村振兴, 退役军人事务, 残联). A list is a batch: validated whole, applied
/// whole in one transaction or not at all, idempotent (the same file for the same department, month and region returns
/// the stored report), and answered with a change report. Mode <c>full</c> (default): the list is the department's whole
/// roster for the month, so an identity of that department missing from it ends. Mode <c>changes</c>: only listed rows apply.
/// Dates (I-1): a list of month M recognises new identities on M-01 (effective M+1-01) and revokes absent or changed
/// ones on M-01 (effective to the end of M), unless a row gives its own recognised/revoked dates.
/// Scale (issue 9): the rows are parsed and checked before any lock is taken; then, in the one transaction, the listed ID
/// numbers are staged (PostgreSQL: binary COPY), the listed persons and their identities are read in one query, each row's
/// change is worked out in memory against that snapshot, and the changes are written by bulk statements — no statement per
/// row, and nothing that grows with the roster times the list. One import per department and region runs at a time;
/// a second is told 409 at once.
/// </summary>
public sealed class NameListImporter(Database db, NameListProgress progress, IEnumerable<Prevention.Common.IIdentityAddedHook>? hooks = null, IConfiguration? config = null,
    ILogger<NameListImporter>? log = null)
{
    /// <summary><paramref name="ConfirmEnds"/>: the sender confirmed that a <c>full</c> list may end more than the allowed share of the roster.</summary>
    public sealed record Request(string Department, string Month, string Region, string Mode, string Format, byte[] Content, bool ConfirmEnds = false,
        System.Text.Encoding? Charset = null);

    /// <summary>
    /// The share of a department's roster in the region that a <c>full</c> list may end without an explicit confirmation
    /// (<c>Doudi:NameLists:MaxEndShare</c>, default 0.10): a truncated or header-only file must not end a whole roster unasked.
    /// </summary>
    public decimal MaxEndShare { get; } =
        decimal.TryParse(config?["Doudi:NameLists:MaxEndShare"], System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var share) && share is >= 0 and <= 1
            ? share : 0.10m;

    public static string HashOf(Request r) => Convert.ToHexStringLower(SHA256.HashData(
        [.. Encoding.UTF8.GetBytes($"{r.Department}|{r.Month}|{r.Region}|"), .. r.Content]));

    /// <summary>Test hook: awaited once the list is read and its applying state stored, before the write transaction.</summary>
    internal Func<NameListProgress.Run, Task>? ApplyingHook { get; set; }

    public static string NewBatchId() => "NL" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6));

    /// <summary>409 with Retry-After: this department's list for this region is being imported (on this node or another).</summary>
    public static ApiProblemException Running(Request r) => new(StatusCodes.Status409Conflict,
        new($"{r.Department} 在 {r.Region} 的名单正在导入，请待其完成后再提交", $"a {r.Department} name list for {r.Region} is being imported; send this one when it has finished"),
        type: "https://doudi.example/problems/import-running") { RetryAfterSeconds = 5 };

    /// <summary>Imports a list and waits for it: the stored report when the same list was imported before.</summary>
    public async Task<(ChangeReport Report, bool Created)> ImportAsync(Request request, Actor actor, CancellationToken ct)
    {
        var stored = await FindStoredAsync(request, ct);
        if (stored is not null) return (stored, false);
        var run = progress.Begin(request, NewBatchId()) ?? throw Running(request);
        return await RunAsync(run, actor, ct);
    }

    /// <summary>The stored report of this very list (same department, month, region and content), marked repeated; or null.</summary>
    public Task<ChangeReport?> FindStoredAsync(Request request, CancellationToken ct) => FindAsync(request, HashOf(request), ct);

    /// <summary>Runs a registered import (<see cref="NameListProgress.Begin"/>) to its end, recording how it ended for <c>GET</c>.</summary>
    public async Task<(ChangeReport Report, bool Created)> RunAsync(NameListProgress.Run run, Actor actor, CancellationToken ct)
    {
        var request = run.Request;
        var hash = HashOf(request);
        try
        {
            await progress.StoreAsync(run, ct);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var rows = await ParseAsync(request, run, ct);
            log?.LogDebug("Name list {Batch}: {Rows} rows read in {Ms} ms", run.Batch, rows.Count, clock.ElapsedMilliseconds);
            run.Applying(rows.Count);
            await progress.StoreAsync(run, ct);
            if (ApplyingHook is { } hook) await hook(run);
            var monthStart = DateOnly.ParseExact(request.Month + "-01", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            var result = await db.WriteAsync(async (c, tx) =>
            {
                // One import per department and region across nodes; the second is told at once instead of queueing.
                if (!await RunLocks.TryAsync(c, tx, db.Dialect, run.Key)) throw Running(request);
                var again = await FindAsync(c, tx, request, hash);
                if (again is not null) return (again, false);
                return (await ApplyAsync(c, tx, run, hash, rows, monthStart, actor, ct), true);
            }, ct);
            log?.LogInformation("Name list {Batch}: {Rows} rows in {Ms} ms", run.Batch, rows.Count, clock.ElapsedMilliseconds);
            await progress.EndAsync(run, null);
            return result;
        }
        catch (Exception e) when (Database.IsUniqueViolation(e))
        {
            var stored = await FindAsync(request, hash, ct);
            await progress.EndAsync(run, stored is null ? ApiProblemException.Conflict(new("名单与同时写入的数据冲突，请重新提交", "the list collided with a concurrent change; send it again")) : null);
            return (stored ?? throw new InvalidOperationException("batch vanished", e), false);
        }
        catch (ApiProblemException e) { await progress.EndAsync(run, e); throw; }
        catch (Exception e)
        {
            await progress.EndAsync(run, Busy.Of(e) is { } busy ? Problems.Busy(busy)
                : new ApiProblemException(StatusCodes.Status500InternalServerError, new("导入失败，未保存任何内容", "the import failed; nothing was stored")));
            throw;
        }
    }

    private Task<ChangeReport?> FindAsync(Request r, string hash, CancellationToken ct) => db.ReadAsync(c => FindAsync(c, null, r, hash), ct);

    private static async Task<ChangeReport?> FindAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction? tx, Request r, string hash)
    {
        var json = await c.ScalarAsync("SELECT report_json FROM name_list_batches WHERE department = @d AND month = @m AND region = @r AND content_hash = @h", tx,
            ("d", r.Department), ("m", r.Month), ("r", r.Region), ("h", hash));
        if (json is null) return null;
        var report = Json.Deserialize<ChangeReport>((string)json);
        report.Repeated = true;
        return report;
    }

    /// <summary>Reads and validates every row; any problem rejects the whole batch with every problem named.</summary>
    private static async Task<List<NameListRow>> ParseAsync(Request request, NameListProgress.Run run, CancellationToken ct)
    {
        var problems = new List<FieldProblem>();
        var rows = new List<NameListRow>();
        if (request.Format == "csv")
        {
            var encoding = request.Charset ?? CsvEncoding.Detect(request.Content, complete: true);
            var csv = new CsvReader(CsvEncoding.Reader(request.Content, encoding));
            List<string>? header = null;
            try
            {
                await foreach (var (line, cells) in csv.ReadAllAsync(ct))
                {
                    if (header is null)
                    {
                        header = cells.Select(h => h.Trim()).ToList();
                        foreach (var u in NameListRows.UnknownFields(header)) problems.Add(new($"line 1.{u}", new("未知列", "unknown column")));
                        // A column given twice would be read last-one-wins: refused by name, like a repeated JSON key.
                        foreach (var d in header.GroupBy(h => h, StringComparer.Ordinal).Where(g => g.Count() > 1))
                            problems.Add(new($"line 1.{d.Key}", new("列重复出现", "the column is given twice")));
                        continue;
                    }
                    if (cells.Count != header.Count)
                    {
                        problems.Add(new($"line {line}", new($"应有 {header.Count} 列，实有 {cells.Count} 列", $"expected {header.Count} columns, found {cells.Count}")));
                        continue;
                    }
                    var row = NameListRows.Parse(Fields.FromCells(header, cells, $"line {line}", problems), request.Department);
                    if (row is not null) rows.Add(row);
                    run.Read();
                }
            }
            catch (FormatException e) { problems.Add(new("csv", new(e.Message, e.Message))); }
            catch (DecoderFallbackException) { problems.Add(new("csv", CsvEncoding.Undecodable(encoding))); }
            if (header is null) problems.Add(new("csv", new("文件为空或缺少表头", "the file is empty or has no header")));
        }
        else
        {
            JsonDocument doc;
            try { doc = JsonDocument.Parse(request.Content); }
            catch (JsonException e) { throw ApiProblemException.Invalid([new(e.Path ?? "$", new($"JSON 格式错误（第 {e.LineNumber + 1} 行）", $"broken JSON (line {e.LineNumber + 1})"))]); }
            using (doc)
            {
                // A key given twice anywhere, or a field beside rows, is refused by name like in every other body.
                var shape = new List<FieldProblem>();
                Body.Duplicates(doc.RootElement, "", shape);
                if (doc.RootElement.ValueKind == JsonValueKind.Object)
                    foreach (var p in doc.RootElement.EnumerateObject())
                        if (p.Name != "rows") shape.Add(new(p.Name, new("未知字段", "unknown field")));
                if (shape.Count > 0) throw ApiProblemException.Invalid(shape);
                var arr = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("rows", out var r) ? r : doc.RootElement;
                if (arr.ValueKind != JsonValueKind.Array)
                    throw ApiProblemException.Invalid([new("rows", new("应为数组（或含 rows 数组的对象）", "must be an array (or an object with a rows array)"))]);
                var i = 0;
                foreach (var el in arr.EnumerateArray())
                {
                    var path = $"rows[{i++}]";
                    if (el.ValueKind != JsonValueKind.Object) { problems.Add(new(path, new("应为对象", "must be an object"))); continue; }
                    var row = NameListRows.Parse(Fields.FromJson(el, path, problems), request.Department);
                    if (row is not null) rows.Add(row);
                    run.Read();
                }
            }
        }
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (seen.TryGetValue(row.IdNumber, out var first))
                problems.Add(new(row.Where, new($"此人在本批中重复出现（首次在 {first}），一人一日只能有一个类别（I-2）", $"this person is listed twice (first at {first}); one category per person per date (I-2)")));
            else seen[row.IdNumber] = row.Where;
        }
        if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
        return rows;
    }

    private async Task<ChangeReport> ApplyAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx, NameListProgress.Run run, string hash,
        List<NameListRow> rows, DateOnly monthStart, Actor actor, CancellationToken ct)
    {
        var request = run.Request;
        var batch = run.Batch;
        var sw = System.Diagnostics.Stopwatch.StartNew();
        void T(string phase) => log?.LogDebug("Name list {Batch}: {Phase} after {Ms} ms", batch, phase, sw.ElapsedMilliseconds);
        var report = new ChangeReport { Batch = batch, Department = request.Department, Month = request.Month, Region = request.Region, Mode = request.Mode, Rows = rows.Count };
        var now = DateTimeOffset.UtcNow;
        await c.ExecAsync("INSERT INTO name_list_batches (id, department, month, region, content_hash, format, row_count, report_json, created_at, created_by) " +
            "VALUES (@id, @d, @m, @r, @h, @f, @n, '{}', @at, @by)", tx,
            ("id", batch), ("d", request.Department), ("m", request.Month), ("r", request.Region), ("h", hash), ("f", request.Format), ("n", rows.Count), ("at", now), ("by", actor.Name));

        // Everyone listed, wherever registered, with every identity they hold: one query over the staged ID numbers.
        var store = new NameListStore(c, tx, db.Dialect);
        await store.StageKeysAsync(rows, ct);
        T("keys staged");
        var (found, held) = await store.ListedAsync(rows.Count, ct);
        T("listed persons read");
        var problems = new List<FieldProblem>();
        for (int i = 0; i < rows.Count; i++)
            if (found[i] is { } elsewhere && elsewhere.Region != request.Region)
                problems.Add(new(rows[i].Where, new($"此人登记在统筹区 {elsewhere.Region}，不在 {request.Region}", $"this person is registered in {elsewhere.Region}, not {request.Region}")));
        if (problems.Count > 0) throw ApiProblemException.Invalid(problems);

        // Each row's change, worked out against the roster as it was before this list (one row per person: duplicates were refused).
        var newPersons = new List<PersonRecord>();
        var movedPersons = new List<PersonRecord>();
        var households = new Dictionary<string, (string Region, string? Township)>(StringComparer.Ordinal);
        var madeHouseholds = new List<(string Id, string Region, string? Township)>();
        var ends = new List<(long Id, DateOnly Revoked)>();
        var added = new List<(string PersonId, Category Category, DateOnly Recognized, bool ForMedicalSpending)>();
        for (int i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var person = found[i];
            if (person is null)
            {
                person = new PersonRecord(RegistryStore.NewPersonId(), row.IdNumber, row.PsnNo, row.Name, row.Household ?? RegistryStore.NewHouseholdId(),
                    row.Insurance ?? InsuranceType.Resident, request.Region, row.Township);
                newPersons.Add(person);
                if (row.Household is null) madeHouseholds.Add((person.Household, person.Region, person.Township));
                else households.TryAdd(person.Household, (person.Region, person.Township));
            }
            else
            {
                if (person.Name != row.Name)
                    report.Conflicts.Add(new(person.Id, person.IdNumber, row.Name, Codes.ToCode(row.Category),
                        Note: $"姓名与登记库不一致（登记库：{person.Name}），未修改 / name differs from the registry ({person.Name}); not changed"));
                var updated = person with
                {
                    Household = row.Household ?? person.Household, Township = row.Township ?? person.Township,
                    Insurance = row.Insurance ?? person.Insurance, PsnNo = row.PsnNo ?? person.PsnNo,
                };
                if (updated != person)
                {
                    movedPersons.Add(updated);
                    households.TryAdd(updated.Household, (updated.Region, updated.Township));
                    report.Updated.Add(new(person.Id, person.IdNumber, person.Name, null,
                        Note: $"household {person.Household}→{updated.Household}, township {person.Township}→{updated.Township}, insurance {Codes.ToCode(person.Insurance)}→{Codes.ToCode(updated.Insurance)}"));
                    person = updated;
                }
            }
            run.Applied();
            var all = held[i] ?? [];
            var mine = all.Where(x => x.Department == request.Department).ToList();
            var open = mine.FirstOrDefault(x => x.Revoked is null);

            if (row.Revoked is { } revoked)
            {
                if (open is not null && open.Category == row.Category && revoked >= open.Recognized)
                {
                    ends.Add((open.Id, revoked));
                    report.Ended.Add(new(person.Id, person.IdNumber, person.Name, Codes.ToCode(open.Category), Recognized: open.Recognized, Revoked: revoked, EffectiveTo: Effective.To(revoked)));
                }
                else report.Conflicts.Add(new(person.Id, person.IdNumber, person.Name, Codes.ToCode(row.Category), Revoked: revoked,
                    Note: "退出的类别与当前在册身份不符，未处理 / revocation does not match a current identity of this department; not applied"));
                continue;
            }

            var recognized = row.Recognized ?? monthStart;
            if (open is not null && open.Category == row.Category && open.ForMedicalSpending == row.ForMedicalSpending)
            {
                report.Unchanged++;
                continue;
            }
            // I-2: one category per person per date from one department — the new identity may not overlap an earlier one.
            var clash = mine.Where(x => x.Id != open?.Id).FirstOrDefault(x => EffectiveOverlap(x.Recognized, x.Revoked, recognized, null));
            if (clash is not null)
            {
                problems.Add(new(row.Where, new(
                    $"认定日期 {recognized} 与此人此前的身份（{Codes.ToCode(clash.Category)}，{clash.Recognized}–{clash.Revoked}）重叠（I-2：每人每日一个类别）",
                    $"recognized {recognized} overlaps an earlier identity ({Codes.ToCode(clash.Category)}, {clash.Recognized}–{clash.Revoked}) (I-2: one category per date)")));
                continue;
            }
            DateOnly? endOld = null;
            if (open is not null)
            {
                endOld = recognized < open.Recognized ? open.Recognized : recognized;
                ends.Add((open.Id, endOld.Value));
            }
            added.Add((person.Id, row.Category, recognized, row.ForMedicalSpending));
            var change = new Change(person.Id, person.IdNumber, person.Name, Codes.ToCode(row.Category),
                open is null ? null : Codes.ToCode(open.Category), recognized, endOld, Effective.From(recognized), endOld is null ? null : Effective.To(endOld.Value));
            if (open is null) report.New.Add(change); else report.Changed.Add(change);

            foreach (var other in all.Where(x => x.Department != request.Department && EffectiveOverlap(x.Recognized, x.Revoked, recognized, null)))
                report.Conflicts.Add(new(person.Id, person.IdNumber, person.Name, Codes.ToCode(row.Category), Codes.ToCode(other.Category),
                    Note: $"同时持有 {other.Department} 的身份 {Codes.ToCode(other.Category)}；结算时按待遇就高（I-2） / also holds {Codes.ToCode(other.Category)} from {other.Department}; settlement takes the higher benefit (I-2)"));
        }
        if (problems.Count > 0) throw ApiProblemException.Invalid(problems);

        T("changes worked out");
        if (request.Mode == "full")
        {
            var (roster, absent) = await store.AbsentAsync(request.Department, request.Region, ct);
            if (absent.Count > 0 && absent.Count > MaxEndShare * roster && !request.ConfirmEnds)
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity,
                    new("名单将终止的人数超过允许比例，需要确认", "This list would end more of the roster than allowed without confirmation"),
                    [new("confirm", new(
                        $"本名单（全量）将终止 {absent.Count} 人的身份，占本部门在 {request.Region} 在册 {roster} 人的 {100m * absent.Count / roster:0.#}%，超过 {100m * MaxEndShare:0.#}%；核对无误后请加参数 confirm=true 重新提交",
                        $"this full list would end {absent.Count} of the department's {roster} identities in {request.Region} ({100m * absent.Count / roster:0.#}%), more than {100m * MaxEndShare:0.#}%; if that is right, send it again with confirm=true"))],
                    "https://doudi.example/problems/confirmation-required");
            foreach (var (open, idNumber, name) in absent)
            {
                var revoked = monthStart < open.Recognized ? open.Recognized : monthStart;
                ends.Add((open.Id, revoked));
                report.Ended.Add(new(open.PersonId, idNumber, name, Codes.ToCode(open.Category), Recognized: open.Recognized, Revoked: revoked, EffectiveTo: Effective.To(revoked),
                    Note: "不在本月名单中 / not on this month's list"));
            }
        }

        // The writes: a few bulk statements, whatever the list's length.
        T("absent read");
        await store.InsertHouseholdsAsync(households.Select(h => (h.Key, h.Value.Region, h.Value.Township)), madeHouseholds, now, ct);
        T("households written");
        await store.InsertPersonsAsync(newPersons, now, ct);
        T("persons written");
        if (movedPersons.Count > 0) await store.UpdatePersonsAsync(movedPersons, now, ct);
        if (ends.Count > 0) await store.EndIdentitiesAsync(ends, batch, ct);
        T("identities ended");
        await store.InsertIdentitiesAsync(added, request.Department, batch, now, actor.Name, ct);
        T("identities added");
        if (hooks?.Any() == true)
            foreach (var (identityId, personId) in await store.AddedToSettledPersonsAsync(batch))
                foreach (var hook in hooks) await hook.IdentityAddedAsync(c, tx, personId, identityId, actor, "name_list:" + batch); // issue 4 (I-15)
        await store.DropStagingAsync();

        T("hooks run");
        var json = Json.Serialize(report);
        report.StoredJson = json;
        await store.ExecAsync("UPDATE name_list_batches SET report_json = @j WHERE id = @id", ("j", json), ("id", batch));
        T("report stored");
        // The audit entry records the import and pins its report by hash; the report itself (which names every change:
        // 200+ MB for a city's first list, beyond what a jsonb value may hold) is stored once, in the batch.
        await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "import", "name_list", batch, null, new
        {
            batch, department = request.Department, month = request.Month, region = request.Region, mode = request.Mode, rows = rows.Count,
            @new = report.New.Count, ended = report.Ended.Count, changed = report.Changed.Count, updated = report.Updated.Count,
            conflicts = report.Conflicts.Count, unchanged = report.Unchanged,
            reportSha256 = Sha256OfUtf8(json),
        });
        T("audited");
        return report;
    }

    /// <summary>The SHA-256 of a text's UTF-8 bytes, encoded a slice at a time: the report of a city's list is 100+ MB of text.</summary>
    internal static string Sha256OfUtf8(string text)
    {
        const int Slice = 1 << 14;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var encoder = Encoding.UTF8.GetEncoder();
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(Slice));
        try
        {
            for (int i = 0; i < text.Length; i += Slice)
            {
                var part = text.AsSpan(i, Math.Min(Slice, text.Length - i));
                // flush only at the end: a surrogate pair cut by a slice boundary is encoded whole with the next slice.
                hash.AppendData(buffer, 0, encoder.GetBytes(part, buffer, flush: i + part.Length == text.Length));
            }
        }
        finally { System.Buffers.ArrayPool<byte>.Shared.Return(buffer); }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Do two identities' effective periods (I-1) share a day?</summary>
    public static bool EffectiveOverlap(DateOnly aRec, DateOnly? aRev, DateOnly bRec, DateOnly? bRev)
    {
        var aFrom = Effective.From(aRec); var aTo = aRev is { } ar ? Effective.To(ar) : DateOnly.MaxValue;
        var bFrom = Effective.From(bRec); var bTo = bRev is { } br ? Effective.To(br) : DateOnly.MaxValue;
        return aFrom <= bTo && bFrom <= aTo && aFrom <= aTo && bFrom <= bTo;
    }
}
