using Doudi.Policy.Prevention;
using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Calendar;
using Doudi.Prevention.Premium;
using Doudi.Server.Api;
using Doudi.Server.Audit;
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

            var persons = await db.ReadAsync(async c =>
            {
                var rows = await c.ListAsync(
                    $"SELECT i.*, p.name AS person_name, p.insurance_tier AS person_tier FROM identities i JOIN persons p ON p.id = i.person_id WHERE p.region = @r AND i.recognized >= @a AND i.recognized < @b ORDER BY i.person_id, i.recognized, i.id", null,
                    r => (Identity: RegistryStore.MapIdentity(r), Name: r.S("person_name"), Tier: r.Str("person_tier")), ("r", region), ("a", monthStart), ("b", monthStart.AddMonths(1)));
                // Each person's own tier where the registry records it; the request's tier (default tier1) for the others.
                return rows.Select(x => new PremiumPerson(x.Identity.PersonId, x.Name, x.Identity.Category,
                    Codes.TryParse<InsuranceTier>(x.Tier, out var own) && own != InsuranceTier.Any ? own : tierValue,
                    x.Identity.Recognized, x.Identity.Revoked, false, new HashSet<int>())).ToList();
            }, ct);
            var list = PreventionProblems.Run(() => PremiumLists.Monthly(policy, year.Value, month.Value, persons,
                (p, item) => item == PremiumItem.ResidentBasic ? new Contributions(contribution!.Value, tier1Contribution) : new Contributions(supplementaryContribution ?? 0m)), "contribution");
            var due = PreventionProblems.Run(() => cal.MonthlyDeadline(monthStart.AddMonths(1).Year, monthStart.AddMonths(1).Month, 5));
            var actor = http.Actor();
            if (format == "csv")
            {
                var bytes = System.Text.Encoding.UTF8.GetBytes(PremiumLists.ToCsv(list));
                http.Response.Headers["X-Doudi-Due"] = due.Date.ToString("yyyy-MM-dd");
                return Results.File(bytes, "text/csv; charset=utf-8", $"premium-{region}-{year}-{month:D2}.csv");
            }
            return Results.Json(new
            {
                region, year, month, policy = policyId, document = policy.Document, due = due.Date, dueBasis = due.BasisZh,
                total = list.Sum(r => r.Amount),
                items = list.Select(r => new
                {
                    person = r.PersonId, name = r.Name, category = Codes.ToCode(r.Category), tier = Codes.ToCode(r.Tier), item = Codes.ToCode(r.Item),
                    r.Amount, effectiveFrom = r.EffectiveFrom, status = Codes.ToCode(r.Status), basis = r.BasisZh, note = r.NoteZh, r.Cite,
                }),
            }, Json.Options);
        }).RequireAuthorization(Policies.Operate).WithTags("Premium subsidy")
          .WithSummary("资助参保月度名单 / the month's premium-subsidy list for the tax/insurance office (CSV or JSON)");

        // A person's resident insurance tier changes when they choose another (一档/二档); the lists take the current one.
        app.MapPut("/api/persons/{id}/insurance-tier", async (string id, HttpContext http, Database db, CancellationToken ct) =>
        {
            using var doc = await Body.ReadJsonAsync(http.Request, ct);
            var problems = new List<FieldProblem>();
            var f = Fields.FromJson(Body.RequireObject(doc), "", problems);
            var code = f.String("insuranceTier", required: true);
            if (code is not null && (!Codes.TryParse<InsuranceTier>(code, out var t) || t == InsuranceTier.Any)) f.Problem("insuranceTier", Msg.Unknown("档次", code, ["tier1", "tier2"]));
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            var actor = http.Actor();
            var view = await db.WriteAsync(async (c, tx) =>
            {
                var p = await c.FirstAsync($"SELECT {RegistryStore.PersonColumns} FROM persons WHERE id = @id", tx, RegistryStore.MapPerson, ("id", id))
                    ?? throw ApiProblemException.NotFound(new($"没有此人 {id}", $"no person {id}"));
                await c.ExecAsync("UPDATE persons SET insurance_tier = @t, updated_at = @now WHERE id = @id", tx, ("t", code), ("now", DateTimeOffset.UtcNow), ("id", id));
                await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "set", "insurance_tier", id,
                    new { insuranceTier = p.Tier is { } old ? Codes.ToCode(old) : null }, new { insuranceTier = code });
                Codes.TryParse<InsuranceTier>(code, out var tier);
                return Views.View(p with { Tier = tier }, actor, await RegistryStore.IdentitiesAsync(c, tx, id));
            }, ct);
            return Results.Json(view, Json.Options);
        }).RequireAuthorization(Policies.Operate).WithTags("Registry")
          .WithSummary("参保档次 / set a person's resident insurance tier (tier1 一档, tier2 二档), which the premium lists take");
    }
}
