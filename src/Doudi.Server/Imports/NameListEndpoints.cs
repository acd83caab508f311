using System.Text.RegularExpressions;
using Doudi.Policy.Vocabulary;
using Doudi.Server.Api;
using Doudi.Server.Audit;
using Doudi.Server.Registry;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Imports;

public static partial class NameListEndpoints
{
    [GeneratedRegex("^\\d{4}-(0[1-9]|1[0-2])$")]
    private static partial Regex MonthPattern();

    /// <summary>
    /// The whole body as one array. Read in its own method so the buffer it grew in is garbage once it returns, not held by
    /// the endpoint's state while the list is imported; sized from Content-Length (up to a city's list: a declared length is
    /// not trusted with more), so it does not grow by doubling.
    /// </summary>
    private static async Task<byte[]> ReadAllAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream((int)Math.Clamp(request.ContentLength ?? 0, 0, 64 << 20));
        await request.Body.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }

    public static void Map(WebApplication app)
    {
        var g = app.MapGroup("/api/name-lists").WithTags("Name lists");

        g.MapPost("/", async (HttpContext http, NameListImporter importer, NameListProgress progress, IHostApplicationLifetime lifetime, ILoggerFactory logs,
            Settlements.EngineHost policies, string? department, string? month, string? region, string? mode, string? format, bool? confirm,
            [Microsoft.AspNetCore.Mvc.FromQuery(Name = "async")] bool? runAsync, CancellationToken ct) =>
        {
            var actor = http.Actor();
            var problems = new List<FieldProblem>();
            department ??= actor.Role == Roles.CivilAffairs ? Departments.CivilAffairs : actor.Department;
            if (department is null) problems.Add(new("department", Msg.Required));
            else if (!Departments.Categories.ContainsKey(department)) problems.Add(new("department", Msg.Unknown("部门", department, Departments.Categories.Keys)));
            if (month is null) problems.Add(new("month", Msg.Required));
            else if (!MonthPattern().IsMatch(month)) problems.Add(new("month", new($"“{month}”不是月份（yyyy-MM）", $"\"{month}\" is not a month (yyyy-MM)")));
            if (region is null) problems.Add(new("region", Msg.Required));
            else if (!policies.IsRegion(region)) problems.Add(new("region", Msg.Unknown("统筹区", region, policies.Regions)));
            mode ??= "full";
            if (mode is not ("full" or "changes")) problems.Add(new("mode", Msg.Unknown("模式", mode, ["full", "changes"])));
            format ??= http.Request.ContentType?.Contains("csv", StringComparison.OrdinalIgnoreCase) == true ? "csv" : "json";
            if (format is not ("csv" or "json")) problems.Add(new("format", Msg.Unknown("格式", format, ["csv", "json"])));
            var charset = format == "csv" ? CsvEncoding.Declared(http.Request.ContentType) : null;
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);

            // Departments send only their own lists; civil affairs only civil-affairs lists.
            var own = actor.Role switch
            {
                Roles.CivilAffairs => Departments.CivilAffairs,
                Roles.Department => actor.Department,
                _ => department,
            };
            if (own != department)
                throw ApiProblemException.Forbidden(new($"只能报送本部门（{own}）的名单", $"you may send only your own department's lists ({own})"));

            // A city's list runs to a million rows (~60 MB); Kestrel's default 30 MB body limit would cut it off.
            if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
            var content = await ReadAllAsync(http.Request, ct);
            if (content.Length == 0) throw ApiProblemException.Invalid([new("body", new("名单为空", "the list is empty"))]);
            var request = new NameListImporter.Request(department!, month!, region!, mode, format, content, confirm ?? false, charset);
            ChangeReport report;
            bool created;
            if (runAsync == true || http.Request.Headers["Prefer"].ToString().Contains("respond-async", StringComparison.OrdinalIgnoreCase))
            {
                // Asynchronous start: 202 with the import's address at once; GET on it shows the rows done, then the report.
                if (await importer.FindStoredAsync(request, ct) is { } stored) (report, created) = (stored, false);
                else
                {
                    var run = progress.Begin(request, NameListImporter.NewBatchId()) ?? throw NameListImporter.Running(request);
                    // Stored before the 202, so the address answers on every node from the start.
                    await progress.StoreAsync(run, ct);
                    var log = logs.CreateLogger("Doudi.NameLists");
                    _ = Task.Run(async () =>
                    {
                        try { await importer.RunAsync(run, actor, lifetime.ApplicationStopping); }
                        catch (Exception e) when (e is not ApiProblemException) { log.LogError(e, "Name-list import {Batch} failed", run.Batch); }
                        catch (ApiProblemException) { } // recorded on the run for GET
                    });
                    http.Response.Headers.Location = $"/api/name-lists/{run.Batch}";
                    return Results.Json(NameListProgress.View(run, Text.WantsEnglish(http)), Json.Options, statusCode: StatusCodes.Status202Accepted);
                }
            }
            else (report, created) = await importer.ImportAsync(request, actor, ct);
            var json = report.StoredJson ?? Json.Serialize(report);
            if (!actor.SeesIdNumbers) json = AuditEndpoints.MaskIdNumbers(json);
            return Body.RawJson(json, created ? 201 : 200);
        }).RequireAuthorization(Policies.ImportNameLists)
          .WithSummary("导入月度名单 / import a department's monthly name list (CSV or JSON); all or nothing, idempotent, with a change report")
          .WithDescription("201 with the change report (200 with the stored one for a repeat). async=true (or Prefer: respond-async) answers 202 at once " +
              "with Location /api/name-lists/{batch}, where GET shows the state and rows done. One import per department and region at a time: " +
              "a second is answered 409 with Retry-After. A full list that would end more than 10% of the roster is refused (400) unless confirm=true.")
          .JsonBody<NameListJson>().AcceptsText("text/csv")
          .Produces<ChangeReport>(StatusCodes.Status201Created).Produces<ChangeReport>().Produces<NameListImportStatus>(StatusCodes.Status202Accepted)
          .Problems(409, 503);

        g.MapGet("/{id}", async (string id, HttpContext http, Database db, NameListProgress progress, CancellationToken ct) =>
        {
            // A running (or failed) import on this node: its state and rows done; an applied one: its change report (state "done").
            var run = progress.Find(id);
            if (run is { State: not "done" and not "failed" }) return Results.Json(NameListProgress.View(run, Text.WantsEnglish(http)), Json.Options);
            var json = await db.ReadAsync(c => NameListBatches.ReportJsonAsync(c, id), ct);
            if (json is null && run is not null) return Results.Json(NameListProgress.View(run, Text.WantsEnglish(http)), Json.Options);
            // Running or failed on another node: its stored progress.
            if (json is null && await progress.FindStoredAsync(id, Text.WantsEnglish(http), ct) is { } stored)
            {
                // "done" is stored only after the batch committed: a run that ended between the two reads has its report now.
                if (stored.State == "done") json = await db.ReadAsync(c => NameListBatches.ReportJsonAsync(c, id), ct);
                if (json is null) return Results.Json(stored, Json.Options);
            }
            if (json is null) throw ApiProblemException.NotFound(new($"没有名单批次 {id}", $"no name-list batch {id}"));
            if (!http.Actor().SeesIdNumbers) json = AuditEndpoints.MaskIdNumbers(json);
            return Body.RawJson(json);
        }).RequireAuthorization(Policies.ImportNameLists)
          .WithSummary("一个名单批次：导入中为进度，完成后为变更报告 / a name-list batch: its progress while it runs, then its change report")
          .ProducesOneOf<ChangeReport, NameListImportStatus>().Problems(404);

        g.MapGet("/", async (Database db, int? page, int? pageSize, CancellationToken ct) =>
        {
            var paging = Paging.From(page, pageSize);
            var (items, total) = await db.ReadAsync(c => NameListBatches.ListAsync(c, paging), ct);
            var result = new Page<NameListBatchRow>(items, paging.Page, paging.PageSize, total);
            return Results.Json(result, Json.Options);
        }).RequireAuthorization(Policies.ImportNameLists)
          .WithSummary("名单批次 / name-list batches, newest first").Produces<Page<NameListBatchRow>>();
    }
}
