using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Funds;
using Doudi.Server.Api;
using Doudi.Server.Prevention.Common;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Prevention.Funds;

/// <summary>
/// Fund books per region: the medical assistance fund and the charity (暖心) fund — income by source, every payment, the
/// fiscal-share cap where the region's files set one (policies/funds/: jiande's 暖心基金), and the public disclosure of a
/// period. The medical assistance fund's spending includes what one-stop settlement paid. Rules live in FundService.
/// </summary>
public static class FundEndpoints
{
    public static void Map(WebApplication app)
    {
        var g = app.MapGroup("/api/funds/{region}/{fund}").WithTags("Funds");

        g.MapPost("/income", async (string region, string fund, HttpContext http, FundService funds, CancellationToken ct) =>
        {
            Check(http, region, fund);
            var actor = http.Actor();
            if (actor.Role == Roles.Charity && fund != FundCodes.Charity)
                throw ApiProblemException.Forbidden(new("慈善总会只能登记慈善（暖心）基金的收入", "the charity federation records income of the charity fund only"));
            using var doc = await Body.ReadJsonAsync(http.Request, ct);
            var problems = new List<FieldProblem>();
            var f = Fields.FromJson(Body.RequireObject(doc), "", problems);
            var date = f.Date("date", required: true);
            var sourceCode = f.String("source", required: true);
            FundSource source = default;
            if (sourceCode is not null && !Codes.TryParse(sourceCode, out source)) f.Problem("source", Msg.Unknown("资金来源", sourceCode, Codes.All<FundSource>()));
            var amount = f.Amount("amount", required: true);
            if (amount is 0m) f.Problem("amount", new("收入金额须大于 0", "must be greater than 0"));
            var memo = f.String("memo", required: true, maxLength: 500);
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            await funds.IncomeAsync(region, fund, date!.Value, source, amount!.Value, memo!, actor, ct);
            return Results.Json(await funds.BooksAsync(region, fund, null, null, ct), Json.Options, statusCode: 201);
        }).RequireAuthorization(PreventionPolicies.WriteFunds)
          .JsonBody<FundIncomeRequest>().Produces<FundBooks>(201).Problems(403)
          .WithSummary("登记收入 / record income by source (fiscal_budget, higher_transfer, donation, interest, carry_over, transfer_payment, other)");

        g.MapGet("/", async (string region, string fund, string? from, string? to, HttpContext http, FundService funds, CancellationToken ct) =>
        {
            Check(http, region, fund);
            var (a, b) = Period(from, to, required: false);
            return Results.Json(await funds.BooksAsync(region, fund, a, b, ct), Json.Options);
        }).RequireAuthorization(PreventionPolicies.ReadRelief).Produces<FundBooks>(200).WithSummary("基金明细 / entries, income by source and balance");

        g.MapGet("/fiscal-share", async (string region, string fund, string? asOf, HttpContext http, FundService funds, PreventionClock clock, CancellationToken ct) =>
        {
            Check(http, region, fund);
            var (_, day) = Period(null, asOf, required: false);
            return Results.Json(await funds.FiscalShareAsync(region, fund, day ?? clock.Today, ct), Json.Options);
        }).RequireAuthorization(PreventionPolicies.ReadRelief).Produces<FiscalShareView>(200).Problems(404)
          .WithSummary("财政资金占比 / the fiscal share of a fund against the cap its region's files set (404 where they set none)");

        g.MapGet("/disclosure", async (string region, string fund, string? from, string? to, string? format, HttpContext http, FundService funds, CancellationToken ct) =>
        {
            Check(http, region, fund);
            var (a, b) = Period(from, to, required: true);
            var report = await funds.DisclosureAsync(region, fund, a!.Value, b!.Value, ct);
            if (format == "text") return Results.Text(report.ToText(), "text/plain; charset=utf-8");
            return Results.Json(FundService.View(region, fund, report), Json.Options);
        }).RequireAuthorization(PreventionPolicies.ReadRelief).Produces<DisclosureView>(200).ProducesFile("text/plain")
          .WithSummary("公示 / public disclosure of income and spending for a period (no payee named)");
    }

    private static void Check(HttpContext http, string region, string fund)
    {
        var problems = new List<FieldProblem>();
        if (http.RequestServices.GetRequiredService<PreventionCatalog>().Problem("region", region) is { } rp) problems.Add(rp);
        if (!FundCodes.All.Contains(fund)) problems.Add(new("fund", Msg.Unknown("基金", fund, FundCodes.All)));
        if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
    }

    private static (DateOnly?, DateOnly?) Period(string? from, string? to, bool required)
    {
        var problems = new List<FieldProblem>();
        DateOnly? a = from is null && !required ? null : Calendar.CalendarEndpoints.ParseDate(from, "from", problems);
        DateOnly? b = to is null && !required ? null : Calendar.CalendarEndpoints.ParseDate(to, "to", problems);
        if (a is not null && b is not null && b < a) problems.Add(new("to", new("结束日期早于开始日期", "is before from")));
        if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
        return (a, b);
    }
}
