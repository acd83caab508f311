using Doudi.Analysis.Reform;
using Doudi.Engine.Settlement;
using Doudi.Server.Api;
using Doudi.Server.Security;
using Doudi.Server.Settlements;
using Doudi.Server.Storage;

namespace Doudi.Server.Reform;

/// <summary>A what-if over a stored year: the region, the cost year and the reform file's YAML text.</summary>
public sealed record ReformSimulationRequest(string Region, int Year, string Reform);

/// <summary>
/// Reform simulation on the server (issue 11): <c>POST /api/reform-simulations</c> settles the region's stored cost year
/// under the policies in force and under them plus the reform, and answers the report (JSON, or Excel with
/// <c>?format=xlsx</c>). Nothing is written: not the results, not the reform.
/// </summary>
public static class ReformEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapPost("/api/reform-simulations", async (string? format, HttpContext http, EngineHost engine, Database db, CancellationToken ct) =>
        {
            // Read strictly like every body (unknown or repeated fields refused by name), not bound leniently.
            var problems = new List<FieldProblem>();
            ReformSimulationRequest request;
            using (var json = await Body.ReadJsonAsync(http.Request, ct))
            {
                var f = Fields.FromJson(Body.RequireObject(json), "", problems);
                var region = f.String("region", maxLength: 64);
                var year = f.Int("year");
                // The reform is YAML: its line breaks are its structure, so it is taken as the string it is (length bounded below).
                var reform = f.Element("reform") is { ValueKind: System.Text.Json.JsonValueKind.String } r ? r.GetString() : null;
                if (reform is null && f.Element("reform") is { ValueKind: not System.Text.Json.JsonValueKind.Null }) f.Problem("reform", Msg.NotString);
                if (year is null && !f.Has("year")) f.Problem("year", Msg.Required);
                request = new ReformSimulationRequest(region!, year ?? 0, reform!);
            }
            if (problems.Count == 0)
            {
                if (string.IsNullOrWhiteSpace(request.Region) || !engine.IsRegion(request.Region))
                    problems.Add(new("region", Msg.Unknown("统筹区", request.Region ?? "", engine.Regions)));
                if (request.Year is < 2000 or > 2100) problems.Add(new("year", new("年度须在 2000–2100 之间", "must be between 2000 and 2100")));
                if (string.IsNullOrWhiteSpace(request.Reform) || request.Reform.Length > 100_000)
                    problems.Add(new("reform", new("须为政策调整文件的 YAML 文本（不超过 100,000 字符）", "must be the reform file's YAML text (at most 100,000 characters)")));
            }
            if (format is not (null or "json" or "xlsx")) problems.Add(new("format", Msg.Unknown("格式", format, ["json", "xlsx"])));
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            if (engine.Catalog is null || engine.PolicyDirectory is null)
                throw new ApiProblemException(StatusCodes.Status503ServiceUnavailable, new("政策文件未加载", "policies are not loaded"));

            var (after, errors, reformFile) = PolicyCatalogLoader.LoadWithReform(engine.PolicyDirectory, request.Reform);
            if (after is null)
                throw ApiProblemException.Invalid(errors.Select(e => new FieldProblem(e.File == "reform" ? $"reform:{e.Line}:{e.Column}" : e.File, new(e.Message, e.Message))).ToList());
            var (doc, line, problem) = ReformDocument.Find(after, reformFile, request.Region);
            if (doc is null) throw ApiProblemException.Invalid([new FieldProblem($"reform:{line}", new(problem!, problem!))]);

            // The stored bills whole (the reform settles them again); nothing is written, so no year facts are needed.
            var file = (await db.ReadAsync(c => StoredYear.LoadAsync(c, null, request.Region, request.Year, StoredYearRead.Full), ct)).File;
            ReformReport report;
            try { report = ReformSimulator.Run(engine.Catalog, after, file, doc.Id, doc.Title, "reform", doc.Amends); }
            catch (SettlementException e)
            {
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, new("所存年度无法按政策重算", "the stored year cannot be settled again"),
                    e.Problems.Select(p => new FieldProblem(p.Path, new(p.Message, p.Message))).ToList());
            }
            if (format == "xlsx")
            {
                using var buffer = new MemoryStream();
                ReformXlsx.Write(report, buffer);
                return Results.File(buffer.ToArray(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"reform-{request.Region}-{request.Year}.xlsx");
            }
            return Results.Json(report, Json.Options);
        }).RequireAuthorization(Policies.Operate).WithTags("Reform").JsonBody<ReformSimulationRequest>().Produces<ReformReport>()
          .ProducesFile(Declare.Xlsx).Problems(422, 503)
          .WithSummary("政策调整测算 / what a reform would have cost on a stored year (static; nothing written)");
    }
}
