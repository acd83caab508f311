using System.Text;
using Doudi.Policy.Prevention;
using Doudi.Prevention.Common;

namespace Doudi.Prevention.Funds;

/// <summary>
/// A region's cap on the fiscal share of a fund (policies/funds/: jiande's 暖心基金 "原则上不超过1/3"); a fund whose region
/// sets none is not checked.
/// </summary>
public sealed record FiscalShareCheck(decimal Fiscal, decimal Raised, bool WithinLimit, string MessageZh, string MessageEn, string AtMost, string Cite)
{
    /// <summary>
    /// Over the money raised up to <paramref name="asOf"/> (carry-over excluded: it was counted when first raised).
    /// Compared as fiscal × denominator ≤ raised × numerator, so no rounding of a fraction can tip the result.
    /// </summary>
    public static FiscalShareCheck For(FundLedger fund, DateOnly asOf, FiscalShareLimit limit)
    {
        var income = fund.Entries.Where(e => e.IsIncome && e.Date <= asOf && e.Source != FundSource.CarryOver).ToArray();
        var fiscal = income.Where(e => FundLedger.IsFiscal(e.Source!.Value)).Sum(e => e.Amount);
        var raised = income.Sum(e => e.Amount);
        bool ok = fiscal * limit.Denominator <= raised * limit.Numerator;
        var share = raised == 0 ? 0 : Math.Round(fiscal / raised * 100, 2, MidpointRounding.AwayFromZero);
        var cite = limit.Clause.Cite;
        return new FiscalShareCheck(fiscal, raised, ok,
            $"{fund.Name}财政资金 {fiscal:0.00} 元，占筹集总额 {raised:0.00} 元的 {share:0.##}%，" + (ok ? $"未超过{limit.Fraction}" : $"超过{limit.Fraction}（{cite}）"),
            $"{fund.FundId}: fiscal {fiscal:0.00} of {raised:0.00} raised = {share:0.##}%, " + (ok ? $"within {limit.Fraction}" : $"over {limit.Fraction} ({cite})"),
            limit.Fraction, cite);
    }
}

/// <summary>
/// Public disclosure of a fund for a period (wenzhou's 定期向社会公布). No payee is named. <see cref="Cite"/> is the
/// region's disclosure clause (policies/funds/), or null where its files set none.
/// </summary>
public sealed record DisclosureReport(
    string FundId, string FundName, DateOnly From, DateOnly To, decimal OpeningBalance,
    IReadOnlyList<(FundSource Source, decimal Amount)> IncomeBySource, decimal TotalIncome,
    int PaymentCount, decimal TotalPayments, decimal ClosingBalance)
{
    public string? Cite { get; init; }

    public static DisclosureReport Build(FundLedger fund, DateOnly from, DateOnly to)
    {
        if (to < from) throw new PreventionException("period_invalid", "公布期间的结束日期早于开始日期", "the period ends before it starts");
        var inPeriod = fund.Entries.Where(e => e.Date >= from && e.Date <= to).ToArray();
        var bySource = Enum.GetValues<FundSource>()
            .Select(s => (s, inPeriod.Where(e => e.Source == s).Sum(e => e.Amount)))
            .Where(x => x.Item2 != 0).ToArray();
        var payments = inPeriod.Where(e => !e.IsIncome).ToArray();
        return new DisclosureReport(fund.FundId, fund.Name, from, to, fund.BalanceAt(from.AddDays(-1)), bySource,
            bySource.Sum(x => x.Item2), payments.Length, payments.Sum(e => e.Amount), fund.BalanceAt(to));
    }

    public string ToText()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"{FundName}筹集和使用情况公示（{From:yyyy年M月d日}至{To:yyyy年M月d日}）");
        sb.AppendLine($"期初余额：{OpeningBalance:0.00} 元");
        sb.AppendLine($"本期收入：{TotalIncome:0.00} 元");
        foreach (var (s, a) in IncomeBySource) sb.AppendLine($"  {FundLedger.SourceName(s).Zh}：{a:0.00} 元");
        sb.AppendLine($"本期支出：{TotalPayments:0.00} 元（{PaymentCount} 笔）");
        sb.AppendLine($"期末余额：{ClosingBalance:0.00} 元");
        if (Cite is not null) sb.AppendLine($"依据：{Cite}");
        return sb.ToString().TrimEnd();
    }
}
