using Doudi.Engine.Settlement;

namespace Doudi.Server.Settlements;

/// <summary>
/// A person's running-total rows (<see cref="LedgerTotals"/>: year, bucket, fen) as a bulk import's chunk adds them, one bill
/// after another, kept summed per year as they come: <see cref="LedgerOf"/> and <see cref="MeasuresOf"/> answer exactly what
/// <see cref="LedgerTotals.LedgerOf"/> and <see cref="LedgerTotals.MeasuresOf"/> answer for the list of every row added so far
/// (the same additions in the same order, so the same amounts with the same scale, and the buckets in the same order),
/// without going through the whole list again for each bill: a person with many bills in a chunk re-read and re-divided all
/// its earlier rows for each of them.
/// </summary>
public sealed class RunningLedger
{
    private readonly Dictionary<int, PersonLedger> _counted = [];
    private readonly Dictionary<int, Dictionary<string, decimal>> _measures = [];

    public RunningLedger() { }

    public RunningLedger(IEnumerable<(int Year, string Bucket, long Fen)> rows)
    {
        foreach (var (year, bucket, fen) in rows) Add(year, bucket, fen);
    }

    /// <summary>One more row (what a bill added, or a stored row), after the ones before.</summary>
    public void Add(int year, string bucket, long fen)
    {
        if (LedgerTotals.IsMeasure(bucket))
        {
            if (!_measures.TryGetValue(year, out var m)) _measures[year] = m = new(StringComparer.Ordinal);
            m[bucket] = m.GetValueOrDefault(bucket) + fen / 100m;
            return;
        }
        if (!_counted.TryGetValue(year, out var ledger)) _counted[year] = ledger = new PersonLedger(year);
        ledger.Add(bucket, fen / 100m);
    }

    /// <summary>A new ledger before a bill of <paramref name="year"/>, as <see cref="LedgerTotals.LedgerOf"/> builds it.</summary>
    public PersonLedger LedgerOf(int year)
    {
        var ledger = (_counted.GetValueOrDefault(year - 1) ?? new PersonLedger(year - 1)).NextYear(year);
        if (_counted.TryGetValue(year, out var counted)) ledger.Add(counted.All);
        return ledger;
    }

    /// <summary>A copy of the measure buckets of <paramref name="year"/>, as <see cref="LedgerTotals.MeasuresOf"/> answers it.</summary>
    public Dictionary<string, decimal> MeasuresOf(int year) =>
        _measures.TryGetValue(year, out var m) ? new(m, StringComparer.Ordinal) : new(StringComparer.Ordinal);
}
