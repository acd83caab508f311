using System.Globalization;
using Doudi.Engine.Settlement;
using Doudi.Server.Settlements;

namespace Doudi.Server.Tests;

/// <summary>
/// The import keeps each person's running totals summed as a chunk goes (<see cref="RunningLedger"/>) instead of
/// rebuilding the ledger from every row so far for each bill (<see cref="LedgerTotals.LedgerOf"/>, <see cref="LedgerTotals.MeasuresOf"/>):
/// both must answer the same amounts with the same scale (a trace prints them) and the buckets in the same order.
/// </summary>
public sealed class RunningLedgerTests
{
    private static readonly string[] Buckets =
    [
        "basic.annual", "assistance.annual", "critical.base", "lookback.deduction.2023-01", "lookback.deduction.2022-11",
        "measure.in_policy_burden", "measure.personal_burden", "special.annual",
    ];

    /// <summary>Every amount with its scale, in the dictionary's order: "bucket=12.30;…".</summary>
    private static string Text(IEnumerable<KeyValuePair<string, decimal>> amounts) =>
        string.Join(";", amounts.Select(kv => kv.Key + "=" + kv.Value.ToString(CultureInfo.InvariantCulture)));

    private static string Text(PersonLedger ledger) => ledger.Year.ToString(CultureInfo.InvariantCulture) + ":" + Text(ledger.All);

    [Fact]
    public void Summed_as_rows_come_it_answers_what_the_whole_list_answers_after_each_row()
    {
        var random = new Random(20261130);
        for (var person = 0; person < 300; person++)
        {
            var rows = new List<(int Year, string Bucket, long Fen)>();
            var running = new RunningLedger();
            for (var i = random.Next(0, 60); i > 0; i--)
            {
                // Fen amounts that divide to scales 0, 1 and 2 (100, 150, 123), zeros, refunds, two and three years.
                long fen = random.Next(4) switch { 0 => 100L * random.Next(-3, 50), 1 => 10L * random.Next(-30, 500), 2 => 0, _ => random.Next(-5000, 500_000) };
                var row = (Year: 2022 + random.Next(3), Bucket: Buckets[random.Next(Buckets.Length)], Fen: fen);
                rows.Add(row);
                running.Add(row.Year, row.Bucket, row.Fen);
                var year = 2022 + random.Next(4);
                Assert.Equal(Text(LedgerTotals.LedgerOf(year, rows)), Text(running.LedgerOf(year)));
                Assert.Equal(Text(LedgerTotals.MeasuresOf(year, rows)), Text(running.MeasuresOf(year)));
            }
            // Started from stored rows (a chunk's load), it answers the same as one fed row by row.
            var loaded = new RunningLedger(rows);
            for (var year = 2021; year <= 2025; year++)
            {
                Assert.Equal(Text(LedgerTotals.LedgerOf(year, rows)), Text(loaded.LedgerOf(year)));
                Assert.Equal(Text(LedgerTotals.MeasuresOf(year, rows)), Text(loaded.MeasuresOf(year)));
            }
        }
    }

    [Fact]
    public void Each_answer_is_a_copy_the_caller_may_change()
    {
        var running = new RunningLedger([(2023, "basic.annual", 12_345), (2023, "measure.personal_burden", 500)]);
        var ledger = running.LedgerOf(2023);
        ledger.Add("basic.annual", 1m);
        var measures = running.MeasuresOf(2023);
        measures["measure.personal_burden"] = 0m;
        // 12,345 fen = 123.45 yuan; 500 fen = 5 yuan (scale of fen / 100: 5, not 5.00).
        Assert.Equal("2023:basic.annual=123.45", Text(running.LedgerOf(2023)));
        Assert.Equal("measure.personal_burden=5", Text(running.MeasuresOf(2023)));
    }
}
