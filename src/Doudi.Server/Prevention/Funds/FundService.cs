using Doudi.Policy.Prevention;
using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Funds;
using Doudi.Server.Api;
using Doudi.Server.Prevention.Common;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Prevention.Funds;

/// <summary>
/// Fund books per region and the rules the region's files set on them (policies/funds/): the cap on the fiscal share of
/// a fund's income, and the disclosure clause. A region whose files set no cap has no fiscal-share check.
/// </summary>
public sealed class FundService(Database db, PreventionCatalog catalog)
{
    public Task IncomeAsync(string region, string fund, DateOnly date, FundSource source, decimal amount, string memo, Actor actor, CancellationToken ct) =>
        db.WriteAsync(async (c, tx) => { await FundStore.IncomeAsync(c, tx, db.Dialect, region, fund, date, source, amount, memo, actor); return 0; }, ct);

    public async Task<FundBooks> BooksAsync(string region, string fund, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        var rows = await db.ReadAsync(c => FundStore.EntriesAsync(c, null, region, fund), ct);
        var shown = rows.Where(e => (from is null || e.Date >= from) && (to is null || e.Date <= to)).ToList();
        return new FundBooks(region, fund, FundCodes.Name(region, fund).Zh,
            rows.Where(e => to is null || e.Date <= to).Sum(e => e.IsIncome ? e.Amount : -e.Amount),
            shown.Where(e => e.IsIncome).GroupBy(e => e.Source!).Select(g => new SourceAmount(g.Key, g.Sum(e => e.Amount))).ToList(),
            shown.Where(e => !e.IsIncome).Sum(e => e.Amount),
            shown.Select(e => new FundEntryView(e.Id, e.Date, e.Source, e.Amount, e.Kind, e.Memo, e.PayeeRef, e.Ref, e.CreatedAt, e.CreatedBy)).ToList());
    }

    /// <summary>The region's cap on the fund's fiscal share in force on the day, or 404: its files set none.</summary>
    public FiscalShareLimit Limit(string region, string fund, DateOnly day) =>
        (Codes.TryParse<Fund>(fund, out var f) ? catalog.Catalog.FundsOn(region, day)?.Of(f)?.FiscalShare : null)
        ?? throw ApiProblemException.NotFound(new($"{region} 的政策文件未规定此基金的财政资金占比（{day:yyyy-MM-dd}）",
            $"{region}'s policy files set no fiscal-share cap on this fund on {day:yyyy-MM-dd} (policies/funds/)"));

    public async Task<FiscalShareView> FiscalShareAsync(string region, string fund, DateOnly day, CancellationToken ct)
    {
        var limit = Limit(region, fund, day);
        var rows = await db.ReadAsync(c => FundStore.EntriesAsync(c, null, region, fund), ct);
        var check = FiscalShareCheck.For(FundStore.Ledger(region, fund, rows, incomeOnly: true), day, limit);
        return new FiscalShareView(region, fund, day, check.Fiscal, check.Raised, check.WithinLimit, check.MessageZh, check.MessageEn, check.Cite) { AtMost = check.AtMost };
    }

    /// <summary>The period's books; the medical assistance fund also spends what one-stop settlement paid (assistance and tilted assistance).</summary>
    public async Task<DisclosureReport> DisclosureAsync(string region, string fund, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var (rows, settled) = await db.ReadAsync(async c => (await FundStore.EntriesAsync(c, null, region, fund),
            fund == FundCodes.MedicalAssistance ? await FundStore.SettledAssistanceAsync(c, region, to) : []), ct);
        decimal Balance(DateOnly day) => rows.Where(e => e.Date <= day).Sum(e => e.IsIncome ? e.Amount : -e.Amount) - settled.Where(s => s.Date <= day).Sum(s => s.Amount);
        var period = rows.Where(e => e.Date >= from && e.Date <= to).ToList();
        var bySource = Enum.GetValues<FundSource>().Select(s => (s, period.Where(e => e.Source == Codes.ToCode(s)).Sum(e => e.Amount))).Where(x => x.Item2 != 0).ToList();
        var paid = period.Where(e => !e.IsIncome).ToList();
        var bills = settled.Where(s => s.Date >= from && s.Amount > 0).ToList();
        var cite = Codes.TryParse<Fund>(fund, out var f) ? catalog.Catalog.FundsOn(region, to)?.Of(f)?.Disclosure?.Cite : null;
        return new DisclosureReport($"{region}:{fund}", FundCodes.Name(region, fund).Zh, from, to, Balance(from.AddDays(-1)), bySource, bySource.Sum(x => x.Item2),
            paid.Count(e => !e.IsRecovery) + bills.Count, paid.Sum(e => e.Amount) + bills.Sum(b => b.Amount), Balance(to)) { Cite = cite };
    }

    public static DisclosureView View(string region, string fund, DisclosureReport report) => new(region, fund, report.FundName, report.From, report.To,
        report.OpeningBalance, report.IncomeBySource.Select(x => new DisclosureIncome(Codes.ToCode(x.Source), FundLedger.SourceName(x.Source).Zh, x.Amount)).ToList(),
        report.TotalIncome, report.PaymentCount, report.TotalPayments, report.ClosingBalance, report.Cite, report.ToText());
}
