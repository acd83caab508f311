using Doudi.Analysis.Reconciliation;
using Doudi.Server.Api;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Reconciliation;

/// <summary>The summary of a run: totals, how many items are at each step, by township and institution.</summary>
public sealed record ReconciliationRunView(string Id, string Region, string Profile, string Source, int Bills, decimal Paid, decimal Due,
    decimal ToPay, decimal ToRecover, IReadOnlyList<ReconciliationStepCount> Steps, IReadOnlyList<GroupTotal> ByTownship,
    IReadOnlyList<GroupTotal> ByInstitution, IReadOnlyList<string> Notes, DateTimeOffset CreatedAt, string CreatedBy);

public sealed record ReconciliationStepCount(string Status, string Direction, int Count);

/// <summary>One difference with where it is in the workflow; <see cref="Detail"/> has the trace of the amount due.</summary>
public sealed record ReconciliationItemView(string SetlId, string Person, string Township, string Institution, string Direction,
    decimal Paid, decimal Due, decimal Difference, string Status, DateTimeOffset UpdatedAt, string UpdatedBy, BillDifference Detail);

public sealed record ReconciliationItemPage(IReadOnlyList<ReconciliationItemView> Items, int Page, int PageSize, long Total);

/// <summary>A step of the workflow: <c>status</c> is the next status (sent_to_township, confirmed, paid or recovered).</summary>
public sealed record ReconciliationStep(string Status, string? Note);

public sealed record TownshipSending(string Township, string? Note);

public sealed record TownshipSent(string Township, int Sent);

/// <summary>The multipart form of a reconciliation: the export file (CSV in the national names) and, optionally, a mapping profile (YAML).</summary>
public sealed record ReconciliationUpload(IFormFile Export, IFormFile? Profile = null);

