namespace Doudi.Engine.Settlement;

/// <summary>
/// A person's running totals within one year (I-3): what has been counted against each annual limit,
/// the critical-illness base so far, and what is left of a look-back deduction. The engine reads it before
/// a bill and adds the bill's counts after, so a server can rebuild it from stored results.
/// </summary>
public sealed class PersonLedger
{
    private readonly Dictionary<string, decimal> _counted = new(StringComparer.Ordinal);

    public int Year { get; }
    public PersonLedger(int year) => Year = year;

    public decimal Counted(string bucket) => _counted.TryGetValue(bucket, out var v) ? v : 0m;

    public void Add(string bucket, decimal amount)
    {
        if (amount == 0m) return;
        _counted[bucket] = Counted(bucket) + amount;
    }

    /// <summary>Adds everything a settled bill counted (its <c>Counted</c> map).</summary>
    public void Add(IReadOnlyDictionary<string, decimal> counts)
    {
        foreach (var (bucket, amount) in counts) Add(bucket, amount);
    }

    public IReadOnlyDictionary<string, decimal> All => _counted;

    /// <summary>
    /// The ledger of the person's next year: annual limits start again, but a look-back deduction (I-26) belongs to
    /// its window, which may span New Year, so what was deducted in the window carries over.
    /// </summary>
    public PersonLedger NextYear(int year)
    {
        var next = new PersonLedger(year);
        foreach (var (key, amount) in _counted)
            if (key.StartsWith(Tiers.AssistanceTier.DeductionPrefix, StringComparison.Ordinal)) next._counted[key] = amount;
        return next;
    }
}
