using Doudi.Prevention.Common;

namespace Doudi.Prevention.Relief;

/// <summary>What the engine computed for one payee (person or household) in a run.</summary>
public sealed record ReliefInput(string PayeeId, string Name, decimal Amount, IReadOnlyList<string> Trace);

/// <summary>A payment the ledger has made. Its id is "run:payee", which is what makes a rerun harmless.</summary>
public sealed record Payment(string PaymentId, RunId Run, string PayeeId, string Name, decimal Amount, DateOnly PaidOn, IReadOnlyList<string> Trace);

public enum RowStatus { New, AlreadyPaid, Difference, NotPayable }

/// <summary>One line of a run report. For a difference, <see cref="Amount"/> is what was paid and <see cref="Computed"/> what the rerun computed.</summary>
public sealed record ReportRow(string PayeeId, string Name, decimal Amount, decimal Computed, RowStatus Status, string? PaymentId, IReadOnlyList<string> Trace)
{
    public static Bilingual StatusName(RowStatus s) => s switch
    {
        RowStatus.New => new("本次新发放", "paid in this run"),
        RowStatus.AlreadyPaid => new("已发放（不重复支付）", "already paid (not paid again)"),
        RowStatus.Difference => new("已发放，重算金额不同，待核", "already paid; recomputed amount differs, to review"),
        _ => new("无应发金额", "nothing to pay"),
    };
}

public sealed record RunReport(RunId Run, DateOnly RunOn, IReadOnlyList<ReportRow> Rows)
{
    public IEnumerable<ReportRow> NewPayments => Rows.Where(r => r.Status == RowStatus.New);
    public IEnumerable<ReportRow> ExistingPayments => Rows.Where(r => r.Status is RowStatus.AlreadyPaid or RowStatus.Difference);
    public decimal NewTotal => NewPayments.Sum(r => r.Amount);
    public decimal PaidTotal => Rows.Where(r => r.Status != RowStatus.NotPayable).Sum(r => r.Amount);
}

/// <summary>
/// Payments of the year-end runs, keyed by (run, payee). Running a job again pays nobody twice: a payee already paid
/// in that run is reported with the existing payment; if the amount computed now differs, the difference is reported
/// for review, never paid automatically. The host persists <see cref="Payments"/> and rebuilds the ledger from them.
/// </summary>
public sealed class PayoutLedger
{
    private readonly Dictionary<string, Payment> _payments = new(StringComparer.Ordinal);

    public PayoutLedger() { }
    public PayoutLedger(IEnumerable<Payment> stored) { foreach (var p in stored) _payments.Add(p.PaymentId, p); }

    public IReadOnlyCollection<Payment> Payments => _payments.Values;

    public static string PaymentIdOf(RunId run, string payeeId) => $"{run}:{payeeId}";

    public RunReport Run(RunId run, IEnumerable<ReliefInput> inputs, DateOnly runOn)
    {
        var list = inputs.ToList();
        var dup = list.GroupBy(i => i.PayeeId).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null)
            throw new PreventionException("relief_duplicate_payee", $"同一次运行中收款人 {dup.Key} 出现多次", $"payee {dup.Key} appears more than once in one run");
        var rows = new List<ReportRow>();
        foreach (var i in list.OrderBy(i => i.PayeeId, StringComparer.Ordinal))
        {
            var amount = Money.Round(i.Amount);
            var id = PaymentIdOf(run, i.PayeeId);
            if (_payments.TryGetValue(id, out var paid))
            {
                var status = paid.Amount == amount ? RowStatus.AlreadyPaid : RowStatus.Difference;
                rows.Add(new ReportRow(i.PayeeId, i.Name, paid.Amount, amount, status, id, paid.Trace));
            }
            else if (amount <= 0)
                rows.Add(new ReportRow(i.PayeeId, i.Name, 0, amount, RowStatus.NotPayable, null, i.Trace));
            else
            {
                _payments.Add(id, new Payment(id, run, i.PayeeId, i.Name, amount, runOn, i.Trace));
                rows.Add(new ReportRow(i.PayeeId, i.Name, amount, amount, RowStatus.New, id, i.Trace));
            }
        }
        return new RunReport(run, runOn, rows);
    }
}
