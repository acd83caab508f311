using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Funds;
using Doudi.Server.Api;
using Doudi.Server.Prevention.Common;
using Doudi.Server.Security;
using Doudi.Server.Settlements;
using Doudi.Server.Storage;

namespace Doudi.Server.Prevention.Funds;

/// <summary>
/// Fund books per region: the medical assistance fund and the charity (暖心) fund — income by source
/// (温政办〔2020〕78号 第十五条), every payment, the one-third fiscal-share check of 建政办函〔2024〕4号 三.(三), and the
/// public disclosure of a period (第十八条). The medical assistance fund's spending includes what one-stop settlement paid.
/// </summary>
public static class FundEndpoints
{
    public static void Map(WebApplication app)
    {
        var g = app.MapGroup("/api/funds/{region}/{fund}").WithTags("Funds");

        g.MapPost("/income", async (string region, string fund, HttpContext http, Database db, CancellationToken ct) =>
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
            await db.WriteAsync(async (c, tx) => { await FundStore.IncomeAsync(c, tx, db.Dialect, region, fund, date!.Value, source, amount!.Value, memo!, actor); return 0; }, ct);
            return Results.Json(await BooksAsync(db, region, fund, null, null, ct), Json.Options, statusCode: 201);
        }).RequireAuthorization(PreventionPolicies.WriteFunds).WithSummary("登记收入 / record income by source (fiscal_budget, higher_transfer, donation, interest, carry_over, transfer_payment, other)");

        g.MapGet("/", async (string region, string fund, string? from, string? to, HttpContext http, Database db, CancellationToken ct) =>
        {
            Check(http, region, fund);
            var (a, b) = Period(from, to, required: false);
            return Results.Json(await BooksAsync(db, region, fund, a, b, ct), Json.Options);
        }).RequireAuthorization(PreventionPolicies.ReadRelief).WithSummary("基金明细 / entries, income by source and balance");

        g.MapGet("/fiscal-share", async (string region, string fund, string? asOf, HttpContext http, Database db, PreventionClock clock, CancellationToken ct) =>
        {
            Check(http, region, fund);
            if (fund != FundCodes.Charity) throw ApiProblemException.NotFound(new("财政占比检查只适用于慈善（暖心）基金", "the fiscal-share check applies to the charity fund"));
            var (_, day) = Period(null, asOf, required: false);
            var rows = await db.ReadAsync(c => FundStore.EntriesAsync(c, null, region, fund), ct);
            var check = FiscalShareCheck.For(FundStore.Ledger(region, fund, rows, incomeOnly: true), day ?? clock.Today);
            return Results.Json(new { region, fund, asOf = day ?? clock.Today, check.Fiscal, check.Raised, check.WithinLimit, message = check.MessageZh, messageEn = check.MessageEn, cite = FiscalShareCheck.Cite }, Json.Options);
        }).RequireAuthorization(PreventionPolicies.ReadRelief).WithSummary("财政资金占比 / jiande's rule: fiscal money at most one third of the 暖心基金");

        g.MapGet("/disclosure", async (string region, string fund, string? from, string? to, string? format, HttpContext http, Database db, CancellationToken ct) =>
        {
            Check(http, region, fund);
            var (a, b) = Period(from, to, required: true);
            var report = await DisclosureAsync(db, region, fund, a!.Value, b!.Value, ct);
            if (format == "text") return Results.Text(report.ToText(), "text/plain; charset=utf-8");
            return Results.Json(new
            {
                region, fund, report.FundName, report.From, report.To, report.OpeningBalance,
                incomeBySource = report.IncomeBySource.Select(x => new { source = Codes.ToCode(x.Source), name = FundLedger.SourceName(x.Source).Zh, amount = x.Amount }),
                report.TotalIncome, report.PaymentCount, report.TotalPayments, report.ClosingBalance, cite = DisclosureReport.Cite, text = report.ToText(),
            }, Json.Options);
        }).RequireAuthorization(PreventionPolicies.ReadRelief).WithSummary("公示 / public disclosure of income and spending for a period (no payee named)");
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

    private static async Task<object> BooksAsync(Database db, string region, string fund, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        var rows = await db.ReadAsync(c => FundStore.EntriesAsync(c, null, region, fund), ct);
        var shown = rows.Where(e => (from is null || e.Date >= from) && (to is null || e.Date <= to)).ToList();
        return new
        {
            region, fund, name = FundCodes.Name(region, fund).Zh,
            balance = rows.Where(e => to is null || e.Date <= to).Sum(e => e.IsIncome ? e.Amount : -e.Amount),
            incomeBySource = shown.Where(e => e.IsIncome).GroupBy(e => e.Source!).Select(g => new { source = g.Key, amount = g.Sum(e => e.Amount) }),
            payments = shown.Where(e => !e.IsIncome).Sum(e => e.Amount),
            entries = shown.Select(e => new { e.Id, e.Date, e.Source, e.Amount, kind = e.IsIncome ? "income" : "payment", e.Memo, payee = e.PayeeRef, reference = e.Ref, e.CreatedAt, e.CreatedBy }),
        };
    }

    /// <summary>The period's books; the medical assistance fund also spends what one-stop settlement paid (assistance and tilted assistance).</summary>
    public static async Task<DisclosureReport> DisclosureAsync(Database db, string region, string fund, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var (rows, settled) = await db.ReadAsync(async c =>
        {
            var entries = await FundStore.EntriesAsync(c, null, region, fund);
            var bills = fund == FundCodes.MedicalAssistance
                ? await c.ListAsync("SELECT date, assistance, result_json FROM settlements WHERE region = @r AND status = @s AND date <= @to", null,
                    r => (Date: r.D("date"), Amount: r.M("assistance") + Tilted(r.S("result_json"))), ("r", region), ("s", StoredSettlement.Settled), ("to", to))
                : [];
            return (entries, bills);
        }, ct);
        decimal Balance(DateOnly day) => rows.Where(e => e.Date <= day).Sum(e => e.IsIncome ? e.Amount : -e.Amount) - settled.Where(s => s.Date <= day).Sum(s => s.Amount);
        var period = rows.Where(e => e.Date >= from && e.Date <= to).ToList();
        var bySource = Enum.GetValues<FundSource>().Select(s => (s, period.Where(e => e.Source == Codes.ToCode(s)).Sum(e => e.Amount))).Where(x => x.Item2 != 0).ToList();
        var paid = period.Where(e => !e.IsIncome).ToList();
        var bills = settled.Where(s => s.Date >= from && s.Amount > 0).ToList();
        return new DisclosureReport($"{region}:{fund}", FundCodes.Name(region, fund).Zh, from, to, Balance(from.AddDays(-1)), bySource, bySource.Sum(x => x.Item2),
            paid.Count + bills.Count, paid.Sum(e => e.Amount) + bills.Sum(b => b.Amount), Balance(to));
    }

    private static decimal Tilted(string resultJson)
    {
        using var d = System.Text.Json.JsonDocument.Parse(resultJson);
        return d.RootElement.TryGetProperty("tilted", out var t) && t.ValueKind == System.Text.Json.JsonValueKind.Number ? t.GetDecimal() : 0m;
    }
}
