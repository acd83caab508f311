using Doudi.Policy.Prevention;
using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Calendar;
using Doudi.Prevention.Premium;
using Doudi.Server.Api;
using Doudi.Server.Prevention.Common;
using Doudi.Server.Registry;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Prevention.Premium;

/// <summary>
/// The monthly premium-subsidy list for the tax/insurance office: objects approved in the month, subsidised in that
/// month and effective the next, with the shares of the region's premium rules in force on the month's first day
/// (policies/premium/*.yaml through the policy catalogue; a region whose documents set none answers 422
/// no_premium_rule). Contribution amounts of the year are inputs; an amount the text leaves open is a 422 naming it.
/// </summary>
public static class PremiumEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/api/premium-lists/monthly", async (HttpContext http, Database db, WorkdayCalendar cal, PreventionCatalog catalog, string? region, int? year, int? month, string? tier,
            decimal? contribution, decimal? tier1Contribution, decimal? supplementaryContribution, string? format, CancellationToken ct) =>
        {
            var problems = new List<FieldProblem>();
            if (catalog.Problem("region", region) is { } rp) problems.Add(rp);
            if (year is null or < 2000 or > 2100) problems.Add(new("year", year is null ? Msg.Required : new("年份不合理", "is not a plausible year")));
            if (month is null or < 1 or > 12) problems.Add(new("month", month is null ? Msg.Required : new("月份须为 1–12", "must be 1..12")));
            var tierValue = InsuranceTier.Tier1;
            if (tier is not null && (!Codes.TryParse(tier, out tierValue) || tierValue == InsuranceTier.Any)) problems.Add(new("tier", Msg.Unknown("档次", tier, ["tier1", "tier2"])));
            if (contribution is null) problems.Add(new("contribution", new("须提供当年城乡居民医保个人缴费标准", "the year's resident individual contribution is required")));
            format ??= "csv";
            if (format is not ("csv" or "json")) problems.Add(new("format", Msg.Unknown("格式", format, ["csv", "json"])));
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            var monthStart = new DateOnly(year!.Value, month!.Value, 1);
            var policy = catalog.Catalog.PremiumOn(region!, monthStart) ?? throw PreventionProblems.Unprocessable(new("此统筹区没有资助参保规则", "no premium subsidy rule for this region"), "region",
                new($"{region} 的政策文本未规定资助参保", $"{region}'s document sets no premium subsidy"), "no_premium_rule");
            var policyId = policy.Id;
            if (policy.Rules.Any(r => r.Item == PremiumItem.Supplementary) && supplementaryContribution is null)
                throw ApiProblemException.Invalid([new("supplementaryContribution", new("此政策资助惠民型商业补充医疗保险，须提供其个人缴费", "this policy subsidises supplementary insurance: give its contribution"))]);

            var persons = await db.ReadAsync(c => PremiumStore.RecognisedInAsync(c, region!, monthStart, tierValue), ct);
            var list = PreventionProblems.Run(() => PremiumLists.Monthly(policy, year.Value, month.Value, persons,
                (p, item) => item == PremiumItem.ResidentBasic ? new Contributions(contribution!.Value, tier1Contribution) : new Contributions(supplementaryContribution ?? 0m)), "contribution");
            var due = PreventionProblems.Run(() => cal.MonthlyDeadline(monthStart.AddMonths(1).Year, monthStart.AddMonths(1).Month, policy.ListDueDay));
            var actor = http.Actor();
            if (format == "csv")
            {
                var bytes = System.Text.Encoding.UTF8.GetBytes(PremiumLists.ToCsv(list));
                http.Response.Headers["X-Doudi-Due"] = due.Date.ToString("yyyy-MM-dd");
                return Results.File(bytes, "text/csv; charset=utf-8", $"premium-{region}-{year}-{month:D2}.csv");
            }
            return Results.Json(new PremiumListView(region!, year.Value, month.Value, policyId, policy.Document, due.Date, due.BasisZh, list.Sum(r => r.Amount),
                list.Select(r => new PremiumRowView(r.PersonId, r.Name, Codes.ToCode(r.Category), Codes.ToCode(r.Tier), Codes.ToCode(r.Item), r.Amount,
                    r.EffectiveFrom, Codes.ToCode(r.Status), r.BasisZh, r.NoteZh, r.Cite)).ToList()) { DueCite = policy.ListDueCite }, Json.Options);
        }).RequireAuthorization(Policies.Operate).WithTags("Premium subsidy")
          .Produces<PremiumListView>(200).ProducesFile("text/csv").Problems(422)
          .WithSummary("资助参保月度名单 / the month's premium-subsidy list for the tax/insurance office (CSV or JSON)");

        // A person's resident insurance tier changes when they choose another (一档/二档); the lists take the current one.
        app.MapPut("/api/persons/{id}/insurance-tier", async (string id, HttpContext http, Database db, CancellationToken ct) =>
        {
            using var doc = await Body.ReadJsonAsync(http.Request, ct);
            var problems = new List<FieldProblem>();
            var f = Fields.FromJson(Body.RequireObject(doc), "", problems);
            var code = f.String("insuranceTier", required: true);
            InsuranceTier tier = default;
            if (code is not null && (!Codes.TryParse(code, out tier) || tier == InsuranceTier.Any)) f.Problem("insuranceTier", Msg.Unknown("档次", code, ["tier1", "tier2"]));
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            var view = await db.WriteAsync(async (c, tx) => await PremiumStore.SetTierAsync(c, tx, db.Dialect, id, tier, http.Actor())
                ?? throw ApiProblemException.NotFound(new($"没有此人 {id}", $"no person {id}")), ct);
            return Results.Json(view, Json.Options);
        }).RequireAuthorization(Policies.Operate).WithTags("Registry")
          .JsonBody<InsuranceTierRequest>().Produces<PersonView>(200).Problems(404)
          .WithSummary("参保档次 / set a person's resident insurance tier (tier1 一档, tier2 二档), which the premium lists take");
    }
}
