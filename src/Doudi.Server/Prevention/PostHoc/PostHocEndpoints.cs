using Doudi.Policy.Vocabulary;
using Doudi.Prevention.PostHoc;
using Doudi.Server.Api;
using Doudi.Server.Prevention.Common;
using Doudi.Server.Registry;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Prevention.PostHoc;

/// <summary>
/// Post-hoc assistance (温政办〔2020〕78号 第二十二条): filed at the township with the document checklist → township
/// preliminary review → county review → payment or rejection with reasons. The applicant reads the status with the
/// application number and their ID number, without an account.
/// </summary>
public static class PostHocEndpoints
{
    public static void Map(WebApplication app)
    {
        var g = app.MapGroup("/api/posthoc-applications").WithTags("Post-hoc applications");

        g.MapGet("/checklist", () => Results.Json(new
        {
            cite = PostHocApplication.Cite,
            documents = PostHocApplication.Checklist.Select(d => new { code = Codes.ToCode(d), name = PostHocApplication.DocumentName(d).Zh, nameEn = PostHocApplication.DocumentName(d).En }),
        }, Json.Options)).AllowAnonymous().WithSummary("申请材料清单 / the documents an application needs");

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
            return Results.Json(View(h, a, http.Actor()), Json.Options, statusCode: 201);
        }).RequireAuthorization(PreventionPolicies.PostHoc).WithSummary("受理事后救助申请 / file an application at the township with its documents");

        g.MapGet("/{id}", async (string id, HttpContext http, Database db, PostHocService service, CancellationToken ct) =>
        {
            var l = await db.ReadAsync(c => service.LoadAsync(c, null, id), ct) ?? throw NotFound(id);
            return Results.Json(View(l.Header, l.App, http.Actor()), Json.Options);
        }).RequireAuthorization(PreventionPolicies.PostHoc);

        Step(g, "/{id}/supplement", "supplement", f => new { documents = DocumentList(f, "documents") }, "补充材料 / add documents after a return");
        Step(g, "/{id}/township-review", "township_review", f => new
        {
            materialTrue = f.Bool("materialTrue") ?? Req(f, "materialTrue"), eligible = f.Bool("eligible") ?? Req(f, "eligible"), reasons = Strings(f, "reasons"),
        }, "乡镇（街道）初审 / township preliminary review: complete, true, eligible");
        Step(g, "/{id}/county-review", "county_review", f =>
        {
            var approve = f.Bool("approve") ?? Req(f, "approve");
            var amount = f.Amount("amount") ?? 0m;
            var reasons = Strings(f, "reasons");
            if (!approve && reasons.Length == 0) f.Problem("reasons", new("不予救助须说明理由", "a rejection must give its reasons"));
            return new { approve, amount, reasons };
        }, "县级医保经办机构复核 / county review: approve an amount or reject with reasons");
        Step(g, "/{id}/payment", "payment", f => new { reference = f.String("reference", required: true, maxLength: 200) }, "支付 / record the payment");

        // The applicant's own view: application number + ID number; answers 404 for any mismatch.
        g.MapGet("/{id}/status", async (string id, string? idNumber, HttpContext http, Database db, PostHocService service, CancellationToken ct) =>
        {
            if (idNumber is null) throw ApiProblemException.Invalid([new("idNumber", Msg.Required)]);
            var result = await db.ReadAsync(async c =>
            {
                var l = await service.LoadAsync(c, null, id);
                if (l is null) return null;
                var number = await c.ScalarAsync("SELECT id_number FROM persons WHERE id = @p", null, ("p", l.Value.Header.PersonId)) as string;
                return number is not null && string.Equals(number, ChineseId.Normalize(idNumber), StringComparison.Ordinal) ? l : null;
            }, ct) ?? throw NotFound(id);
            var a = result.App;
            var en = Text.WantsEnglish(http);
            return Results.Json(new
            {
                id, state = Codes.ToCode(a.State), status = a.StatusForApplicant().Zh, statusEn = a.StatusForApplicant().En,
                message = en ? a.StatusForApplicant().En : a.StatusForApplicant().Zh,
                missingDocuments = a.MissingDocuments.Select(d => PostHocApplication.DocumentName(d).Zh), paidAmount = a.PaidAmount,
                steps = a.Steps.Select(s => new { s.Kind, date = s.At.ToString("yyyy-MM-dd") }),
            }, Json.Options);
        }).AllowAnonymous().WithSummary("申请人查询进度 / the applicant reads where the application stands (application number and ID number)");
    }

    private static ApiProblemException NotFound(string id) => ApiProblemException.NotFound(new($"没有事后救助申请 {id}", $"no post-hoc application {id}"));

    private static bool Req(Fields f, string name) { f.Problem(name, Msg.Required); return false; }

    private static string[] Strings(Fields f, string name) =>
        f.Element(name) is { ValueKind: System.Text.Json.JsonValueKind.Array } a ? a.EnumerateArray().Select(x => x.GetString() ?? "").Where(x => x.Length > 0).ToArray() : [];

    private static string[] DocumentList(Fields f, string name)
    {
        var list = Strings(f, name);
        foreach (var d in list.Where(d => !Codes.TryParse<DocumentKind>(d, out _))) f.Problem(name, Msg.Unknown("材料", d, Codes.All<DocumentKind>()));
        return list.Where(d => Codes.TryParse<DocumentKind>(d, out _)).ToArray();
    }

    private static object View(PostHocHeader h, PostHocApplication a, Actor actor) => new
    {
        id = h.Id, person = h.PersonId, h.Region, township = a.Township, claimedAmount = a.ClaimedAmount, cite = PostHocApplication.Cite,
        state = Codes.ToCode(a.State), status = a.StatusForApplicant().Zh, statusEn = a.StatusForApplicant().En,
        documents = a.Documents.Select(Codes.ToCode), missingDocuments = a.MissingDocuments.Select(Codes.ToCode), paidAmount = a.PaidAmount,
        rejectionReasons = a.RejectionReasons, steps = a.Steps, h.CreatedAt, h.CreatedBy,
    };

    private static void Step(RouteGroupBuilder g, string route, string command, Func<Fields, object> read, string summary)
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
            return Results.Json(View(h, a, http.Actor()), Json.Options);
        }).RequireAuthorization(PreventionPolicies.PostHoc).WithSummary(summary);
    }
}
