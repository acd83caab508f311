namespace Doudi.Server.Prevention.Funds;

/// <summary><c>POST /api/funds/{region}/{fund}/income</c>: money raised, by source (glossary code of <c>FundSource</c>).</summary>
public sealed record FundIncomeRequest(DateOnly Date, string Source, decimal Amount, string Memo);

public sealed record SourceAmount(string Source, decimal Amount);

public sealed record FundEntryView(long Id, DateOnly Date, string? Source, decimal Amount, string Kind, string Memo, string? Payee, string? Reference,
    DateTimeOffset CreatedAt, string CreatedBy);

/// <summary>A fund's books: balance (up to <c>to</c>), income by source and payments of the period, every entry.</summary>
public sealed record FundBooks(string Region, string Fund, string Name, decimal Balance, IReadOnlyList<SourceAmount> IncomeBySource, decimal Payments,
    IReadOnlyList<FundEntryView> Entries);

/// <summary>The region's cap on the fiscal share of a fund, checked on a day (<see cref="AtMost"/> and <see cref="Cite"/> from policies/funds/).</summary>
public sealed record FiscalShareView(string Region, string Fund, DateOnly AsOf, decimal Fiscal, decimal Raised, bool WithinLimit, string Message, string MessageEn,
    string Cite)
{
    /// <summary>The cap as a fraction of the money raised (<c>1/3</c>).</summary>
    public string AtMost { get; init; } = "";
}

public sealed record DisclosureIncome(string Source, string Name, decimal Amount);

/// <summary>A fund's public disclosure for a period; <see cref="Cite"/> is the region's disclosure clause, or null where its files set none.</summary>
public sealed record DisclosureView(string Region, string Fund, string FundName, DateOnly From, DateOnly To, decimal OpeningBalance,
    IReadOnlyList<DisclosureIncome> IncomeBySource, decimal TotalIncome, int PaymentCount, decimal TotalPayments, decimal ClosingBalance, string? Cite, string Text);