/// <summary>
/// Reconciliation with the national platform (应补/应退, I-24): <c>POST /api/reconciliations?region=R</c> with the export
/// (text/csv in the national names, or multipart with <c>export</c> and a mapping <c>profile</c>), the run and its items,
/// the Excel report, and the workflow steps, each audited.
/// </summary>
public static class ReconciliationEndpoints
{
    public static void Map(WebApplication app)
    {
        var g = app.MapGroup("/api/reconciliations").WithTags("Reconciliation");

        g.MapPost("/", async (string? region, HttpContext http, ReconciliationService service, Database db, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(region)) throw ApiProblemException.Invalid([new FieldProblem("region", Msg.Required)]);
            var temp = Path.GetTempFileName();
            try
            {
                var (source, profile) = await ReadUploadAsync(http.Request, temp, ct);
                var (id, created) = await service.RunAsync(region, temp, source, profile, http.Actor(), ct);
                http.Response.Headers.Location = $"/api/reconciliations/{id}";
                return Results.Json(await ViewAsync(db, id, ct), Json.Options, statusCode: created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
            }
            finally { File.Delete(temp); }
        }).RequireAuthorization(Policies.Operate).FormBody<ReconciliationUpload>().AcceptsText("text/csv")
          .Produces<ReconciliationRunView>(StatusCodes.Status201Created).Produces<ReconciliationRunView>().Problems(422, 503)
          .WithSummary("对账 / reconcile a national settlement export (maf_pay) with what the policy gives; the same file again answers the earlier run");

        g.MapGet("/{id}", async (string id, Database db, CancellationToken ct) => Results.Json(await ViewAsync(db, id, ct), Json.Options))
            .RequireAuthorization(Policies.ReadSettlements).Produces<ReconciliationRunView>().Problems(404).WithSummary("对账汇总 / a run's totals, steps, townships and institutions");

        g.MapGet("/{id}/items", async (string id, string? direction, string? township, string? status, int? page, int? pageSize, Database db, CancellationToken ct) =>
        {
            var problems = new List<FieldProblem>();
            if (direction is not null and not ("to_pay" or "to_recover")) problems.Add(new("direction", Msg.Unknown("方向", direction, ["to_pay", "to_recover"])));
            if (status is not null && !ReconciliationStatus.All.Contains(status)) problems.Add(new("status", Msg.Unknown("状态", status, ReconciliationStatus.All)));
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            var paging = Paging.From(page, pageSize);
            var (items, total) = await db.ReadAsync(async c =>
            {
                if (await ReconciliationStore.RunAsync(c, null, id) is null) throw ApiProblemException.NotFound(new($"没有对账 {id}", $"no reconciliation {id}"));
                return await ReconciliationStore.ItemsAsync(c, id, direction, township, status, paging);
            }, ct);
            return Results.Json(new ReconciliationItemPage(items.Select(ToView).ToList(), paging.Page, paging.PageSize, total), Json.Options);
        }).RequireAuthorization(Policies.ReadSettlements).Produces<ReconciliationItemPage>().Problems(404).WithSummary("差异明细 / differences, by direction, township and status");

        g.MapGet("/{id}/report.xlsx", async (string id, Database db, CancellationToken ct) =>
        {
            var report = await ReportAsync(db, id, ct);
            using var buffer = new MemoryStream();
            ReconciliationXlsx.Write(report, buffer);
            return Results.File(buffer.ToArray(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"{id}.xlsx");
        }).RequireAuthorization(Policies.ReadSettlements).ProducesFile(Declare.Xlsx).Problems(404).WithSummary("Excel 报告 / the report as a workbook (应补, 应退, persons, townships, institutions)");

        g.MapPost("/{id}/items/{setlId}/steps", async (string id, string setlId, HttpContext http, ReconciliationService service, CancellationToken ct) =>
        {
            var step = await ReadBodyAsync(http, f => new ReconciliationStep(f.String("status", required: true) ?? "", f.String("note", maxLength: 500)), ct);
            if (!ReconciliationStatus.All.Contains(step.Status) || step.Status == ReconciliationStatus.Open)
                throw ApiProblemException.Invalid([new FieldProblem("status", Msg.Unknown("状态", step.Status, ReconciliationStatus.All.Skip(1)))]);
            if (step.Note is { Length: > 500 } || step.Note?.Any(char.IsControl) == true)
                throw ApiProblemException.Invalid([new FieldProblem("note", new("备注不超过 500 字且不含控制字符", "at most 500 characters, no control characters"))]);
            var item = await service.MoveAsync(id, setlId, step.Status, step.Note, http.Actor(), ct);
            return Results.Json(ToView(item), Json.Options);
        }).RequireAuthorization(Policies.Operate).JsonBody<ReconciliationStep>().Produces<ReconciliationItemView>().Problems(404, 409, 503)
          .WithSummary("流程 / next step of a difference: sent_to_township → confirmed → paid (应补) or recovered (应退), audited");

        g.MapPost("/{id}/township-sendings", async (string id, HttpContext http, ReconciliationService service, CancellationToken ct) =>
        {
            var sending = await ReadBodyAsync(http, f => new TownshipSending(f.String("township", required: true) ?? "", f.String("note", maxLength: 500)), ct);
            if (string.IsNullOrWhiteSpace(sending.Township)) throw ApiProblemException.Invalid([new FieldProblem("township", Msg.Required)]);
            var sent = await service.SendTownshipAsync(id, sending.Township, sending.Note, http.Actor(), ct);
            return Results.Json(new TownshipSent(sending.Township, sent), Json.Options);
        }).RequireAuthorization(Policies.Operate).JsonBody<TownshipSending>().Produces<TownshipSent>().Problems(404, 503).WithSummary("下发乡镇 / send every open difference of a township to it");
    }

    /// <summary>
    /// A small JSON body read strictly, as every other body is (<see cref="Fields"/>): a field its declared record does not
    /// have is refused by name when read (<see cref="DeclaredJsonBody"/>), and control characters and overlong text with
    /// their field.
    /// </summary>
    private static async Task<T> ReadBodyAsync<T>(HttpContext http, Func<Fields, T> read, CancellationToken ct)
    {
        using var doc = await Body.ReadJsonAsync(http.Request, ct);
        var problems = new List<FieldProblem>();
        var f = Fields.FromJson(Body.RequireObject(doc), "", problems);
        var value = read(f);
        if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
        return value;
    }

    /// <summary>The export (and profile) of the request into <paramref name="exportPath"/>: text/csv, or multipart with export and profile files.</summary>
    private static async Task<(string Source, MappingProfile Profile)> ReadUploadAsync(HttpRequest request, string exportPath, CancellationToken ct)
    {
        var profile = MappingProfile.National;
        string source = "export.csv";
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            var export = form.Files["export"] ?? throw ApiProblemException.Invalid([new FieldProblem("export", Msg.Required)]);
            source = Path.GetFileName(export.FileName);
            await using (var target = File.Create(exportPath)) await export.CopyToAsync(target, ct);
            if (form.Files["profile"] is { } file)
            {
                using var reader = new StreamReader(file.OpenReadStream());
                var (loaded, problems) = MappingProfile.Parse(Path.GetFileName(file.FileName), await reader.ReadToEndAsync(ct));
                if (loaded is null) throw ApiProblemException.Invalid(problems.Select(p => new FieldProblem($"profile:{p.Line}", new(p.Message, p.Message))).ToList());
                profile = loaded;
            }
        }
        else
        {
            await using var target = File.Create(exportPath);
            await request.Body.CopyToAsync(target, ct);
        }
        if (new FileInfo(exportPath).Length == 0) throw ApiProblemException.Invalid([new FieldProblem("export", new("导出文件为空", "the export is empty"))]);
        return (source, profile);
    }

