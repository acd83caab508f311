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

    public static void Map(WebApplication app)
    {
        var g = app.MapGroup("/api/name-lists").WithTags("Name lists");

        g.MapPost("/", async (HttpContext http, NameListImporter importer, Settlements.EngineHost policies, string? department, string? month, string? region, string? mode, string? format, bool? confirm, CancellationToken ct) =>
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

            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, ct);
            if (buffer.Length == 0) throw ApiProblemException.Invalid([new("body", new("名单为空", "the list is empty"))]);
            var (report, created) = await importer.ImportAsync(new(department!, month!, region!, mode, format, buffer.ToArray(), confirm ?? false, charset), actor, ct);
            var json = Json.Serialize(report);
            if (!actor.SeesIdNumbers) json = AuditEndpoints.MaskIdNumbers(json);
            return Body.RawJson(json, created ? 201 : 200);
        }).RequireAuthorization(Policies.ImportNameLists)
          .WithSummary("导入月度名单 / import a department's monthly name list (CSV or JSON); all or nothing, idempotent, with a change report")
          .WithDescription("201: imported, with the change report. 200: the same list again (nothing changed), the same report. " +
                           "A full list that would end more than 10% of the roster is refused (400) unless confirm=true.")
          .JsonBody<NameListJson>().AcceptsText("text/csv")
          .Produces<ChangeReport>(StatusCodes.Status201Created).Produces<ChangeReport>().Problems(503);

        g.MapGet("/{id}", async (string id, HttpContext http, Database db, CancellationToken ct) =>
        {
            var json = await db.ReadAsync(c => NameListBatches.ReportJsonAsync(c, id), ct)
                ?? throw ApiProblemException.NotFound(new($"没有名单批次 {id}", $"no name-list batch {id}"));
            if (!http.Actor().SeesIdNumbers) json = AuditEndpoints.MaskIdNumbers(json);
            return Body.RawJson(json);
        }).RequireAuthorization(Policies.ImportNameLists)
          .WithSummary("一个名单批次的变更报告 / a name-list batch's change report").Produces<ChangeReport>().Problems(404);

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
