using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Common;
using Doudi.Prevention.Monitoring;
using Doudi.Server.Api;
using Doudi.Server.Audit;
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
            var result = await db.ReadAsync(async c =>
            {
                var total = Convert.ToInt64(await c.ScalarAsync($"SELECT COUNT(*) FROM risk_entries e{w.Sql}", null, w.Args));
                var items = await c.ListAsync($"SELECT e.*, p.name AS person_name, p.id_number AS person_id_number FROM risk_entries e JOIN persons p ON p.id = e.person_id{w.Sql} ORDER BY e.created_at, e.id LIMIT @lim OFFSET @off", null,
                    r => View(RiskPoolStore.Map(r), r.S("person_name"), IdMasking.For(actor, r.S("person_id_number")), null), w.With(("lim", paging.PageSize), ("off", paging.Offset)));
                return new Page<object>(items, paging.Page, paging.PageSize, total);
            }, ct);
            return Results.Json(result, Json.Options);
        }).RequireAuthorization(PreventionPolicies.Read)
          .WithSummary("风险潜在对象库 / the risk pool, filtered by region, year, state, person or household");

        g.MapGet("/{id}", async (string id, HttpContext http, Database db, CancellationToken ct) =>
            Results.Json(await db.ReadAsync(c => LoadViewAsync(c, id, http.Actor()), ct), Json.Options))
            .RequireAuthorization(PreventionPolicies.Read);

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
                var e = await c.FirstAsync("SELECT * FROM risk_entries WHERE id = @id" + db.Dialect.ForUpdate(), tx, RiskPoolStore.Map, ("id", id))
                    ?? throw ApiProblemException.NotFound(new($"风险库中无此记录：{id}", $"no risk-pool entry {id}"));
                Codes.TryParse<RiskState>(e.State, out var from);
                if (!((from, to) is (RiskState.New, RiskState.UnderFollowUp) or (RiskState.UnderFollowUp, RiskState.Resolved)))
                    throw PreventionProblems.From(new InvalidTransitionException($"风险库记录 {id}", RiskEntry.StateName(from).Zh, RiskEntry.StateName(to).Zh), "to");
                var now = clock.Now;
                await c.ExecAsync("UPDATE risk_entries SET state = @s, updated_at = @t WHERE id = @id", tx, ("s", Codes.ToCode(to)), ("t", DateTimeOffset.UtcNow), ("id", id));
                await c.ExecAsync("INSERT INTO risk_entry_changes (entry_id, from_state, to_state, actor, at, reason) VALUES (@id, @f, @t, @a, @at, @r)", tx,
                    ("id", id), ("f", e.State), ("t", Codes.ToCode(to)), ("a", actor.Name), ("at", now), ("r", reason));
                await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "transition", "risk_entry", id, new { state = e.State }, new { state = Codes.ToCode(to), reason });
                return await LoadViewAsync(c, id, actor, tx);
            }, ct), Json.Options);
        }).RequireAuthorization(Policies.Operate)
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
                var now = DateTimeOffset.UtcNow;
                await c.ExecAsync(
                    "INSERT INTO risk_entries (id, policy, region, year, person_id, household_id, source, cite, amount, applicant_kind, applicant_name, statement, date, state, created_at, created_by, updated_at) " +
                    "VALUES (@id, @pol, @r, @y, @p, @h, 'self_application', @cite, @a, @k, @n, @s, @d, 'new', @t, @by, @t)", tx,
                    ("id", id), ("pol", policy.Id), ("r", p.Region), ("y", year), ("p", p.Id), ("h", p.Household), ("cite", entry.Cite), ("a", burden),
                    ("k", Codes.ToCode(kind)), ("n", applicantName), ("s", statement), ("d", clock.Today), ("t", now), ("by", actor.Name));
                await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "self_application", "risk_entry", id, null,
                    new { person = p.Id, year, applicantKind = Codes.ToCode(kind), applicantName, statement, burden, entry.Cite });
                return await LoadViewAsync(c, id, actor, tx);
            }, ct);
            return Results.Json(view, Json.Options, statusCode: 201);
        }).RequireAuthorization(PreventionPolicies.SelfApply)
          .WithSummary("个人、单位或组织申报 / a self-application by a person, employer or organisation enters the same pool");
    }

    private static async Task<object> LoadViewAsync(System.Data.Common.DbConnection c, string id, Actor actor, System.Data.Common.DbTransaction? tx = null)
    {
        var row = await c.FirstAsync("SELECT e.*, p.name AS person_name, p.id_number AS person_id_number FROM risk_entries e JOIN persons p ON p.id = e.person_id WHERE e.id = @id", tx,
            r => new EntryWithPerson(RiskPoolStore.Map(r), r.S("person_name"), r.S("person_id_number")), ("id", id));
        if (row is null) throw ApiProblemException.NotFound(new($"风险库中无此记录：{id}", $"no risk-pool entry {id}"));
        var history = await c.ListAsync("SELECT from_state, to_state, actor, at, reason FROM risk_entry_changes WHERE entry_id = @id ORDER BY id", tx,
            r => new RiskChangeRow(r.S("from_state"), r.S("to_state"), r.S("actor"), r.T("at"), r.S("reason")), ("id", id));
        return View(row.Entry, row.Name, IdMasking.For(actor, row.IdNumber), history);
    }

    private sealed record EntryWithPerson(RiskEntryRow Entry, string Name, string IdNumber);

    private static object View(RiskEntryRow e, string name, string idNumber, List<RiskChangeRow>? history) => new
    {
        e.Id, e.Policy, e.Region, e.Year, person = e.PersonId, personName = name, idNumber, household = e.HouseholdId, e.Source, rule = e.Rule, e.Cite,
        e.Measure, e.Amount, e.Threshold, thresholdBasis = e.ThresholdBasis, applicantKind = e.ApplicantKind, applicantName = e.ApplicantName,
        e.Statement, e.Date, e.State, stateName = e.StateName, e.CreatedAt, e.CreatedBy, e.UpdatedAt, history,
    };
}