    private static async Task<ReconciliationRunView> ViewAsync(Database db, string id, CancellationToken ct) => await db.ReadAsync(async c =>
    {
        var run = await ReconciliationStore.RunAsync(c, null, id) ?? throw ApiProblemException.NotFound(new($"没有对账 {id}", $"no reconciliation {id}"));
        var summary = Json.Deserialize<Summary>(run.SummaryJson);
        var steps = (await ReconciliationStore.CountsAsync(c, id)).Select(x => new ReconciliationStepCount(x.Status, x.Direction, x.Count)).ToList();
        return new ReconciliationRunView(run.Id, run.Region, run.Profile, run.Source, run.Bills, run.Paid, run.Due, run.ToPay, run.ToRecover, steps,
            summary.ByTownship, summary.ByInstitution, summary.Notes, run.CreatedAt, run.CreatedBy);
    }, ct);

    /// <summary>The stored run as the report the CLI writes (lists from the items, in their current state).</summary>
    private static async Task<ReconciliationReport> ReportAsync(Database db, string id, CancellationToken ct) => await db.ReadAsync(async c =>
    {
        var run = await ReconciliationStore.RunAsync(c, null, id) ?? throw ApiProblemException.NotFound(new($"没有对账 {id}", $"no reconciliation {id}"));
        var summary = Json.Deserialize<Summary>(run.SummaryJson);
        var report = new ReconciliationReport { Region = run.Region, Profile = run.Profile, Source = run.Source, Bills = run.Bills, Persons = summary.Persons,
            NotInRegistry = summary.NotInRegistry, Paid = run.Paid, Due = run.Due, ToPay = run.ToPay, ToRecover = run.ToRecover };
        var items = await ReconciliationStore.AllItemsAsync(c, id);
        foreach (var item in items.Select(i => Json.Deserialize<BillDifference>(i.ItemJson)))
            (item.Difference > 0 ? report.Underpaid : report.Overpaid).Add(item);
        report.ByTownship.AddRange(summary.ByTownship);
        report.ByInstitution.AddRange(summary.ByInstitution);
        report.Notes.AddRange(summary.Notes);
        return report;
    }, ct);

    private static ReconciliationItemView ToView(ReconciliationItemRow r) => new(r.SetlId, r.PersonId, r.Township, r.Institution, r.Direction, r.Paid, r.Due,
        r.Difference, r.Status, r.UpdatedAt, r.UpdatedBy, Json.Deserialize<BillDifference>(r.ItemJson));

    private sealed record Summary(int Persons, int NotInRegistry, List<GroupTotal> ByTownship, List<GroupTotal> ByInstitution, List<string> Notes);
}
