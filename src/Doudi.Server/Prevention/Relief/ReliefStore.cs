using System.Data.Common;
using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Relief;
using Doudi.Server.Audit;
using Doudi.Server.Prevention.Funds;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Prevention.Relief;

public sealed record ReliefPaymentRow(string Id, string RunKey, string Kind, string Region, string PayeeKind, string PayeeId, string Name, decimal Amount,
    string Fund, DateOnly PaidOn, List<string> Trace, string Origin, DateTimeOffset CreatedAt, string CreatedBy);

/// <summary>Payments of year-end relief (and of reduction cases): id run:payee, stored once, posted to the paying fund in the same transaction.</summary>
public static class ReliefStore
{
    public static ReliefPaymentRow Map(DbDataReader r) => new(r.S("id"), r.S("run_key"), r.S("kind"), r.S("region"), r.S("payee_kind"), r.S("payee_id"), r.S("name"),
        r.M("amount"), r.S("fund"), r.D("paid_on"), Api.Json.Deserialize<List<string>>(r.S("trace_json")), r.S("origin"), r.T("created_at"), r.S("created_by"));

    public static Task<List<ReliefPaymentRow>> ListAsync(DbConnection c, string? region, string? runKey, string? payee)
    {
        var w = new Common.Where().Eq("region", region).Eq("run_key", runKey).Eq("payee_id", payee);
        return c.ListAsync($"SELECT * FROM relief_payments{w.Sql} ORDER BY created_at, id", null, Map, w.Args);
    }

    public static ReliefRun MapRun(DbDataReader r) => new(r.S("id"), r.S("region"), r.I("year"), r.S("policy"), r.S("year_end_run"),
        r.T("created_at"), r.S("created_by"), Api.Json.Deserialize<List<KindReport>>(r.S("reports_json")));

    public static Task<List<ReliefRun>> RunsAsync(DbConnection c, string? region, int? year)
    {
        var w = new Common.Where().Eq("region", region).Eq("year", year);
        return c.ListAsync($"SELECT * FROM relief_runs{w.Sql} ORDER BY created_at, id", null, MapRun, w.Args);
    }

    public static Task<ReliefRun?> RunAsync(DbConnection c, string id) => c.FirstAsync("SELECT * FROM relief_runs WHERE id = @id", null, MapRun, ("id", id));

    public static Task<List<ReliefPaymentRow>> ForRunAsync(DbConnection c, DbTransaction? tx, RunId run) =>
        c.ListAsync("SELECT * FROM relief_payments WHERE run_key = @k ORDER BY payee_id", tx, Map, ("k", run.ToString()));

    public static async Task InsertAsync(DbConnection c, DbTransaction tx, Dialect dialect, string region, RunId run, string payeeKind, Payment p,
        string fund, string origin, Actor actor)
    {
        await c.ExecAsync(
            "INSERT INTO relief_payments (id, run_key, kind, region, payee_kind, payee_id, name, amount, fund, paid_on, trace_json, origin, created_at, created_by) " +
            "VALUES (@id, @k, @kind, @r, @pk, @p, @n, @a, @f, @d, @t, @o, @at, @by)", tx,
            ("id", p.PaymentId), ("k", run.ToString()), ("kind", run.KindCode), ("r", region), ("pk", payeeKind), ("p", p.PayeeId), ("n", p.Name),
            ("a", p.Amount), ("f", fund), ("d", p.PaidOn), ("t", Api.Json.Serialize(p.Trace)), ("o", origin), ("at", DateTimeOffset.UtcNow), ("by", actor.Name));
        await AuditLog.WriteAsync(c, tx, dialect, actor, "pay", "relief_payment", p.PaymentId, null,
            new { run = run.ToString(), payee = p.PayeeId, payeeKind, p.Amount, fund, origin });
        await FundStore.PayAsync(c, tx, dialect, region, fund, p.PaidOn, p.Amount, p.PayeeId,
            $"{RunId.KindName(run.Kind).Zh} {run}", p.PaymentId, actor);
    }
}
