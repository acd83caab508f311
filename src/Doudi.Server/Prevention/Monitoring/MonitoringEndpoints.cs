using Doudi.Policy.Vocabulary;
using Doudi.Policy.Prevention;
using Doudi.Prevention.Monitoring;
using Doudi.Server.Api;
using Doudi.Server.Prevention.Common;
using Doudi.Server.Registry;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Prevention.Monitoring;

/// <summary>Monitoring rules, local parameters and statistics, re-scans and per-person evaluation.</summary>
public static class MonitoringEndpoints
{
    public static void Map(WebApplication app)
    {
        var g = app.MapGroup("/api/monitoring").WithTags("Monitoring");

        g.MapGet("/rules", async (string? region, int? year, Database db, MonitoringSettings settings, PreventionCatalog catalog, CancellationToken ct) =>
        {
            var problems = new List<FieldProblem>();
            if (catalog.Problem("region", region) is { } rp) problems.Add(rp);
            if (year is null) problems.Add(new("year", Msg.Required));
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            var snap = await db.ReadAsync(c => settings.GetAsync(c, null), ct);
            var policy = snap.For(region!, year!.Value)
                ?? throw ApiProblemException.NotFound(new($"{region} {year} 年没有监测规则", $"no monitoring rules for {region} in {year}"));
            var rules = policy.Rules.Select(r =>
            {
                try
                {
                    var (amount, zh, en) = MonitoringEvaluator.ResolveThreshold(policy, r, snap.Statistics, year!.Value);
                    var local = snap.LocalBasis.TryGetValue((policy.Id, r.Id), out var b) ? b : null;
                    return new MonitoringRuleView(r.Id, r.Cite, r.Text, Codes.ToCode(r.Measure), Codes.ToCode(r.Comparison), amount, zh, en, local, null);
                }
                catch (Doudi.Prevention.Common.PreventionException e)
                {
                    return new MonitoringRuleView(r.Id, r.Cite, r.Text, Codes.ToCode(r.Measure), Codes.ToCode(r.Comparison), null, null, null, null,
                        new RuleProblem(e.Code, e.Message, e.English));
                }
            }).ToList();
            return Results.Json(new MonitoringRulesView(policy.Id, policy.Document, region!, year!.Value, policy.From, policy.SelfApplicationCite, rules), Json.Options);
        }).RequireAuthorization(PreventionPolicies.Read).Produces<MonitoringRulesView>(200).Problems(404)
          .WithSummary("监测规则 / a region's monitoring rules with the threshold of a year, or the missing figure that blocks it");

        g.MapGet("/problems", async (string? region, int? year, Database db, MonitoringSettings settings, PreventionCatalog catalog, CancellationToken ct) =>
        {
            if (region is not null && catalog.Problem("region", region) is { } rp) throw ApiProblemException.Invalid([rp]);
            var policies = region is null ? null : settings.Defined.Where(p => p.Region == region).Select(p => p.Id).ToList();
            return Results.Json(new MonitoringProblemList(await db.ReadAsync(c => MonitoringStore.ProblemsAsync(c, policies, year), ct)), Json.Options);
        }).RequireAuthorization(PreventionPolicies.Read).Produces<MonitoringProblemList>(200)
          .WithSummary("无法评估的规则 / rules that could not be evaluated: the missing statistic or parameter, named");

        g.MapPost("/scans", async (HttpContext http, MonitoringService service, PreventionCatalog catalog, CancellationToken ct) =>
        {
            using var doc = await Body.ReadJsonAsync(http.Request, ct);
            var problems = new List<FieldProblem>();
            var f = Fields.FromJson(Body.RequireObject(doc), "", problems);
            var (region, year) = RegionYear(f, catalog);
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            var report = await service.RescanAsync(region!, year!.Value, http.Actor(), ct);
            return Results.Json(report, Json.Options, statusCode: 201);
        }).RequireAuthorization(Policies.Operate).JsonBody<RegionYearRequest>().Produces<ScanReport>(201).Problems(422)
          .WithSummary("全量重新筛查 / re-scan every person of a region's year; rules blocked by a missing figure are listed as problems, never read as zero");

        g.MapGet("/persons/{id}/years/{year:int}", async (string id, int year, HttpContext http, Database db, MonitoringService service, CancellationToken ct) =>
        {
            var e = await db.ReadAsync(async c =>
            {
                var p = await MonitoringStore.PersonAsync(c, id)
                    ?? throw ApiProblemException.NotFound(new($"没有此人 {id}", $"no person {id}"));
                return await service.EvaluateAsync(c, null, p, year, http.Actor(), store: false);
            }, ct) ?? throw ApiProblemException.NotFound(new("此统筹区没有监测规则", "no monitoring rules for this region"));
            var t = e.Totals;
            return Results.Json(new PersonYearView(id, year,
                new PersonYearTotalsView(t.AssistanceObject, Codes.ToCode(t.Insurance), t.InPolicyPersonalBurden, t.PersonalBurden, t.CashPayment),
                e.Result.InForce,
                e.Result.Triggered.Select(x => new TriggeredRuleView(x.RuleId, x.Cite, Codes.ToCode(x.Measure), x.Amount, x.Threshold, x.ThresholdBasisZh, x.ThresholdBasisEn)).ToList(),
                e.Result.Problems.Select(p => new RuleProblem(p.Code, p.Message, p.English)).ToList()), Json.Options);
        }).RequireAuthorization(PreventionPolicies.Read).Produces<PersonYearView>(200).Problems(404)
          .WithSummary("个人年度监测 / one person's year totals against the rules (nothing stored)");

        g.MapPut("/parameters", async (HttpContext http, Database db, MonitoringSettings settings, CancellationToken ct) =>
        {
            using var doc = await Body.ReadJsonAsync(http.Request, ct);
            var problems = new List<FieldProblem>();
            var f = Fields.FromJson(Body.RequireObject(doc), "", problems);
            var region = f.String("region", required: true);
            var rule = f.String("rule", required: true);
            var threshold = f.Amount("threshold", required: true);
            var basis = f.String("basis", required: true, maxLength: 500);
            // The region's latest monitoring rules (a region whose rules changed names its document with 'policy').
            var policyId = f.String("policy");
            var defined = settings.Defined.ToList();
            var policy = defined.Where(p => p.Region == region && (policyId is null || p.Id == policyId)).MaxBy(p => p.From);
            if (region is not null && policy is null)
                f.Problem(policyId is null ? "region" : "policy", policyId is null
                    ? Msg.Unknown("统筹区", region, defined.Select(p => p.Region).Distinct())
                    : Msg.Unknown("政策", policyId, defined.Where(p => p.Region == region).Select(p => p.Id)));
            var known = policy?.Rules.FirstOrDefault(r => r.Id == rule);
            if (policy is not null && rule is not null && known is null) f.Problem("rule", Msg.Unknown("规则", rule, policy.Rules.Select(r => r.Id)));
            else if (known is not null && !known.Threshold.IsMissing)
                f.Problem("rule", new("此规则的标准由政策文本规定，不能在本地修改", "this rule's threshold is set by the policy text and cannot be changed locally"));
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            var actor = http.Actor();
            await db.WriteAsync(async (c, tx) =>
            {
                await MonitoringStore.SetParameterAsync(c, tx, db.Dialect, policy!.Id, rule!, threshold!.Value, basis!, actor);
                return 0;
            }, ct);
            settings.Invalidate();
            return Results.Json(new ParameterView(policy!.Id, rule!, threshold!.Value, basis!), Json.Options);
        }).RequireAuthorization(Policies.Admin).JsonBody<ParameterRequest>().Produces<ParameterView>(200)
          .WithSummary("设定本地监测标准 / set a threshold the policy text leaves to local practice (pengshui, wenzhou)");

        g.MapPut("/statistics", async (HttpContext http, Database db, MonitoringSettings settings, PreventionCatalog catalog, CancellationToken ct) =>
        {
            using var doc = await Body.ReadJsonAsync(http.Request, ct);
            var problems = new List<FieldProblem>();
            var f = Fields.FromJson(Body.RequireObject(doc), "", problems);
            var (region, year) = RegionYear(f, catalog);
            var statistic = f.String("statistic", required: true);
            if (statistic is not null && !Codes.TryParse<Statistic>(statistic, out _)) f.Problem("statistic", Msg.Unknown("统计指标", statistic, Codes.All<Statistic>()));
            var value = f.Amount("value", required: true);
            if (value is 0m) f.Problem("value", new("统计数据须大于 0", "must be greater than 0"));
            var source = f.String("source", required: true, maxLength: 500);
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            var actor = http.Actor();
            await db.WriteAsync(async (c, tx) =>
            {
                await MonitoringStore.SetStatisticAsync(c, tx, db.Dialect, region!, year!.Value, statistic!, value!.Value, source!, actor);
                return 0;
            }, ct);
            settings.Invalidate();
            return Results.Json(new StatisticView(region!, year!.Value, statistic!, value!.Value, source!), Json.Options);
        }).RequireAuthorization(Policies.Admin).JsonBody<StatisticRequest>().Produces<StatisticView>(200)
          .WithSummary("录入统计数据 / enter a published regional statistic with its source");
    }

    public static (string? Region, int? Year) RegionYear(Fields f, PreventionCatalog catalog)
    {
        var region = f.String("region", required: true);
        catalog.Check(f, "region", region);
        var year = f.Int("year");
        if (year is null && !f.Has("year")) f.Problem("year", Msg.Required);
        else if (year is < 2000 or > 2100) f.Problem("year", new("年份不合理", "is not a plausible year"));
        return (region, year);
    }
}
