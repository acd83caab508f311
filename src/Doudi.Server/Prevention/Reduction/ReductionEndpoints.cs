using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Reduction;
using Departments = Doudi.Prevention.Reduction.Departments;
using Doudi.Server.Api;
using Doudi.Server.Prevention.Common;
using Doudi.Server.Security;
using Doudi.Server.Settlements;
using Doudi.Server.Storage;

namespace Doudi.Server.Prevention.Reduction;

/// <summary>
/// Tiered burden reduction (the procedure a region's household-cap job names; jiande). The bureau opens and drives cases; each department sees and
/// answers only its own tasks (another department's task: 403; a case it has no task in: 404); the charity federation
/// records the payment it was instructed to make.
/// </summary>
public static class ReductionEndpoints
{
    public static void Map(WebApplication app)
    {
        var g = app.MapGroup("/api/reduction-cases").WithTags("Tiered reduction");

        g.MapPost("/", async (HttpContext http, Database db, ReductionService service, PreventionClock clock, CancellationToken ct) =>
        {
            using var doc = await Body.ReadJsonAsync(http.Request, ct);
            var problems = new List<FieldProblem>();
            var f = Fields.FromJson(Body.RequireObject(doc), "", problems);
            var household = f.String("household", required: true, maxLength: 64);
            var year = f.Int("costYear");
            if (year is null) f.Problem("costYear", Msg.Required);
            var reason = f.String("reason", maxLength: 1000) ?? "医保局推送梯次减负 bureau opens tiered reduction";
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            var actor = http.Actor();
            var (region, run) = await db.ReadAsync(async c =>
            {
                var region = await ReductionStore.HouseholdRegionAsync(c, household!)
                    ?? throw ApiProblemException.Invalid([new("household", new($"没有家庭 {household}", $"no household {household}"))]);
                return (region, await YearEndStore.LatestAsync(c, region, year!.Value));
            }, ct);
            var (header, rc, created) = await db.WriteAsync(async (c, tx) =>
            {
                run = run
                    ?? throw PreventionProblems.Unprocessable(new("尚无年度结算", "no year-end run yet"), "costYear",
                        new($"{region} {year} 年尚未进行年度结算，无法确定家庭合理医疗费用", $"run the year-end rules for {region} {year} first"), "year_end_missing");
                var hh = await YearEndStore.HouseholdAsync(c, run, household!, tx)
                    ?? throw PreventionProblems.Unprocessable(new("此家庭无年度结算结果", "no year-end result for this household"), "household",
                        new($"年度结算 {run.Id} 中没有家庭 {household}", $"year-end run {run.Id} has no household {household}"), "household_not_in_run");
                // The engine's cap relief is the part over the household's line (二.(三)); the line is what it leaves.
                var line = hh.ReasonableBurden - hh.CapRelief;
                return await service.OpenAsync(c, tx, region, household!, year!.Value, hh.ReasonableBurden, hh.CapRelief > 0 ? line : hh.ReasonableBurden, run.Id, reason, actor);
            }, ct);
            return Results.Json(ReductionViews.Full(header, rc, clock.Today, service.CiteOf(header)), Json.Options, statusCode: created ? 201 : 200);
        }).RequireAuthorization(Policies.Operate).JsonBody<OpenCaseRequest>().Produces<ReductionCaseView>(201).Produces<ReductionCaseView>(200).Problems(422)
          .WithSummary("开启梯次减负 / open a case for a household over its line, from the latest year-end result");

        g.MapGet("/", async (Database db, PreventionClock clock, ReductionService service, string? region, int? costYear, string? stage, int? page, int? pageSize, CancellationToken ct) =>
        {
            // An unknown stage is refused by name, not answered with an empty list.
            if (stage is not null && !Codes.TryParse<CaseStage>(stage, out _))
                throw ApiProblemException.Invalid([new("stage", Msg.Unknown("阶段", stage, Codes.All<CaseStage>()))]);
            var paging = Paging.From(page, pageSize);
            var w = new Where().Eq("region", region).Eq("cost_year", costYear).Eq("stage", stage);
            var result = await db.ReadAsync(async c =>
            {
                var (total, ids) = await ReductionStore.CaseIdsAsync(c, w, paging);
                var items = new List<ReductionCaseView>();
                foreach (var id in ids) { var l = (await service.LoadAsync(c, null, id))!.Value; items.Add(ReductionViews.Full(l.Header, l.Case, clock.Today, service.CiteOf(l.Header))); }
                return new Page<ReductionCaseView>(items, paging.Page, paging.PageSize, total);
            }, ct);
            return Results.Json(result, Json.Options);
        }).RequireAuthorization(BureauOrAuditor).Produces<Page<ReductionCaseView>>(200).WithSummary("梯次减负案件 / cases (bureau and auditors)");

        g.MapGet("/{id}", async (string id, HttpContext http, Database db, PreventionClock clock, ReductionService service, CancellationToken ct) =>
        {
            var actor = http.Actor();
            var loaded = await db.ReadAsync(c => service.LoadAsync(c, null, id), ct);
            if (DepartmentOf.IsBureau(actor) || actor.Role == Roles.Auditor)
            {
                if (loaded is null) throw NoCase(id);
                return Results.Json(ReductionViews.Full(loaded.Value.Header, loaded.Value.Case, clock.Today, service.CiteOf(loaded.Value.Header)), Json.Options);
            }
            // A department sees its own task in the case, once it has been asked — nothing else of the case.
            var own = DepartmentOf.For(actor) ?? throw ApiProblemException.Forbidden(new("您的账号未设置部门", "your account has no department"));
            var view = loaded is null ? null : ReductionQueries.TasksFor([loaded.Value.Case], own, clock.Today).FirstOrDefault();
            if (view is null) throw NoCase(id);
            return Results.Json(ReductionViews.Own(view), Json.Options);
        }).RequireAuthorization(PreventionPolicies.DepartmentTasks).ProducesOneOf<ReductionCaseView, OwnTaskView>().Problems(404)
          .WithSummary("梯次减负案件 / one case: the whole case for the bureau and auditors, a department's own task for a department");

        g.MapPost("/{id}/tasks/{department}/answer", async (string id, string department, HttpContext http, ReductionService service, PreventionClock clock, CancellationToken ct) =>
        {
            var actor = http.Actor();
            if (!Codes.TryParse<Department>(department, out var dept))
                throw ApiProblemException.NotFound(new($"没有部门 {department}", $"no department {department}"));
            var own = DepartmentOf.For(actor);
            if (own is null) throw ApiProblemException.Forbidden(new("只有部门用户可以反馈本部门的任务；医保局可登记逾期未反馈", "only a department answers its task; the bureau may record no answer"));
            if (own != dept) throw ApiProblemException.Forbidden(new($"只能反馈本部门（{Codes.ToCode(own.Value)}）的任务", $"you may answer only your own department's tasks ({Codes.ToCode(own.Value)})"));
            using var doc = await Body.ReadJsonAsync(http.Request, ct);
            var problems = new List<FieldProblem>();
            var f = Fields.FromJson(Body.RequireObject(doc), "", problems);
            var kindCode = f.String("kind", required: true);
            AnswerKind kind = default;
            if (kindCode is not null && (!Codes.TryParse(kindCode, out kind) || kind == AnswerKind.NoAnswer))
                f.Problem("kind", Msg.Unknown("反馈", kindCode, ["not_eligible", "already_granted", "will_grant"]));
            var item = f.String("item", maxLength: 200);
            var amount = f.Amount("amount") ?? 0m;
            var reason = f.String("reason", required: true, maxLength: 1000);
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            var rc = await service.StepAsync(id, "answer", new { department = Codes.ToCode(dept), kind = Codes.ToCode(kind), item, amount, reason }, actor,
                (h, rc) => rc.Task(dept).State == TaskState.Waiting ? throw NoCase(id) : Task.CompletedTask, ct);
            return Results.Json(ReductionViews.Own(ReductionQueries.TasksFor([rc], dept, clock.Today).First()), Json.Options);
        }).RequireAuthorization(PreventionPolicies.DepartmentTasks).JsonBody<AnswerRequest>().Produces<OwnTaskView>(200).Problems(404, 422)
          .WithSummary("部门反馈 / a department answers its own task: not_eligible, already_granted or will_grant with item and amount");

        Bureau<ReasonRequest>(g, "/{id}/tasks/{department}/no-answer", "no_answer", f =>
        {
            var reason = f.String("reason", required: true, maxLength: 1000);
            return new { department = (string?)null, reason };
        }, "登记逾期未反馈 / the bureau records that a department never answered (after its long deadline, reduction.answer_within.will_grant)", withDepartment: true);

        Bureau<ParallelRequest>(g, "/{id}/parallel", "ask_parallel", f =>
        {
            var list = new List<string>();
            if (f.StringList("departments") is { } codes)
                foreach (var code in codes)
                {
                    if (!Codes.TryParse<Department>(code, out _)) f.Problem("departments", Msg.Unknown("部门", code, Codes.All<Department>()));
                    else list.Add(code);
                }
            else if (!f.Has("departments")) f.Problem("departments", Msg.Required);
            return new { departments = list, reason = f.String("reason", required: true, maxLength: 1000) };
        }, "同时推送多个部门 / ask several departments at once instead of in turn");

        Bureau<ApprovalRequest>(g, "/{id}/bureau-review", "bureau_review", f => new { approve = f.Bool("approve") ?? Req(f, "approve"), reason = f.String("reason", required: true, maxLength: 1000) },
            "医保局初审 / bureau preliminary review");
        Bureau<ApprovalRequest>(g, "/{id}/taskforce-decision", "taskforce_decision", f => new { approve = f.Bool("approve") ?? Req(f, "approve"), reason = f.String("reason", required: true, maxLength: 1000) },
            "工作专班讨论 / task-force decision (recorded by the bureau)");
        Bureau<PublicNoticeRequest>(g, "/{id}/public-notice", "public_notice", f =>
        {
            var start = f.Date("start", required: true);
            var days = f.Int("days");
            if (days is null) f.Problem("days", Msg.Required);
            else if (days is < 1 or > 60) f.Problem("days", new("公示天数须为 1–60", "must be 1..60"));
            return new { start = start?.ToString("yyyy-MM-dd"), days = days ?? 0, workingDays = f.Bool("workingDays") ?? false, reason = f.String("reason", required: true, maxLength: 1000) };
        }, "社会公示 / start the public notice for a set number of days");
        Bureau<ObjectionRequest>(g, "/{id}/objections", "objection", f => new { objector = f.String("objector", required: true, maxLength: 200), content = f.String("content", required: true, maxLength: 2000) },
            "登记公示异议 / record an objection raised during the notice");
        Bureau<ObjectionResolutionRequest>(g, "/{id}/objections/{n:int}/resolution", "objection_resolution", f => new { objection = 0, upheld = f.Bool("upheld") ?? Req(f, "upheld"), reason = f.String("reason", required: true, maxLength: 1000) },
            "处理异议 / resolve an objection (upheld ends the case)", withObjection: true);
        Bureau<ReasonRequest>(g, "/{id}/public-notice/close", "close_public_notice", f => new { reason = f.String("reason", required: true, maxLength: 1000) },
            "公示期满无异议 / close the notice after its last day");
        Bureau<ReasonRequest>(g, "/{id}/payment-instruction", "payment_instruction", f => new { reason = f.String("reason", required: true, maxLength: 1000) },
            "拨付指令 / instruct the charity federation to pay the household");

        // The charity federation's worklist: cases instructed for payment, with what and to whom (no department answers).
        g.MapGet("/payment-instructions", async (Database db, ReductionService service, bool? unpaid, CancellationToken ct) =>
        {
            var items = await db.ReadAsync(async c =>
            {
                var list = new List<PaymentInstructionItem>();
                foreach (var id in await ReductionStore.InstructedIdsAsync(c))
                {
                    var (h, rc) = (await service.LoadAsync(c, null, id))!.Value;
                    var paid = await ReductionStore.PaymentOfAsync(c, id);
                    if (unpaid == true && paid is not null) continue;
                    list.Add(new PaymentInstructionItem(id, h.Region, rc.HouseholdId, rc.CostYear, rc.Payment!.Amount, rc.Payment.Actor, rc.Payment.At, rc.Payment.Reason,
                        paid is null ? null : new PaidView(paid.Id, paid.Amount, paid.PaidOn, paid.CreatedBy)));
                }
                return list;
            }, ct);
            return Results.Json(new PaymentInstructionList(items), Json.Options);
        }).RequireAuthorization(CharityOrBureau).Produces<PaymentInstructionList>(200).WithSummary("拨付指令 / payment instructions to the charity federation, paid or not");

        g.MapPost("/{id}/payment", async (string id, HttpContext http, ReductionService service, PreventionClock clock, Database db, CancellationToken ct) =>
        {
            using var doc = await Body.ReadJsonAsync(http.Request, ct);
            var problems = new List<FieldProblem>();
            var f = Fields.FromJson(Body.RequireObject(doc), "", problems);
            var reference = f.String("reference", required: true, maxLength: 200);
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            var rc = await service.RecordPaymentAsync(id, reference!, http.Actor(), ct);
            var header = (await db.ReadAsync(c => service.LoadAsync(c, null, id), ct))!.Value.Header;
            return Results.Json(ReductionViews.Full(header, rc, clock.Today, service.CiteOf(header)), Json.Options);
        }).RequireAuthorization(CharityOnly).JsonBody<ReductionPaymentRequest>().Produces<ReductionCaseView>(200).Problems(404, 409, 422)
          .WithSummary("慈善总会拨付 / the charity federation records the payment it was instructed to make (paid once, posted to the charity fund)");

        var tasks = app.MapGroup("/api/reduction-tasks").WithTags("Tiered reduction");

        tasks.MapGet("/", async (HttpContext http, Database db, PreventionClock clock, ReductionService service, string? department, bool? open, CancellationToken ct) =>
        {
            var actor = http.Actor();
            Department dept;
            var own = DepartmentOf.For(actor);
            if (own is { } o)
            {
                if (department is not null && department != Codes.ToCode(o))
                    throw ApiProblemException.Forbidden(new($"只能查看本部门（{Codes.ToCode(o)}）的任务", $"you may see only your own department's tasks ({Codes.ToCode(o)})"));
                dept = o;
            }
            else if (DepartmentOf.IsBureau(actor) && department is not null && Codes.TryParse(department, out Department d)) dept = d;
            else if (DepartmentOf.IsBureau(actor)) throw ApiProblemException.Invalid([new("department", department is null ? Msg.Required : Msg.Unknown("部门", department, Codes.All<Department>()))]);
            else throw ApiProblemException.Forbidden(new("您的账号未设置部门", "your account has no department"));
            var views = await db.ReadAsync(async c =>
            {
                var ids = await ReductionStore.DepartmentCaseIdsAsync(c, Codes.ToCode(dept), open == true);
                var cases = new List<ReductionCase>();
                foreach (var id in ids) cases.Add((await service.LoadAsync(c, null, id))!.Value.Case);
                return ReductionQueries.TasksFor(cases, dept, clock.Today);
            }, ct);
            return Results.Json(new DepartmentTaskList(Codes.ToCode(dept), clock.Today, views.Select(ReductionViews.Own).ToList()), Json.Options);
        }).RequireAuthorization(PreventionPolicies.DepartmentTasks).Produces<DepartmentTaskList>(200)
          .WithSummary("本部门任务 / a department's own tasks with their deadlines and overdue flags");

        tasks.MapGet("/overdue", async (Database db, PreventionClock clock, ReductionService service, CancellationToken ct) =>
        {
            var list = await db.ReadAsync(async c =>
            {
                var ids = await ReductionStore.OpenTaskCaseIdsAsync(c);
                var cases = new List<ReductionCase>();
                foreach (var id in ids) cases.Add((await service.LoadAsync(c, null, id))!.Value.Case);
                return ReductionQueries.Overdue(cases, clock.Today);
            }, ct);
            return Results.Json(new OverdueList(clock.Today, list.Select(x => new OverdueTask(x.CaseId, Codes.ToCode(x.Department), Departments.Name(x.Department).Zh, x.Due)).ToList()), Json.Options);
        }).RequireAuthorization(BureauOrAuditor).Produces<OverdueList>(200).WithSummary("逾期任务 / every unanswered task past its long deadline (reduction.answer_within.will_grant)");
    }

