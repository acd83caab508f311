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
/// </summary>
public sealed class NameListImporter(Database db, IEnumerable<Prevention.Common.IIdentityAddedHook>? hooks = null, IConfiguration? config = null)
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

    public async Task<(ChangeReport Report, bool Created)> ImportAsync(Request request, Actor actor, CancellationToken ct)
    {
        var hash = HashOf(request);
        var stored = await FindAsync(request, hash, ct);
        if (stored is not null) return (stored, false);

        var rows = await ParseAsync(request, ct);
        var monthStart = DateOnly.ParseExact(request.Month + "-01", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            return await db.WriteAsync(async (c, tx) =>
            {
                if (db.Dialect == Dialect.Postgres)
                    await c.ExecAsync("SELECT pg_advisory_xact_lock(hashtext(@k))", tx, ("k", $"namelist|{request.Department}|{request.Region}"));
                var again = await FindAsync(c, tx, request, hash);
                if (again is not null) return (again, false);
                var report = await ApplyAsync(c, tx, request, hash, rows, monthStart, actor);
                return (report, true);
            }, ct);
        }
        catch (Exception e) when (Database.IsUniqueViolation(e))
        {
            return (await FindAsync(request, hash, ct) ?? throw new InvalidOperationException("batch vanished", e), false);
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
    private static async Task<List<NameListRow>> ParseAsync(Request request, CancellationToken ct)
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
                        continue;
                    }
                    if (cells.Count != header.Count)
                    {
                        problems.Add(new($"line {line}", new($"应有 {header.Count} 列，实有 {cells.Count} 列", $"expected {header.Count} columns, found {cells.Count}")));
                        continue;
                    }
                    var row = NameListRows.Parse(Fields.FromCells(header, cells, $"line {line}", problems), request.Department);
                    if (row is not null) rows.Add(row);
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

    private async Task<ChangeReport> ApplyAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx, Request request, string hash,
        List<NameListRow> rows, DateOnly monthStart, Actor actor)
    {
        var batch = "NL" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        var report = new ChangeReport { Batch = batch, Department = request.Department, Month = request.Month, Region = request.Region, Mode = request.Mode, Rows = rows.Count };
        var now = DateTimeOffset.UtcNow;
        await c.ExecAsync("INSERT INTO name_list_batches (id, department, month, region, content_hash, format, row_count, report_json, created_at, created_by) " +
            "VALUES (@id, @d, @m, @r, @h, @f, @n, '{}', @at, @by)", tx,
            ("id", batch), ("d", request.Department), ("m", request.Month), ("r", request.Region), ("h", hash), ("f", request.Format), ("n", rows.Count), ("at", now), ("by", actor.Name));

        // Everyone listed, wherever registered; and every identity of anyone listed or holding one of this department's in this region.
        var persons = new Dictionary<string, PersonRecord>(StringComparer.Ordinal);
        foreach (var p in await c.ListAsync($"SELECT {RegistryStore.PersonColumns} FROM persons WHERE region = @r", tx, RegistryStore.MapPerson, ("r", request.Region)))
            persons[p.IdNumber] = p;
        var problems = new List<FieldProblem>();
        foreach (var row in rows.Where(r => !persons.ContainsKey(r.IdNumber)))
        {
            var elsewhere = await c.FirstAsync($"SELECT {RegistryStore.PersonColumns} FROM persons WHERE id_number = @n", tx, RegistryStore.MapPerson, ("n", row.IdNumber));
            if (elsewhere is not null)
                problems.Add(new(row.Where, new($"此人登记在统筹区 {elsewhere.Region}，不在 {request.Region}", $"this person is registered in {elsewhere.Region}, not {request.Region}")));
        }
        if (problems.Count > 0) throw ApiProblemException.Invalid(problems);

        var identities = (await c.ListAsync(
                "SELECT i.* FROM identities i JOIN persons p ON p.id = i.person_id WHERE p.region = @r ORDER BY i.recognized, i.id", tx,
                RegistryStore.MapIdentity, ("r", request.Region)))
            .GroupBy(i => i.PersonId).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        List<IdentityRecord> Of(string personId) => identities.TryGetValue(personId, out var l) ? l : [];

        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (!persons.TryGetValue(row.IdNumber, out var person))
            {
                person = new PersonRecord(RegistryStore.NewPersonId(), row.IdNumber, row.PsnNo, row.Name, row.Household ?? RegistryStore.NewHouseholdId(),
                    row.Insurance ?? InsuranceType.Resident, request.Region, row.Township);
                await RegistryStore.InsertPersonAsync(c, tx, person);
                persons[row.IdNumber] = person;
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
                    await RegistryStore.UpdatePersonAsync(c, tx, updated);
                    report.Updated.Add(new(person.Id, person.IdNumber, person.Name, null,
                        Note: $"household {person.Household}→{updated.Household}, township {person.Township}→{updated.Township}, insurance {Codes.ToCode(person.Insurance)}→{Codes.ToCode(updated.Insurance)}"));
                    persons[row.IdNumber] = person = updated;
                }
            }
            listed.Add(person.Id);
            var mine = Of(person.Id).Where(i => i.Department == request.Department).ToList();
            var open = mine.FirstOrDefault(i => i.Revoked is null);

            if (row.Revoked is { } revoked)
            {
                if (open is not null && open.Category == row.Category && revoked >= open.Recognized)
                {
                    await RegistryStore.EndIdentityAsync(c, tx, open.Id, revoked, batch);
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
            DateOnly? endOld = null;
            if (open is not null)
            {
                endOld = recognized < open.Recognized ? open.Recognized : recognized;
                await RegistryStore.EndIdentityAsync(c, tx, open.Id, endOld.Value, batch);
            }
            // I-2: one category per person per date from one department — the new identity may not overlap an earlier one.
            var clash = mine.Where(i => i.Id != open?.Id).FirstOrDefault(i => EffectiveOverlap(i.Recognized, i.Revoked, recognized, null));
            if (clash is not null)
                throw ApiProblemException.Invalid([new(row.Where, new(
                    $"认定日期 {recognized} 与此人此前的身份（{Codes.ToCode(clash.Category)}，{clash.Recognized}–{clash.Revoked}）重叠（I-2：每人每日一个类别）",
                    $"recognized {recognized} overlaps an earlier identity ({Codes.ToCode(clash.Category)}, {clash.Recognized}–{clash.Revoked}) (I-2: one category per date)"))]);
            var identityId = await RegistryStore.InsertIdentityAsync(c, tx, person.Id, row.Category, request.Department, recognized, null, row.ForMedicalSpending, batch, actor.Name);
            foreach (var hook in hooks ?? []) await hook.IdentityAddedAsync(c, tx, person.Id, identityId, actor, "name_list:" + batch); // issue 4 (I-15)
            var change = new Change(person.Id, person.IdNumber, person.Name, Codes.ToCode(row.Category),
                open is null ? null : Codes.ToCode(open.Category), recognized, endOld, Effective.From(recognized), endOld is null ? null : Effective.To(endOld.Value));
            if (open is null) report.New.Add(change); else report.Changed.Add(change);

            foreach (var other in Of(person.Id).Where(i => i.Department != request.Department && EffectiveOverlap(i.Recognized, i.Revoked, recognized, null)))
                report.Conflicts.Add(new(person.Id, person.IdNumber, person.Name, Codes.ToCode(row.Category), Codes.ToCode(other.Category),
                    Note: $"同时持有 {other.Department} 的身份 {Codes.ToCode(other.Category)}；结算时按待遇就高（I-2） / also holds {Codes.ToCode(other.Category)} from {other.Department}; settlement takes the higher benefit (I-2)"));
        }

        if (request.Mode == "full")
        {
            var roster = identities.Values.SelectMany(l => l).Count(i => i.Department == request.Department && i.Revoked is null);
            var absent = identities.Where(kv => !listed.Contains(kv.Key))
                .Sum(kv => kv.Value.Count(i => i.Department == request.Department && i.Revoked is null));
            if (absent > 0 && absent > MaxEndShare * roster && !request.ConfirmEnds)
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity,
                    new("名单将终止的人数超过允许比例，需要确认", "This list would end more of the roster than allowed without confirmation"),
                    [new("confirm", new(
                        $"本名单（全量）将终止 {absent} 人的身份，占本部门在 {request.Region} 在册 {roster} 人的 {100m * absent / roster:0.#}%，超过 {100m * MaxEndShare:0.#}%；核对无误后请加参数 confirm=true 重新提交",
                        $"this full list would end {absent} of the department's {roster} identities in {request.Region} ({100m * absent / roster:0.#}%), more than {100m * MaxEndShare:0.#}%; if that is right, send it again with confirm=true"))],
                    "https://doudi.example/problems/confirmation-required");
            foreach (var (personId, list) in identities)
            {
                if (listed.Contains(personId)) continue;
                foreach (var open in list.Where(i => i.Department == request.Department && i.Revoked is null))
                {
                    var revoked = monthStart < open.Recognized ? open.Recognized : monthStart;
                    await RegistryStore.EndIdentityAsync(c, tx, open.Id, revoked, batch);
                    var p = persons.Values.First(x => x.Id == personId);
                    report.Ended.Add(new(p.Id, p.IdNumber, p.Name, Codes.ToCode(open.Category), Recognized: open.Recognized, Revoked: revoked, EffectiveTo: Effective.To(revoked),
                        Note: "不在本月名单中 / not on this month's list"));
                }
            }
        }

        var json = Json.Serialize(report);
        await c.ExecAsync("UPDATE name_list_batches SET report_json = @j WHERE id = @id", tx, ("j", json), ("id", batch));
        await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "import", "name_list", batch, null, json);
        return report;
    }

    /// <summary>Do two identities' effective periods (I-1) share a day?</summary>
    public static bool EffectiveOverlap(DateOnly aRec, DateOnly? aRev, DateOnly bRec, DateOnly? bRev)
    {
        var aFrom = Effective.From(aRec); var aTo = aRev is { } ar ? Effective.To(ar) : DateOnly.MaxValue;
        var bFrom = Effective.From(bRec); var bTo = bRev is { } br ? Effective.To(br) : DateOnly.MaxValue;
        return aFrom <= bTo && bFrom <= aTo && aFrom <= aTo && bFrom <= bTo;
    }
}
