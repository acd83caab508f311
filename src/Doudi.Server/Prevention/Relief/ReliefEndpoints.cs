using Doudi.Prevention.Relief;
using Doudi.Server.Api;
using Doudi.Server.Prevention.Common;
using Doudi.Server.Prevention.Monitoring;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Prevention.Relief;

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
        }).RequireAuthorization(Policies.Operate)
          .WithSummary("年度兜底支付 / run the year-end relief of a region's cost year; a second run pays nothing twice");

        g.MapGet("/", async (Database db, string? region, int? year, CancellationToken ct) =>
        {
            var w = new Where().Eq("region", region).Eq("year", year);
            var items = await db.ReadAsync(c => c.ListAsync($"SELECT * FROM relief_runs{w.Sql} ORDER BY created_at, id", null, Map, w.Args), ct);
            return Results.Json(new { items }, Json.Options);
        }).RequireAuthorization(PreventionPolicies.ReadRelief);

        g.MapGet("/{id}", async (string id, Database db, CancellationToken ct) =>
            Results.Json(await FindAsync(db, id, ct), Json.Options)).RequireAuthorization(PreventionPolicies.ReadRelief);

        g.MapGet("/{id}/reports/{kind}.csv", async (string id, string kind, Database db, CancellationToken ct) =>
        {
            var report = Pick(await FindAsync(db, id, ct), kind);
            var bytes = System.Text.Encoding.UTF8.GetPreamble().Concat(System.Text.Encoding.UTF8.GetBytes(CsvReportWriter.ToText(report.ToDomain()))).ToArray();
            return Results.File(bytes, "text/csv; charset=utf-8", $"{id}-{kind}.csv");
        }).RequireAuthorization(PreventionPolicies.ReadRelief).WithSummary("报表 CSV / the run's report of one kind as CSV (UTF-8 with BOM)");

        g.MapGet("/{id}/reports/{kind}.xlsx", async (string id, string kind, Database db, CancellationToken ct) =>
        {
            var report = Pick(await FindAsync(db, id, ct), kind);
            using var ms = new MemoryStream();
            XlsxReportWriter.Write(report.ToDomain(), ms);
            return Results.File(ms.ToArray(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"{id}-{kind}.xlsx");
        }).RequireAuthorization(PreventionPolicies.ReadRelief).WithSummary("报表 Excel / the run's report of one kind as an Excel workbook");

        app.MapGet("/api/relief-payments", async (Database db, string? region, string? runKey, string? payee, CancellationToken ct) =>
        {
            var w = new Where().Eq("region", region).Eq("run_key", runKey).Eq("payee_id", payee);
            var items = await db.ReadAsync(c => c.ListAsync($"SELECT * FROM relief_payments{w.Sql} ORDER BY created_at, id", null, ReliefStore.Map, w.Args), ct);
            return Results.Json(new { items, total = items.Sum(i => i.Amount) }, Json.Options);
        }).RequireAuthorization(PreventionPolicies.ReadRelief).WithTags("Relief").WithSummary("兜底支付明细 / every relief payment made, by run and payee");
    }

    private static ReliefRun Map(System.Data.Common.DbDataReader r) => new(r.S("id"), r.S("region"), r.I("year"), r.S("policy"), r.S("year_end_run"),
        r.T("created_at"), r.S("created_by"), Json.Deserialize<List<KindReport>>(r.S("reports_json")));

    private static async Task<ReliefRun> FindAsync(Database db, string id, CancellationToken ct) =>
        await db.ReadAsync(c => c.FirstAsync("SELECT * FROM relief_runs WHERE id = @id", null, Map, ("id", id)), ct)
        ?? throw ApiProblemException.NotFound(new($"没有兜底支付运行 {id}", $"no relief run {id}"));

    /// <summary>A run's report by its published code (e.g. <c>xxx_burden_cap</c>) or by the generic kind (<c>burden_cap</c>).</summary>
    private static KindReport Pick(ReliefRun run, string kind) => run.Reports.FirstOrDefault(r => r.Kind == kind)
        ?? run.Reports.FirstOrDefault(r => Doudi.Policy.Vocabulary.Codes.TryParse<Doudi.Policy.Prevention.RunKind>(kind, out var k)
            && Doudi.Policy.Prevention.RunKinds.TryParse(r.Kind, out var rk) && rk == k)
        ?? throw ApiProblemException.NotFound(new($"此次运行没有 {kind} 报表（可选：{string.Join(", ", run.Reports.Select(r => r.Kind))}）",
            $"this run has no {kind} report (has: {string.Join(", ", run.Reports.Select(r => r.Kind))})"));
}
