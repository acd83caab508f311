using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Common;
using Doudi.Prevention.Monitoring;
using Doudi.Server.Api;
using Doudi.Server.Prevention.Common;
using Doudi.Server.Registry;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Prevention.Monitoring;

/// <summary>The pool of potential risk objects: warnings and self-applications, their follow-up state with actor and reason.</summary>
public static class RiskPoolEndpoints
{
    public static void Map(WebApplication app)
    {
        var g = app.MapGroup("/api/risk-pool").WithTags("Monitoring");

        g.MapGet("/", async (HttpContext http, Database db, string? region, int? year, string? state, string? person, string? household, int? page, int? pageSize, CancellationToken ct) =>
        {
            var paging = Paging.From(page, pageSize);
            if (state is not null && !Codes.TryParse<RiskState>(state, out _))
                throw ApiProblemException.Invalid([new("state", Msg.Unknown("状态", state, Codes.All<RiskState>()))]);
            var w = new Where().Eq("e.region", region).Eq("e.year", year).Eq("e.state", state).Eq("e.person_id", person).Eq("e.household_id", household);
            var actor = http.Actor();
            return Results.Json(await db.ReadAsync(c => RiskPoolStore.PageAsync(c, w, paging, actor), ct), Json.Options);
        }).RequireAuthorization(PreventionPolicies.Read).Produces<Page<RiskEntryView>>(200)
          .WithSummary("风险潜在对象库 / the risk pool, filtered by region, year, state, person or household");

        g.MapGet("/{id}", async (string id, HttpContext http, Database db, CancellationToken ct) =>
            Results.Json(await db.ReadAsync(c => RiskPoolStore.ViewAsync(c, id, http.Actor()), ct), Json.Options))
            .RequireAuthorization(PreventionPolicies.Read).Produces<RiskEntryView>(200).Problems(404)
            .WithSummary("风险库记录 / one entry with its history");

        g.MapPost("/{id}/transitions", async (string id, HttpContext http, Database db, PreventionClock clock, CancellationToken ct) =>
        {
            using var doc = await Body.ReadJsonAsync(http.Request, ct);
            var problems = new List<FieldProblem>();
            var f = Fields.FromJson(Body.RequireObject(doc), "", problems);
            var toCode = f.String("to", required: true);
            RiskState to = default;
            if (toCode is not null && !Codes.TryParse(toCode, out to)) f.Problem("to", Msg.Unknown("状态", toCode, Codes.All<RiskState>()));
            var reason = f.String("reason", required: true, maxLength: 1000);
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            var actor = http.Actor();
            return Results.Json(await db.WriteAsync(async (c, tx) =>
            {
                var e = await RiskPoolStore.LockAsync(c, tx, db.Dialect, id)
                    ?? throw ApiProblemException.NotFound(new($"风险库中无此记录：{id}", $"no risk-pool entry {id}"));
                Codes.TryParse<RiskState>(e.State, out var from);
                if (!((from, to) is (RiskState.New, RiskState.UnderFollowUp) or (RiskState.UnderFollowUp, RiskState.Resolved)))
                    throw PreventionProblems.From(new InvalidTransitionException($"风险库记录 {id}", RiskEntry.StateName(from).Zh, RiskEntry.StateName(to).Zh), "to");
                await RiskPoolStore.TransitionAsync(c, tx, db.Dialect, e, Codes.ToCode(to), reason!, actor, clock.Now);
                return await RiskPoolStore.ViewAsync(c, id, actor, tx);
            }, ct), Json.Options);
        }).RequireAuthorization(Policies.Operate).JsonBody<RiskTransitionRequest>().Produces<RiskEntryView>(200).Problems(404, 422)
          .WithSummary("跟踪帮扶 / move an entry new → under_follow_up → resolved, with a reason");

        g.MapPost("/self-applications", async (HttpContext http, Database db, MonitoringSettings settings, PreventionClock clock, CancellationToken ct) =>
        {
            using var doc = await Body.ReadJsonAsync(http.Request, ct);
            var problems = new List<FieldProblem>();
            var f = Fields.FromJson(Body.RequireObject(doc), "", problems);
            var personKey = f.String("person", required: true, maxLength: 64);
            var kindCode = f.String("applicantKind", required: true);
            ApplicantKind kind = default;
            if (kindCode is not null && !Codes.TryParse(kindCode, out kind)) f.Problem("applicantKind", Msg.Unknown("申报方", kindCode, Codes.All<ApplicantKind>()));
            var applicantName = f.String("applicantName", required: true, maxLength: 200);
            var statement = f.String("statement", required: true, maxLength: 2000);
            var burden = f.Amount("burden");
            var year = f.Int("year") ?? clock.Today.Year;
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            var actor = http.Actor();
            var view = await db.WriteAsync(async (c, tx) =>
            {
                var p = await RegistryStore.FindPersonAsync(c, tx, personKey!)
                    ?? throw ApiProblemException.Invalid([new("person", new("登记库中没有此人", "no such person in the registry"))]);
                var snap = await settings.GetAsync(c, tx);
                var policy = snap.For(p.Region, year) ?? throw PreventionProblems.Unprocessable(new("此统筹区此年度没有监测规则", "no monitoring rules for this region and year"), "year",
                    new($"{p.Region} {year} 年没有监测规则（policies/monitoring/）", $"{p.Region} has no monitoring rules for {year} (policies/monitoring/)"), "no_monitoring_rule");
                // The domain checks the statement; its entry carries the policy's self-application clause.
                var entry = PreventionProblems.Run(() => new RiskPool().AddSelfApplication(policy, year, p.Id, p.Household, kind, applicantName!, statement!, burden, clock.Today), "statement");
                var id = Ids.New("RS");
                await RiskPoolStore.InsertSelfApplicationAsync(c, tx, db.Dialect, id, policy.Id, year, p, entry.Cite, burden, Codes.ToCode(kind), applicantName!, statement!, clock.Today, actor);
                return await RiskPoolStore.ViewAsync(c, id, actor, tx);
            }, ct);
            return Results.Json(view, Json.Options, statusCode: 201);
        }).RequireAuthorization(PreventionPolicies.SelfApply).JsonBody<SelfApplicationRequest>().Produces<RiskEntryView>(201).Problems(422)
          .WithSummary("个人、单位或组织申报 / a self-application by a person, employer or organisation enters the same pool");
    }
}
