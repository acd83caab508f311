using Doudi.Server.Audit;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Settlements;

/// <summary>One running total that differs from what the stored settlements and supplementary payments give.</summary>
public sealed record LedgerDifference(string Person, int Year, string Bucket, decimal Stored, decimal Recomputed);

/// <summary>
/// What a rebuild of the running ledger totals found (and, with apply, wrote). <see cref="YearFactsPending"/>: the
/// region-years of the scope with stored bills lacking year facts (storage repaired by hand), listed again in
/// year_facts_pending so the next year-end run completes them (listed with or without apply: it changes no amount).
/// </summary>
public sealed record LedgerRebuildReport(string? Region, int? Year, bool Apply, int Checked, int DifferenceCount,
    IReadOnlyList<LedgerDifference> Differences, bool Truncated, bool Applied, IReadOnlyList<RegionYear>? YearFactsPending = null);

/// <summary>
/// Recomputes the running ledger totals (<see cref="LedgerTotals"/>) of a region's persons (or all) for a year (or all)
/// from the stored non-reversed settlements and supplementary payments (measure buckets: by their
/// <see cref="ILedgerMeasureSource"/>, monitoring's from the bills' latest results), and reports every total that differs
/// (person, year, bucket, stored, recomputed). With <c>apply</c> it writes the recomputed values, audited, in the same
/// transaction. Writers of the totals are held off while it reads (PostgreSQL: a table lock; SQLite: the one writer),
/// so a settlement committing meanwhile is never reported as a difference nor overwritten: one that has not yet added
/// its counts adds them after the rebuild commits, onto the rebuilt value. It also lists again in year_facts_pending
/// the region-years whose bills lost their year facts (<see cref="StoredYear.ListMissingFactsAsync"/>).
/// </summary>
public sealed class LedgerRebuild(Database db, IEnumerable<ILedgerMeasureSource>? measureSources = null)
{
    /// <summary>Differences kept in a report (all are counted, and all are written with apply).</summary>
    public const int MaxReported = 10_000;

    public Task<LedgerRebuildReport> RunAsync(string? region, int? year, bool apply, Actor actor, CancellationToken ct = default) =>
        db.WriteAsync(async (c, tx) =>
        {
            if (db.Dialect.LockAgainstWriters("ledger_totals") is { Length: > 0 } lockSql) await c.ExecAsync(lockSql, tx);
            var stored = (await LedgerTotals.ReadAsync(c, tx, region, year)).ToDictionary(t => (t.PersonId, t.Year, t.Bucket), t => t.Amount);
            var recomputed = (await LedgerTotals.RecomputeAsync(c, tx, region, year)).ToDictionary(t => (t.PersonId, t.Year, t.Bucket), t => t.Amount);
            foreach (var source in measureSources ?? [])
                foreach (var t in await source.RecomputeAsync(c, tx, region, year))
                    recomputed[(t.PersonId, t.Year, t.Bucket)] = t.Amount;
            var differences = stored.Keys.Union(recomputed.Keys)
                .Select(k => new LedgerDifference(k.PersonId, k.Year, k.Bucket, stored.GetValueOrDefault(k), recomputed.GetValueOrDefault(k)))
                .Where(d => d.Stored != d.Recomputed)
                .OrderBy(d => d.Person, StringComparer.Ordinal).ThenBy(d => d.Year).ThenBy(d => d.Bucket, StringComparer.Ordinal)
                .ToList();
            var applied = apply && differences.Count > 0;
            if (applied)
            {
                await LedgerTotals.SetAsync(c, tx, differences.Select(d => new LedgerTotal(d.Person, d.Year, d.Bucket, d.Recomputed)));
                await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "rebuild", "ledger_totals", $"{region ?? "*"}/{(year is { } y ? y.ToString(System.Globalization.CultureInfo.InvariantCulture) : "*")}",
                    new { differences = differences.Take(1000).Select(d => new { d.Person, d.Year, d.Bucket, d.Stored }) },
                    new { region, year, count = differences.Count, differences = differences.Take(1000).Select(d => new { d.Person, d.Year, d.Bucket, d.Recomputed }) });
            }
            var pending = await StoredYear.ListMissingFactsAsync(c, tx, region, year);
            return new LedgerRebuildReport(region, year, apply, stored.Keys.Union(recomputed.Keys).Count(), differences.Count,
                differences.Take(MaxReported).ToList(), differences.Count > MaxReported, applied, pending);
        }, ct);
}
