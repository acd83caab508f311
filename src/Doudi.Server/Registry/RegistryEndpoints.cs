using Doudi.Policy.Vocabulary;
using Doudi.Server.Api;
using Doudi.Server.Audit;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Registry;

public static class RegistryEndpoints
{
    public static void Map(WebApplication app)
    {
        var g = app.MapGroup("/api/persons").WithTags("Registry");

        g.MapGet("/", async (HttpContext http, Database db, string? region, string? township, string? household, string? q, int? page, int? pageSize, CancellationToken ct) =>
        {
            var paging = Paging.From(page, pageSize);
            var actor = http.Actor();
            if (q is not null && ChineseId.LooksLikeIdNumber(q))
            {
                q = ChineseId.Normalize(q);
                if (!ChineseId.IsValid(q)) throw ApiProblemException.Invalid([new("q", ChineseId.Invalid)]);
            }
            // Searching by ID number is only for roles that may see ID numbers.
            var (items, total) = await db.ReadAsync(c => RegistryStore.ListPersonsAsync(c, region, township, household, q, actor.SeesIdNumbers, paging), ct);
            var result = new Page<PersonView>(items.Select(p => Views.View(p, actor, null)).ToList(), paging.Page, paging.PageSize, total);
            return Results.Json(result, Json.Options);
        }).RequireAuthorization(Policies.ReadRegistry)
          .WithSummary("人员 / persons by region, township, household, or a name, id or ID number (q)").Produces<Page<PersonView>>();

        g.MapGet("/{id}", async (string id, HttpContext http, Database db, CancellationToken ct) =>
        {
            var actor = http.Actor();
            var view = await db.ReadAsync(async c =>
            {
                var p = await RegistryStore.PersonByIdAsync(c, null, id);
                return p is null ? null : Views.View(p, actor, await RegistryStore.IdentitiesAsync(c, null, p.Id));
            }, ct) ?? throw ApiProblemException.NotFound(new($"没有此人 {id}", $"no person {id}"));
            return Results.Json(view, Json.Options);
        }).RequireAuthorization(Policies.ReadRegistry)
          .WithSummary("一人及其身份 / a person with their identities").Produces<PersonView>().Problems(404);

        g.MapPost("/", async (HttpContext http, Database db, Settlements.EngineHost policies, CancellationToken ct) =>
        {
            using var doc = await Body.ReadJsonAsync(http.Request, ct);
            var problems = new List<FieldProblem>();
            var f = Fields.FromJson(Body.RequireObject(doc), "", problems);
            var idNumber = f.String("idNumber", required: true, maxLength: 18);
            if (idNumber is not null && !ChineseId.IsValid(ChineseId.Normalize(idNumber))) f.Problem("idNumber", ChineseId.Invalid);
            var name = f.String("name", required: true, maxLength: 50);
            var region = f.String("region", required: true);
            if (region is not null && !policies.IsRegion(region)) f.Problem("region", Msg.Unknown("统筹区", region, policies.Regions));
            var insurance = InsuranceType.Resident;
            if (f.String("insurance") is { } ins && !Codes.TryParse(ins, out insurance)) f.Problem("insurance", Msg.Unknown("参保类型", ins, Codes.All<InsuranceType>()));
            var township = f.String("township", maxLength: 50);
            var household = f.String("household", maxLength: 64);
            var psnNo = f.String("psnNo", maxLength: 64);
            Doudi.Policy.Prevention.InsuranceTier? tier = null;
            if (f.String("insuranceTier") is { } tierCode)
            {
                if (Codes.TryParse<Doudi.Policy.Prevention.InsuranceTier>(tierCode, out var t) && t != Doudi.Policy.Prevention.InsuranceTier.Any) tier = t;
                else f.Problem("insuranceTier", Msg.Unknown("档次", tierCode, ["tier1", "tier2"]));
            }
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            var actor = http.Actor();
            var person = new PersonRecord(RegistryStore.NewPersonId(), ChineseId.Normalize(idNumber!), psnNo, name!, household ?? RegistryStore.NewHouseholdId(), insurance, region!, township) { Tier = tier };
            try
            {
                await db.WriteAsync(async (c, tx) =>
                {
                    await RegistryStore.InsertPersonAsync(c, tx, person);
                    await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "create", "person", person.Id, null, person);
                    return 0;
                }, ct);
            }
            catch (Exception e) when (Database.IsUniqueViolation(e))
            {
                throw ApiProblemException.Conflict(new("此身份证号或医保人员编号已登记", "this ID number or psn_no is already registered"));
            }
            return Results.Json(Views.View(person, actor, []), Json.Options, statusCode: 201);
        }).RequireAuthorization(Policies.Operate)
          .WithSummary("登记一人 / enter a person").JsonBody<PersonRequest>().Produces<PersonView>(StatusCodes.Status201Created).Problems(409);

