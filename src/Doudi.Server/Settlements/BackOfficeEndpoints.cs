using System.Text.Json.Nodes;
using Doudi.Engine.Results;
using Doudi.Server.Api;
using Doudi.Server.Imports;
using Doudi.Server.Registry;
using Doudi.Server.Security;
using Doudi.Server.Storage;
using Microsoft.AspNetCore.Http.Features;

namespace Doudi.Server.Settlements;

/// <summary>The answer of an asynchronous import (202): its id, state and where to follow it.</summary>
public sealed record SettlementImportStarted(string Id, string State, string Location);

/// <summary>Back office: bulk import of settlement records, person and household year summaries (year-end runs: YearEndEndpoints).</summary>
public static class BackOfficeEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapPost("/api/settlement-imports", async (HttpContext http, BulkImport bulk, IHostApplicationLifetime life, string? format, string? mode, bool? dryRun,
            bool? async, CancellationToken ct) =>
        {
            var problems = new List<FieldProblem>();
            format ??= http.Request.ContentType?.Contains("csv", StringComparison.OrdinalIgnoreCase) == true ? "csv" : "jsonl";
            if (format is not ("csv" or "jsonl")) problems.Add(new("format", Msg.Unknown("格式", format, ["csv", "jsonl"])));
            mode ??= "per_row";
            if (mode is not ("per_row" or "all_or_nothing")) problems.Add(new("mode", Msg.Unknown("模式", mode, ["per_row", "all_or_nothing"])));
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null; // tens of millions of rows
            var charset = format == "csv" ? CsvEncoding.Declared(http.Request.ContentType) : null;
            var actor = http.Actor();
            var respondAsync = async == true || http.Request.Headers["Prefer"].Any(p => p?.Contains("respond-async", StringComparison.OrdinalIgnoreCase) == true);
            if (!respondAsync)
            {
                var report = await bulk.RunAsync(http.Request.Body, format, mode, dryRun ?? false, actor, ct, charset);
                return Results.Json(report, Json.Options, statusCode: report.Committed || report.DryRun ? 200 : 422);
            }
            // Asynchronous: the body is kept in a temporary file (the request ends now), the import runs on, and GET on the
            // Location shows its progress and, at the end, its report.
            var spool = Path.Combine(Path.GetTempPath(), "doudi-import-" + Guid.NewGuid().ToString("N"));
            await using (var file = File.Create(spool)) await http.Request.Body.CopyToAsync(file, ct);
            var started = await bulk.StartAsync(format, mode, dryRun ?? false, actor, ct);
            var (f, m, dry) = (format, mode, dryRun ?? false);
            _ = Task.Run(async () =>
            {
                try
                {
                    await using var body = new FileStream(spool, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.DeleteOnClose | FileOptions.SequentialScan);
                    await bulk.RunAsync(body, f, m, dry, actor, life.ApplicationStopping, charset, started);
                }
                catch (Exception) { /* recorded as failed by the import itself */ }
            });
            http.Response.Headers.Location = $"/api/settlement-imports/{started.Id}";
            return Results.Json(new SettlementImportStarted(started.Id, started.State, $"/api/settlement-imports/{started.Id}"), Json.Options, statusCode: 202);
        }).RequireAuthorization(Policies.Operate).WithTags("Back office")
          .WithSummary("批量导入结算记录 / stream a period's settlement records (CSV or JSONL) with a per-row error report; ?async=true or Prefer: respond-async answers 202 at once")
          .AcceptsText("text/csv", "application/x-ndjson")
          .Produces<BulkImportReport>().Produces<BulkImportReport>(StatusCodes.Status422UnprocessableEntity).Produces<SettlementImportStarted>(StatusCodes.Status202Accepted).Problems(503);

        app.MapGet("/api/settlement-imports/{id}", async (string id, Database db, BulkImport bulk, CancellationToken ct) =>
        {
            var report = await db.ReadAsync(c => c.FirstAsync("SELECT * FROM settlement_imports WHERE id = @id", null, MapImport, ("id", id)), ct)
                ?? throw ApiProblemException.NotFound(new($"没有导入批次 {id}", $"no settlement import {id}"));
            return Results.Json(WithLive(report, bulk), Json.Options);
        }).RequireAuthorization(Policies.Operate).WithTags("Back office")
          .WithSummary("导入批次及进度 / a settlement import: state (running, done, failed), rows done so far, and its report").Produces<SettlementImportView>().Problems(404);

        app.MapGet("/api/settlement-imports", async (Database db, BulkImport bulk, string? state, CancellationToken ct) =>
        {
            if (state is not null and not (BulkImport.Running or BulkImport.Done or BulkImport.Failed))
                throw ApiProblemException.Invalid([new("state", Msg.Unknown("状态", state, [BulkImport.Running, BulkImport.Done, BulkImport.Failed]))]);
            var list = await db.ReadAsync(c => c.ListAsync("SELECT * FROM settlement_imports" + (state is null ? "" : " WHERE state = @s") + " ORDER BY created_at DESC, id LIMIT 50",
                null, MapImport, ("s", state)), ct);
            return Results.Json(list.Select(r => WithLive(r, bulk) with { Errors = null }).ToList(), Json.Options);
        }).RequireAuthorization(Policies.Operate).WithTags("Back office")
          .WithSummary("最近的导入批次 / the 50 latest settlement imports (optionally only running, done or failed), with their progress, without row errors")
          .Produces<List<SettlementImportView>>().Problems(400);

        app.MapGet("/api/persons/{id}/years/{yearText}", async (string id, string yearText, HttpContext http, Database db, CancellationToken ct) =>
        {
            var year = Paging.Year(yearText);
            var actor = http.Actor();
            var summary = await db.ReadAsync(async c =>
            {
                var p = await RegistryStore.PersonByIdAsync(c, null, id);
                if (p is null) return null;
                var run = await YearEndStore.LatestAsync(c, p.Region, year);
                return await PersonSummary(c, p, year, actor, run);
            }, ct) ?? throw ApiProblemException.NotFound(new($"没有此人 {id}", $"no person {id}"));
            return Body.RawJson(summary.ToJsonString(Json.Options));
        }).RequireAuthorization(Policies.ReadYears).WithTags("Back office")
          .WithSummary("个人年度汇总 / a person's year: bills with traces, sums, ledger, year-end result").Produces<PersonYearSummary>().Problems(404);

        app.MapGet("/api/households/{id}/years/{yearText}", async (string id, string yearText, HttpContext http, Database db, CancellationToken ct) =>
        {
            var year = Paging.Year(yearText);
            var actor = http.Actor();
            var summary = await db.ReadAsync(async c =>
            {
                var members = await RegistryStore.HouseholdMembersAsync(c, id);
                if (members.Count == 0) return null;
                var run = await YearEndStore.LatestAsync(c, members[0].Region, year);
                var arr = new JsonArray();
                decimal assistance = 0, tilted = 0, burden = 0;
                foreach (var m in members)
                {
                    var s = await PersonSummary(c, m, year, actor, run);
                    assistance += s["assistance"]!.GetValue<decimal>(); tilted += s["tilted"]!.GetValue<decimal>(); burden += s["personalBurden"]!.GetValue<decimal>();
                    arr.Add(s);
                }
                var hh = run is null ? null : await YearEndStore.HouseholdAsync(c, run, id);
                return new JsonObject
                {
                    ["id"] = id, ["year"] = year, ["assistance"] = assistance, ["tilted"] = tilted, ["personalBurden"] = burden,
                    ["members"] = arr,
                    ["yearEnd"] = hh is null ? null : JsonNode.Parse(Json.Serialize(hh)),
                    ["yearEndRun"] = run?.Id,
                };
            }, ct) ?? throw ApiProblemException.NotFound(new($"没有家庭 {id}", $"no household {id}"));
            return Body.RawJson(summary.ToJsonString(Json.Options));
        }).RequireAuthorization(Policies.ReadYears).WithTags("Back office")
          .WithSummary("家庭年度汇总 / a household's year: its members' years and the household's year-end result").Produces<HouseholdYearSummary>().Problems(404);
    }

    private static SettlementImportView MapImport(System.Data.Common.DbDataReader r) => new(
        r.S("id"), r.S("format"), r.S("mode"), r.L("rows_total"), r.L("rows_settled"), r.L("rows_replayed"), r.L("rows_rejected"), r.B("committed"),
        Json.Deserialize<List<RowError>>(r.S("errors_json")), r.T("created_at"), r.S("created_by"),
        r.S("state"), r.L("rows_done"), r.L("rows_held"), r.TN("updated_at"), r.TN("finished_at"));

    /// <summary>An import running in this process shows its live counts (the stored ones move at each committed chunk).</summary>
    private static SettlementImportView WithLive(SettlementImportView r, BulkImport bulk) =>
        r.State == BulkImport.Running && bulk.Live(r.Id) is { } live
            ? r with { Rows = live.Rows, RowsDone = live.RowsDone, Settled = live.Settled, Replayed = live.Replayed, Rejected = live.Rejected, Held = live.Held }
            : r;

    /// <summary>A person's year: each settlement with its trace, totals of the non-reversed ones, the running ledger totals, and the latest year-end result.</summary>
    private static async Task<JsonObject> PersonSummary(System.Data.Common.DbConnection c, PersonRecord p, int year, Actor actor, YearEndRunHeader? run)
    {
        var rows = await SettlementStore.OfPersonYearAsync(c, p.Id, year);
        decimal assistance = 0, tilted = 0, burden = 0;
        var bills = new JsonArray();
        foreach (var s in rows)
        {
            bills.Add(JsonNode.Parse(s.ToJson()));
            if (s.Status != StoredSettlement.Settled) continue;
            var r = StoredResults.Read(s.ResultJson, s.ResultFormat);
            assistance += r.Assistance; tilted += r.Tilted; burden += r.PersonalBurden;
        }
        var ledger = await LedgerTotals.LoadAsync(c, null, p.Id, year);
        var py = run is null ? null : await YearEndStore.PersonAsync(c, run, p.Id);
        return new JsonObject
        {
            ["id"] = p.Id, ["name"] = p.Name, ["idNumber"] = IdMasking.For(actor, p.IdNumber), ["household"] = p.Household, ["region"] = p.Region,
            ["year"] = year, ["assistance"] = assistance, ["tilted"] = tilted, ["personalBurden"] = burden,
            ["counted"] = JsonNode.Parse(Json.Serialize(ledger.All)),
            ["bills"] = bills,
            ["yearEnd"] = py is null ? null : JsonNode.Parse(Json.Serialize(py)),
            ["yearEndRun"] = run?.Id,
        };
    }
}
