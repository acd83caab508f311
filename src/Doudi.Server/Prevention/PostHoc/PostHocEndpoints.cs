using Doudi.Policy.Prevention;
using Doudi.Policy.Vocabulary;
using Doudi.Prevention.PostHoc;
using Doudi.Server.Api;
using Doudi.Server.Prevention.Common;
using Doudi.Server.Registry;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Prevention.PostHoc;

/// <summary>
/// Post-hoc assistance (the region's procedure, policies/posthoc/): filed at the township with the document checklist → township
/// preliminary review → county review → payment or rejection with reasons. The applicant reads the status with the
/// application number and their ID number, without an account.
/// </summary>
public static class PostHocEndpoints
{
    public static void Map(WebApplication app)
    {
        var g = app.MapGroup("/api/posthoc-applications").WithTags("Post-hoc applications");

        g.MapGet("/checklist", (string? region, string? date, PostHocService service, PreventionCatalog catalog, PreventionClock clock) =>
        {
            var problems = new List<FieldProblem>();
            var day = date is null ? clock.Today : Calendar.CalendarEndpoints.ParseDate(date, "date", problems);
            if (region is not null && catalog.Problem("region", region) is { } rp) problems.Add(rp);
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            // Without a region: the one region whose files set post-hoc assistance on the day (the checklist published before regions were data).
            var rules = region is not null ? [service.Rule(region, day!.Value)]
                : catalog.Regions.Select(r => catalog.Catalog.PostHocOn(r, day!.Value)).OfType<PostHocPolicy>().ToList();
            if (rules.Count > 1)
                throw ApiProblemException.Invalid([new("region", new("多个统筹区规定了事后救助，请指明 region", "several regions set post-hoc assistance: name the region"))]);
            // No region sets it on the day: an empty checklist that says so (an application would be refused with no_posthoc_rule).
            if (rules.Count == 0)
                return Results.Json(new PostHocChecklist("", []) { Text = $"{day:yyyy-MM-dd} 没有统筹区的政策文件规定事后救助 no region's policy files set post-hoc assistance on {day:yyyy-MM-dd}" }, Json.Options);
            var rule = rules[0];
            return Results.Json(new PostHocChecklist(rule.Procedure.Cite, rule.Documents.Select(d =>
                new ChecklistDocument(Codes.ToCode(d), PostHocApplication.DocumentName(d).Zh, PostHocApplication.DocumentName(d).En)).ToList())
                { Region = rule.Region, Policy = rule.Id, Text = rule.Procedure.Text }, Json.Options);
        }).AllowAnonymous().Produces<PostHocChecklist>(200).Problems(422)
          .WithSummary("申请材料清单 / the documents a region's post-hoc application needs (region: default the one region that has post-hoc assistance; date: default today)");

        g.MapPost("/", async (HttpContext http, PostHocService service, CancellationToken ct) =>
        {
            using var doc = await Body.ReadJsonAsync(http.Request, ct);
            var problems = new List<FieldProblem>();
            var f = Fields.FromJson(Body.RequireObject(doc), "", problems);
            var person = f.String("person", required: true, maxLength: 64);
            var township = f.String("township", maxLength: 100);
            var claimed = f.Amount("claimedAmount", required: true);
            var documents = DocumentList(f, "documents");
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            var (h, a) = await service.SubmitAsync(person!, township, claimed!.Value, documents, http.Actor(), ct);
            return Results.Json(View(h, a), Json.Options, statusCode: 201);
        }).RequireAuthorization(PreventionPolicies.PostHoc)
          .JsonBody<PostHocSubmitRequest>().Produces<PostHocView>(201).Problems(422)
          .WithSummary("受理事后救助申请 / file an application at the township with its documents (422 no_posthoc_rule: the person's region has no post-hoc assistance)");

        g.MapGet("/{id}", async (string id, Database db, PostHocService service, CancellationToken ct) =>
        {
            var l = await db.ReadAsync(c => service.LoadAsync(c, null, id), ct) ?? throw NotFound(id);
            return Results.Json(View(l.Header, l.App), Json.Options);
        }).RequireAuthorization(PreventionPolicies.PostHoc).Produces<PostHocView>(200).Problems(404).WithSummary("事后救助申请 / one application");

        Step<PostHocDocumentsRequest>(g, "/{id}/supplement", "supplement", f => new { documents = DocumentList(f, "documents") }, "补充材料 / add documents after a return");
        Step<TownshipReviewRequest>(g, "/{id}/township-review", "township_review", f => new
        {
            materialTrue = f.Bool("materialTrue") ?? Req(f, "materialTrue"), eligible = f.Bool("eligible") ?? Req(f, "eligible"), reasons = Strings(f, "reasons"),
        }, "乡镇（街道）初审 / township preliminary review: complete, true, eligible");
        Step<CountyReviewRequest>(g, "/{id}/county-review", "county_review", f =>
        {
            var approve = f.Bool("approve") ?? Req(f, "approve");
            var amount = f.Amount("amount") ?? 0m;
            var reasons = Strings(f, "reasons");
            if (!approve && reasons.Length == 0) f.Problem("reasons", new("不予救助须说明理由", "a rejection must give its reasons"));
            return new { approve, amount, reasons };
        }, "县级医保经办机构复核 / county review: approve an amount or reject with reasons");
        Step<PostHocPaymentRequest>(g, "/{id}/payment", "payment", f => new { reference = f.String("reference", required: true, maxLength: 200) }, "支付 / record the payment");

        // The applicant's own view: application number + ID number; answers 404 for any mismatch.
        g.MapGet("/{id}/status", async (string id, string? idNumber, HttpContext http, PostHocService service, CancellationToken ct) =>
        {
            if (idNumber is null) throw ApiProblemException.Invalid([new("idNumber", Msg.Required)]);
            var a = await service.ForApplicantAsync(id, ChineseId.Normalize(idNumber), ct) ?? throw NotFound(id);
            var en = Text.WantsEnglish(http);
            var status = a.StatusForApplicant();
            return Results.Json(new ApplicantStatus(id, Codes.ToCode(a.State), status.Zh, status.En, en ? status.En : status.Zh,
                a.MissingDocuments.Select(d => PostHocApplication.DocumentName(d).Zh).ToList(), a.PaidAmount,
                a.Steps.Select(s => new ApplicantStep(s.Kind, s.At.ToString("yyyy-MM-dd"))).ToList()), Json.Options);
        }).AllowAnonymous().Produces<ApplicantStatus>(200).Problems(404)
          .WithSummary("申请人查询进度 / the applicant reads where the application stands (application number and ID number)");
    }

