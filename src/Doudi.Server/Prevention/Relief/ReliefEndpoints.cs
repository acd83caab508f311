using Doudi.Prevention.Relief;
using Doudi.Server.Api;
using Doudi.Server.Prevention.Common;
using Doudi.Server.Prevention.Monitoring;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Prevention.Relief;

/// <summary><c>POST /api/relief-runs</c>: the region and cost year to run.</summary>
public sealed record ReliefRunRequest(string Region, int Year);

public sealed record ReliefRunList(IReadOnlyList<ReliefRun> Items);

public sealed record ReliefPaymentList(IReadOnlyList<ReliefPaymentRow> Items, decimal Total);

/// <summary>Year-end relief runs, their reports (JSON, CSV, Excel) and the payments made.</summary>
public static class ReliefEndpoints
{
    public static void Map(WebApplication app)
    {
        var g = app.MapGroup("/api/relief-runs").WithTags("Relief");

        g.MapPost("/", async (HttpContext http, ReliefService service, PreventionCatalog catalog, CancellationToken ct) =>
        {
            using var doc = await Body.ReadJsonAsync(http.Request, ct);
            var problems = new List<FieldProblem>();
            var f = Fields.FromJson(Body.RequireObject(doc), "", problems);
            var (region, year) = MonitoringEndpoints.RegionYear(f, catalog);
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            var run = await service.RunAsync(region!, year!.Value, http.Actor(), ct);
            return Results.Json(run, Json.Options, statusCode: 201);
        }).RequireAuthorization(Policies.Operate).JsonBody<ReliefRunRequest>().Produces<ReliefRun>(201).Problems(409, 422)
          .WithSummary("年度兜底支付 / run the year-end relief of a region's cost year; a second run pays nothing twice");

        g.MapGet("/", async (Database db, string? region, int? year, CancellationToken ct) =>
            Results.Json(new ReliefRunList(await db.ReadAsync(c => ReliefStore.RunsAsync(c, region, year), ct)), Json.Options))
          .RequireAuthorization(PreventionPolicies.ReadRelief).Produces<ReliefRunList>(200).WithSummary("兜底支付运行 / relief runs, by region and year");

        g.MapGet("/{id}", async (string id, Database db, CancellationToken ct) =>
            Results.Json(await FindAsync(db, id, ct), Json.Options)).RequireAuthorization(PreventionPolicies.ReadRelief)
          .Produces<ReliefRun>(200).Problems(404).WithSummary("一次兜底支付运行 / one relief run with its reports");

        g.MapGet("/{id}/reports/{kind}.csv", async (string id, string kind, Database db, CancellationToken ct) =>
        {
            var report = Pick(await FindAsync(db, id, ct), kind);
            var bytes = System.Text.Encoding.UTF8.GetPreamble().Concat(System.Text.Encoding.UTF8.GetBytes(CsvReportWriter.ToText(report.ToDomain()))).ToArray();
            return Results.File(bytes, "text/csv; charset=utf-8", $"{id}-{kind}.csv");
        }).RequireAuthorization(PreventionPolicies.ReadRelief).ProducesFile("text/csv").Problems(404).WithSummary("报表 CSV / the run's report of one kind as CSV (UTF-8 with BOM)");

        g.MapGet("/{id}/reports/{kind}.xlsx", async (string id, string kind, Database db, CancellationToken ct) =>
        {
            var report = Pick(await FindAsync(db, id, ct), kind);
            using var ms = new MemoryStream();
            XlsxReportWriter.Write(report.ToDomain(), ms);
            return Results.File(ms.ToArray(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"{id}-{kind}.xlsx");
        }).RequireAuthorization(PreventionPolicies.ReadRelief)
          .ProducesFile(Declare.Xlsx).Problems(404).WithSummary("报表 Excel / the run's report of one kind as an Excel workbook");

        app.MapGet("/api/relief-payments", async (Database db, string? region, string? runKey, string? payee, CancellationToken ct) =>
        {
            var items = await db.ReadAsync(c => ReliefStore.ListAsync(c, region, runKey, payee), ct);
            return Results.Json(new ReliefPaymentList(items, items.Sum(i => i.Amount)), Json.Options);
        }).RequireAuthorization(PreventionPolicies.ReadRelief).WithTags("Relief").Produces<ReliefPaymentList>(200).WithSummary("兜底支付明细 / every relief payment made, by run and payee");
    }

    private static async Task<ReliefRun> FindAsync(Database db, string id, CancellationToken ct) =>
        await db.ReadAsync(c => ReliefStore.RunAsync(c, id), ct)
        ?? throw ApiProblemException.NotFound(new($"没有兜底支付运行 {id}", $"no relief run {id}"));

    /// <summary>A run's report by its published code (e.g. <c>xxx_burden_cap</c>) or by the generic kind (<c>burden_cap</c>).</summary>
    private static KindReport Pick(ReliefRun run, string kind) => run.Reports.FirstOrDefault(r => r.Kind == kind)
        ?? run.Reports.FirstOrDefault(r => Doudi.Policy.Vocabulary.Codes.TryParse<Doudi.Policy.Prevention.RunKind>(kind, out var k)
            && Doudi.Policy.Prevention.RunKinds.TryParse(r.Kind, out var rk) && rk == k)
        ?? throw ApiProblemException.NotFound(new($"此次运行没有 {kind} 报表（可选：{string.Join(", ", run.Reports.Select(r => r.Kind))}）",
            $"this run has no {kind} report (has: {string.Join(", ", run.Reports.Select(r => r.Kind))})"));
}