    private const string BureauOrAuditor = "prevention_bureau_or_auditor";
    private const string CharityOnly = "prevention_charity";
    private const string CharityOrBureau = "prevention_charity_or_bureau";

    public static void AddPolicies(Microsoft.AspNetCore.Authorization.AuthorizationBuilder b)
    {
        b.AddPolicy(BureauOrAuditor, p => p.RequireRole(Roles.BureauAdmin, Roles.BureauOperator, Roles.Auditor));
        b.AddPolicy(CharityOnly, p => p.RequireRole(Roles.Charity));
        b.AddPolicy(CharityOrBureau, p => p.RequireRole(Roles.Charity, Roles.BureauAdmin, Roles.BureauOperator, Roles.Auditor));
    }

    private static bool Req(Fields f, string name) { f.Problem(name, Msg.Required); return false; }

    private static ApiProblemException NoCase(string id) => ApiProblemException.NotFound(new($"没有梯次减负案件 {id}", $"no reduction case {id}"));

    private static void Bureau<TRequest>(RouteGroupBuilder g, string route, string command, Func<Fields, object> read, string summary, bool withDepartment = false, bool withObjection = false)
    {
        g.MapPost(route, async (HttpContext http, ReductionService service, PreventionClock clock, Database db, CancellationToken ct) =>
        {
            var id = (string)http.Request.RouteValues["id"]!;
            using var doc = await Body.ReadJsonAsync(http.Request, ct);
            var problems = new List<FieldProblem>();
            var f = Fields.FromJson(Body.RequireObject(doc), "", problems);
            var args = read(f);
            var json = System.Text.Json.Nodes.JsonNode.Parse(Json.Serialize(args))!.AsObject();
            if (withDepartment)
            {
                var code = (string)http.Request.RouteValues["department"]!;
                if (!Codes.TryParse<Department>(code, out _)) throw ApiProblemException.NotFound(new($"没有部门 {code}", $"no department {code}"));
                json["department"] = code;
            }
            if (withObjection) json["objection"] = int.Parse((string)http.Request.RouteValues["n"]!, System.Globalization.CultureInfo.InvariantCulture);
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            var rc = await service.StepAsync(id, command, json, http.Actor(), null, ct);
            var header = (await db.ReadAsync(c => service.LoadAsync(c, null, id), ct))!.Value.Header;
            return Results.Json(ReductionViews.Full(header, rc, clock.Today, service.CiteOf(header)), Json.Options);
        }).RequireAuthorization(Policies.Operate).JsonBody<TRequest>().Produces<ReductionCaseView>(200).Problems(404, 422).WithSummary(summary);
    }
}