    private static ApiProblemException NotFound(string id) => ApiProblemException.NotFound(new($"没有事后救助申请 {id}", $"no post-hoc application {id}"));

    private static bool Req(Fields f, string name) { f.Problem(name, Msg.Required); return false; }

    private static string[] Strings(Fields f, string name) => f.StringList(name) ?? [];

    private static string[] DocumentList(Fields f, string name)
    {
        var list = Strings(f, name);
        foreach (var d in list.Where(d => !Codes.TryParse<PostHocDocument>(d, out _))) f.Problem(name, Msg.Unknown("材料", d, Codes.All<PostHocDocument>()));
        return list.Where(d => Codes.TryParse<PostHocDocument>(d, out _)).ToArray();
    }

    private static PostHocView View(PostHocHeader h, PostHocApplication a) => new(h.Id, h.PersonId, h.Region, a.Township, a.ClaimedAmount, a.Cite,
        Codes.ToCode(a.State), a.StatusForApplicant().Zh, a.StatusForApplicant().En, a.Documents.Select(Codes.ToCode).ToList(),
        a.MissingDocuments.Select(Codes.ToCode).ToList(), a.PaidAmount, a.RejectionReasons,
        a.Steps.Select(s => new PostHocStepView(s.Kind, s.Actor, s.At, s.Reason)).ToList(), h.CreatedAt, h.CreatedBy);

    private static void Step<TRequest>(RouteGroupBuilder g, string route, string command, Func<Fields, object> read, string summary)
    {
        g.MapPost(route, async (HttpContext http, PostHocService service, CancellationToken ct) =>
        {
            var id = (string)http.Request.RouteValues["id"]!;
            using var doc = await Body.ReadJsonAsync(http.Request, ct);
            var problems = new List<FieldProblem>();
            var f = Fields.FromJson(Body.RequireObject(doc), "", problems);
            var args = read(f);
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            var (h, a) = await service.StepAsync(id, command, args, http.Actor(), ct);
            return Results.Json(View(h, a), Json.Options);
        }).RequireAuthorization(PreventionPolicies.PostHoc)
          .JsonBody<TRequest>().Produces<PostHocView>(200).Problems(404, 422).WithSummary(summary);
    }
}
