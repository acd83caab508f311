using System.Text.Json.Nodes;
using Doudi.Engine.Results;
using Doudi.Server.Api;
using Doudi.Server.Imports;
using Doudi.Server.Registry;
using Doudi.Server.Security;
using Doudi.Server.Storage;
using Microsoft.AspNetCore.Http.Features;

namespace Doudi.Server.Settlements;

/// <summary>Back office: bulk import of settlement records, person and household year summaries (year-end runs: YearEndEndpoints).</summary>
public static class BackOfficeEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapPost("/api/settlement-imports", async (HttpContext http, BulkImport bulk, string? format, string? mode, bool? dryRun, CancellationToken ct) =>
        {
            var problems = new List<FieldProblem>();
            format ??= http.Request.ContentType?.Contains("csv", StringComparison.OrdinalIgnoreCase) == true ? "csv" : "jsonl";
            if (format is not ("csv" or "jsonl")) problems.Add(new("format", Msg.Unknown("格式", format, ["csv", "jsonl"])));
            mode ??= "per_row";
            if (mode is not ("per_row" or "all_or_nothing")) problems.Add(new("mode", Msg.Unknown("模式", mode, ["per_row", "all_or_nothing"])));
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null; // tens of millions of rows
            var charset = format == "csv" ? CsvEncoding.Declared(http.Request.ContentType) : null;
            var report = await bulk.RunAsync(http.Request.Body, format, mode, dryRun ?? false, http.Actor(), ct, charset);
            return Results.Json(report, Json.Options, statusCode: report.Committed || report.DryRun ? 200 : 422);
        }).RequireAuthorization(Policies.Operate).WithTags("Back office")
          .WithSummary("批量导入结算记录 / stream a period's settlement records (CSV or JSONL) with a per-row error report")
          .AcceptsText("text/csv", "application/x-ndjson")
          .Produces<BulkImportReport>().Produces<BulkImportReport>(StatusCodes.Status422UnprocessableEntity).Problems(503);

        app.MapGet("/api/settlement-imports/{id}", async (string id, Database db, CancellationToken ct) =>
        {
            var report = await db.ReadAsync(c => c.FirstAsync("SELECT * FROM settlement_imports WHERE id = @id", null, r => new
            {
                id = r.S("id"), format = r.S("format"), mode = r.S("mode"), rows = r.L("rows_total"), settled = r.L("rows_settled"),
                replayed = r.L("rows_replayed"), rejected = r.L("rows_rejected"), committed = r.B("committed"),
                errors = System.Text.Json.JsonDocument.Parse(r.S("errors_json")).RootElement.Clone(), createdAt = r.T("created_at"), createdBy = r.S("created_by"),
            }, ("id", id)), ct) ?? throw ApiProblemException.NotFound(new($"没有导入批次 {id}", $"no settlement import {id}"));
            return Results.Json(report, Json.Options);
        }).RequireAuthorization(Policies.Operate).WithTags("Back office")
          .WithSummary("一次结算导入 / a settlement import and its row errors").Produces<SettlementImportView>().Problems(404);

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
