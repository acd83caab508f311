using System.Text.Json;
using Doudi.Engine.Results;
using Doudi.Server.Api;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Settlements;

/// <summary>
/// A year-end run as answered: the run, its counts, and its person-years (by person id) and household-years (by
/// household id) — all of them, as published, or one page of each with <c>?page=&amp;pageSize=</c>.
/// </summary>
public sealed record YearEndRunView(string Id, string Region, int Year, DateTimeOffset CreatedAt, string CreatedBy, int PersonCount, int HouseholdCount,
    int BillCount, List<PersonYearResult> Persons, List<HouseholdYearResult> Households, int? Page, int? PageSize);

/// <summary>
/// <c>POST /api/year-end-runs</c> runs the annual rules over a region's stored year (409 while another node runs it);
/// <c>GET /api/year-end-runs/{id}</c> answers it (paged on request), and <c>/persons/{id}</c>, <c>/households/{id}</c>
/// one person's or household's year in it. Results are streamed from their rows: a city's run is never one object in memory.
/// </summary>
public static class YearEndEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapPost("/api/year-end-runs", async (HttpContext http, YearEnd yearEnd, EngineHost policies, Database db, int? page, int? pageSize, CancellationToken ct) =>
        {
            var paging = page is null && pageSize is null ? (Paging?)null : Paging.From(page, pageSize);
            using var doc = await Body.ReadJsonAsync(http.Request, ct);
            var problems = new List<FieldProblem>();
            var f = Fields.FromJson(Body.RequireObject(doc), "", problems);
            var region = f.String("region", required: true);
            if (region is not null && !policies.IsRegion(region)) f.Problem("region", Msg.Unknown("统筹区", region, policies.Regions));
            var year = f.Int("year");
            if (year is null && !f.Has("year")) f.Problem("year", Msg.Required);
            else if (year is < 2000 or > 2100) f.Problem("year", new("年份不合理", "is not a plausible year"));
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            var run = await yearEnd.RunAsync(region!, year!.Value, http.Actor(), ct);
            await WriteAsync(http, db, run, paging, StatusCodes.Status201Created, ct);
        }).RequireAuthorization(Policies.Operate).WithTags("Back office")
          .JsonBody<YearEndRunRequest>().Produces<YearEndRunView>(StatusCodes.Status201Created).Problems(409, 503)
          .WithSummary("年度结算 / run the year-end rules over stored settlements of a region's year (all results, or ?page&pageSize)");

        app.MapGet("/api/year-end-runs/{id}", async (string id, HttpContext http, Database db, int? page, int? pageSize, CancellationToken ct) =>
        {
            var paging = page is null && pageSize is null ? (Paging?)null : Paging.From(page, pageSize);
            var run = await db.ReadAsync(c => YearEndStore.FindAsync(c, id), ct) ?? throw NotFound(id);
            await WriteAsync(http, db, run, paging, StatusCodes.Status200OK, ct);
        }).RequireAuthorization(Policies.ReadYears).WithTags("Back office").Produces<YearEndRunView>().Problems(404)
          .WithSummary("年度结算结果 / a year-end run: all its results, or a page of persons and of households (?page&pageSize)");

        app.MapGet("/api/year-end-runs/{id}/persons/{personId}", async (string id, string personId, Database db, CancellationToken ct) =>
            Results.Json(await db.ReadAsync(async c => await YearEndStore.PersonAsync(c, await YearEndStore.FindAsync(c, id) ?? throw NotFound(id), personId), ct)
                ?? throw ApiProblemException.NotFound(new($"年度结算 {id} 中没有人员 {personId}", $"year-end run {id} has no person {personId}")), Json.Options))
            .RequireAuthorization(Policies.ReadYears).WithTags("Back office").Produces<PersonYearResult>().Problems(404)
            .WithSummary("年度结算中一人的结果 / one person's year in a year-end run");

        app.MapGet("/api/year-end-runs/{id}/households/{householdId}", async (string id, string householdId, Database db, CancellationToken ct) =>
            Results.Json(await db.ReadAsync(async c => await YearEndStore.HouseholdAsync(c, await YearEndStore.FindAsync(c, id) ?? throw NotFound(id), householdId), ct)
                ?? throw ApiProblemException.NotFound(new($"年度结算 {id} 中没有家庭 {householdId}", $"year-end run {id} has no household {householdId}")), Json.Options))
            .RequireAuthorization(Policies.ReadYears).WithTags("Back office").Produces<HouseholdYearResult>().Problems(404)
            .WithSummary("年度结算中一户的结果 / one household's year in a year-end run");
    }

    private static ApiProblemException NotFound(string id) => ApiProblemException.NotFound(new($"没有年度结算 {id}", $"no year-end run {id}"));

    /// <summary>Writes <see cref="YearEndRunView"/> from the stored rows straight to the response.</summary>
    private static async Task WriteAsync(HttpContext http, Database db, YearEndRunHeader run, Paging? paging, int status, CancellationToken ct)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        await using var c = await db.OpenAsync(ct);
        await using var w = new Utf8JsonWriter(http.Response.BodyWriter, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true });
        w.WriteStartObject();
        w.WriteString("id", run.Id);
        w.WriteString("region", run.Region);
        w.WriteNumber("year", run.Year);
        w.WriteString("createdAt", Timestamps.Format(run.CreatedAt));
        w.WriteString("createdBy", run.CreatedBy);
        w.WriteNumber("personCount", run.Persons);
        w.WriteNumber("householdCount", run.Households);
        w.WriteNumber("billCount", run.Bills);
        if (paging is { } p)
        {
            w.WriteNumber("page", p.Page);
            w.WriteNumber("pageSize", p.PageSize);
            var (persons, households) = await YearEndStore.PageAsync(c, run, p);
            w.WriteStartArray("persons");
            foreach (var x in persons) w.WriteRawValue(x, skipInputValidation: true);
            w.WriteEndArray();
            w.WriteStartArray("households");
            foreach (var x in households) w.WriteRawValue(x, skipInputValidation: true);
            w.WriteEndArray();
        }
        else
        {
            w.WriteNull("page");
            w.WriteNull("pageSize");
            w.WriteStartArray("persons");
            bool inPersons = true;
            int n = 0;
            await YearEndStore.AllAsync(c, run, async (isPerson, json) =>
            {
                if (inPersons && !isPerson) { w.WriteEndArray(); w.WriteStartArray("households"); inPersons = false; }
                w.WriteRawValue(json, skipInputValidation: true);
                if (++n % 500 == 0) await w.FlushAsync(ct);
            });
            if (inPersons) { w.WriteEndArray(); w.WriteStartArray("households"); }
            w.WriteEndArray();
        }
        w.WriteEndObject();
        await w.FlushAsync(ct);
    }
}