        // A dated identity entered by hand at the bureau (department medical_security unless given).
        g.MapPost("/{id}/identities", async (string id, HttpContext http, Database db, IEnumerable<Prevention.Common.IIdentityAddedHook> hooks, CancellationToken ct) =>
        {
            using var doc = await Body.ReadJsonAsync(http.Request, ct);
            var problems = new List<FieldProblem>();
            var f = Fields.FromJson(Body.RequireObject(doc), "", problems);
            var category = IdentityCodes.ReadCategory(f, "category");
            var department = f.String("department") ?? Departments.MedicalSecurity;
            if (!Departments.Categories.ContainsKey(department)) f.Problem("department", Msg.Unknown("部门", department, Departments.Categories.Keys));
            var recognized = f.Date("recognized", required: true);
            var revoked = f.Date("revoked");
            if (recognized is not null && revoked is not null && revoked < recognized) f.Problem("revoked", new("退出日期早于认定日期", "is before recognized"));
            var medical = f.Bool("forMedicalSpending") ?? false;
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            var actor = http.Actor();
            var view = await db.WriteAsync(async (c, tx) =>
            {
                var p = await RegistryStore.PersonByIdAsync(c, tx, id)
                    ?? throw ApiProblemException.NotFound(new($"没有此人 {id}", $"no person {id}"));
                var existing = await RegistryStore.IdentitiesAsync(c, tx, p.Id);
                var overlap = existing.FirstOrDefault(i => i.Department == department && Imports.NameListImporter.EffectiveOverlap(i.Recognized, i.Revoked, recognized!.Value, revoked));
                if (overlap is not null)
                    throw ApiProblemException.Conflict(new($"同一部门在此期间已有身份（{Codes.ToCode(overlap.Category)}，自 {overlap.Recognized}），请先终止它（I-2：每人每日一个类别）",
                        $"this department already gives an identity in this period ({Codes.ToCode(overlap.Category)} from {overlap.Recognized}); end it first (I-2: one category per date)"));
                var newId = await RegistryStore.InsertIdentityAsync(c, tx, p.Id, category!.Value, department, recognized!.Value, revoked, medical, null, actor.Name);
                await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "create", "identity", newId.ToString(System.Globalization.CultureInfo.InvariantCulture), null,
                    new { person = p.Id, category = Codes.ToCode(category.Value), department, recognized, revoked, forMedicalSpending = medical });
                foreach (var hook in hooks) await hook.IdentityAddedAsync(c, tx, p.Id, newId, actor, "api"); // issue 4: retroactive assistance (I-15)
                return Views.View(p, actor, await RegistryStore.IdentitiesAsync(c, tx, p.Id));
            }, ct);
            return Results.Json(view, Json.Options, statusCode: 201);
        }).RequireAuthorization(Policies.Operate)
          .WithSummary("录入身份 / add a dated identity").JsonBody<IdentityRequest>().Produces<PersonView>(StatusCodes.Status201Created).Problems(404, 409, 503);

        // Ending an identity sets its revocation date; nothing else of it changes (history is kept).
        g.MapPost("/{id}/identities/{identityId:long}/end", async (string id, long identityId, HttpContext http, Database db, CancellationToken ct) =>
        {
            using var doc = await Body.ReadJsonAsync(http.Request, ct);
            var problems = new List<FieldProblem>();
            var f = Fields.FromJson(Body.RequireObject(doc), "", problems);
            var revoked = f.Date("revoked", required: true);
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            var actor = http.Actor();
            var view = await db.WriteAsync(async (c, tx) =>
            {
                var p = await RegistryStore.PersonByIdAsync(c, tx, id)
                    ?? throw ApiProblemException.NotFound(new($"没有此人 {id}", $"no person {id}"));
                var identity = (await RegistryStore.IdentitiesAsync(c, tx, p.Id)).FirstOrDefault(i => i.Id == identityId)
                    ?? throw ApiProblemException.NotFound(new($"没有身份 {identityId}", $"no identity {identityId}"));
                if (identity.Revoked is not null) throw ApiProblemException.Conflict(new("此身份已终止", "this identity has already ended"));
                if (revoked < identity.Recognized) throw ApiProblemException.Invalid([new("revoked", new("退出日期早于认定日期", "is before recognized"))]);
                await RegistryStore.EndIdentityAsync(c, tx, identityId, revoked!.Value, null);
                await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "end", "identity", identityId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    new { revoked = (DateOnly?)null }, new { revoked });
                return Views.View(p, actor, await RegistryStore.IdentitiesAsync(c, tx, p.Id));
            }, ct);
            return Results.Json(view, Json.Options);
        }).RequireAuthorization(Policies.Operate)
          .WithSummary("终止身份 / end an identity").JsonBody<IdentityEndRequest>().Produces<PersonView>().Problems(404, 409, 503);

        // Before settling, a hospital asks whether a patient is an assistance object on a date, and as what (I-1 dates;
        // with several identities the engine takes the one that pays most for the bill, I-2).
        app.MapGet("/api/eligibility", async (HttpContext http, Database db, string? person, string? date, CancellationToken ct) =>
        {
            var problems = new List<FieldProblem>();
            if (string.IsNullOrWhiteSpace(person)) problems.Add(new("person", Msg.Required));
            else if (ChineseId.LooksLikeIdNumber(person) && !ChineseId.IsValid(ChineseId.Normalize(person))) problems.Add(new("person", ChineseId.Invalid));
            DateOnly on = default;
            if (date is null) problems.Add(new("date", Msg.Required));
            else if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", out on)) problems.Add(new("date", Msg.NotDate(date)));
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            var actor = http.Actor();
            var answer = await db.ReadAsync(async c =>
            {
                var p = await RegistryStore.FindPersonAsync(c, null, person!);
                if (p is null) return null;
                var inForce = (await RegistryStore.IdentitiesAsync(c, null, p.Id))
                    .Where(i => i.EffectiveFrom <= on && (i.EffectiveTo is null || on <= i.EffectiveTo))
                    .Select(Views.View).ToList();
                return new EligibilityAnswer(p.Id, IdMasking.For(actor, p.IdNumber), p.Region, on, inForce.Count > 0, inForce);
            }, ct) ?? throw ApiProblemException.NotFound(new($"登记库中没有此人：{IdMasking.Mask(person)}", $"no such person in the registry: {IdMasking.Mask(person)}"));
            return Results.Json(answer, Json.Options);
        }).RequireAuthorization(Policies.Settle).WithTags("Registry")
          .WithSummary("救助对象资格查询 / is this person an assistance object on this date, and as what")
          .Produces<EligibilityAnswer>().Problems(404);

        app.MapGet("/api/households", async (Database db, string? region, string? township, int? page, int? pageSize, CancellationToken ct) =>
        {
            var paging = Paging.From(page, pageSize);
            var (items, total) = await db.ReadAsync(c => RegistryStore.ListHouseholdsAsync(c, region, township, paging), ct);
            var result = new Page<HouseholdRow>(items, paging.Page, paging.PageSize, total);
            return Results.Json(result, Json.Options);
        }).RequireAuthorization(Policies.ReadRegistry).WithTags("Registry")
          .WithSummary("家庭 / households with member counts").Produces<Page<HouseholdRow>>();

        app.MapGet("/api/households/{id}", async (string id, HttpContext http, Database db, CancellationToken ct) =>
        {
            var actor = http.Actor();
            var members = await db.ReadAsync(async c =>
            {
                var persons = await RegistryStore.HouseholdMembersAsync(c, id);
                var list = new List<PersonView>();
                foreach (var p in persons) list.Add(Views.View(p, actor, await RegistryStore.IdentitiesAsync(c, null, p.Id)));
                return list;
            }, ct);
            if (members.Count == 0) throw ApiProblemException.NotFound(new($"没有家庭 {id}", $"no household {id}"));
            return Results.Json(new HouseholdView(id, members), Json.Options);
        }).RequireAuthorization(Policies.ReadRegistry).WithTags("Registry")
          .WithSummary("一户及其成员 / a household with its members").Produces<HouseholdView>().Problems(404);
    }
}
