using Doudi.Prevention.Common;

namespace Doudi.Prevention.Funds;

public enum FundKind { MedicalAssistance, Charity }

/// <summary>Income sources (温政办〔2020〕78号 第十五条 (一)–(六); the 暖心基金 of 建政办函〔2024〕4号 三.(三)).</summary>
public enum FundSource { FiscalBudget, HigherTransfer, Donation, Interest, CarryOver, TransferPayment, Other }

public sealed record FundEntry(int Seq, DateOnly Date, FundSource? Source, decimal Amount, string Memo, string? PayeeRef)
{
    public bool IsIncome => Source is not null;
}

/// <summary>
/// A fund's books: income by source and every payment (第十七条 专户管理、分账核算). Payments may not overdraw: a shortfall
/// is met by the government (第十七条), which is recorded as income first.
/// </summary>
public sealed class FundLedger(string fundId, string name, FundKind kind)
{
    private readonly List<FundEntry> _entries = new();
    public string FundId { get; } = fundId;
    public string Name { get; } = name;
    public FundKind Kind { get; } = kind;
    public IReadOnlyList<FundEntry> Entries => _entries;

    public static Bilingual SourceName(FundSource s) => s switch
    {
        FundSource.FiscalBudget => new("财政预算安排", "fiscal budget"),
        FundSource.HigherTransfer => new("上级下拨", "higher-level transfer"),
        FundSource.Donation => new("社会捐赠", "donations"),
        FundSource.Interest => new("利息收入", "interest"),
        FundSource.CarryOver => new("上年度结余", "carried over"),
        FundSource.TransferPayment => new("转移支付", "transfer payment"),
        _ => new("其他资金", "other"),
    };

    /// <summary>Money from the government in any form: what jiande's one-third rule limits.</summary>
    public static bool IsFiscal(FundSource s) => s is FundSource.FiscalBudget or FundSource.HigherTransfer or FundSource.TransferPayment;

    public FundEntry Income(DateOnly date, FundSource source, decimal amount, string memo)
    {
        if (amount <= 0) throw new PreventionException("fund_amount_invalid", "收入金额须大于0", "income must be positive");
        return Add(new FundEntry(_entries.Count + 1, date, source, Money.Round(amount), memo, null));
    }

    public FundEntry Pay(DateOnly date, decimal amount, string payeeRef, string memo)
    {
        if (amount <= 0) throw new PreventionException("fund_amount_invalid", "支出金额须大于0", "a payment must be positive");
        var balance = BalanceAt(date);
        if (amount > balance)
            throw new PreventionException("fund_overdrawn", $"{Name}{date:yyyy-MM-dd}余额 {balance:0.00} 元，不足支付 {amount:0.00} 元",
                $"{FundId} balance {balance:0.00} on {date:yyyy-MM-dd} cannot pay {amount:0.00}");
        return Add(new FundEntry(_entries.Count + 1, date, null, Money.Round(amount), memo, payeeRef));
    }

    /// <summary>
    /// Money taken back from a payee (应退: a payment made on a bill that was later reversed): a payment entry with a
    /// negative amount, so the books net it against what was paid.
    /// </summary>
    public FundEntry Recover(DateOnly date, decimal amount, string payeeRef, string memo)
    {
        if (amount <= 0) throw new PreventionException("fund_amount_invalid", "追回金额须大于0", "a recovery must be positive");
        return Add(new FundEntry(_entries.Count + 1, date, null, -Money.Round(amount), memo, payeeRef));
    }

    /// <summary>Balance at the end of <paramref name="date"/>.</summary>
    public decimal BalanceAt(DateOnly date) => _entries.Where(e => e.Date <= date).Sum(e => e.IsIncome ? e.Amount : -e.Amount);

    private FundEntry Add(FundEntry e) { _entries.Add(e); return e; }
}
