using System.Data.Common;
using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Funds;
using Doudi.Server.Audit;
using Doudi.Server.Prevention.Common;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Prevention.Funds;

public static class FundCodes
{
    /// <summary>医疗救助基金 (温政办〔2020〕78号 第十五–十八条): per-bill assistance, special assistance, retroactive and post-hoc payments.</summary>
    public const string MedicalAssistance = "medical_assistance";
    /// <summary>慈善/暖心基金 (富阳暖心无忧基金, 建德暖心基金, 温州慈善医疗救助共富基金): caps, resolutions, household lines.</summary>
    public const string Charity = "charity";

    public static readonly string[] All = [MedicalAssistance, Charity];

    public static FundKind Kind(string code) => code == Charity ? FundKind.Charity : FundKind.MedicalAssistance;

    public static Api.Text Name(string region, string code) => code == Charity
        ? new($"{region} 慈善（暖心）基金", $"{region} charity fund")
        : new($"{region} 医疗救助基金", $"{region} medical assistance fund");
}

public sealed record FundEntryRow(long Id, string Region, string Fund, DateOnly Date, string? Source, decimal Amount, string Memo, string? PayeeRef, string? Ref,
    DateTimeOffset CreatedAt, string CreatedBy)
{
    public bool IsIncome => Source is not null;

    /// <summary>Money taken back (应退): stored as a payment with a negative amount.</summary>
    public bool IsRecovery => Source is null && Amount < 0;

    /// <summary>The entry's kind as the books show it: income, payment or recovery.</summary>
    public string Kind => IsIncome ? "income" : IsRecovery ? "recovery" : "payment";
}

/// <summary>The fund books in the database. The charity fund may not be overdrawn (its money is raised first); the medical
/// assistance fund records what the law obliges it to pay, a shortfall being met by the government (wenzhou 专户管理).</summary>
public static class FundStore
{
    public static FundEntryRow Map(DbDataReader r) => new(r.L("id"), r.S("region"), r.S("fund"), r.D("date"), r.Str("source"), r.M("amount"),
        r.S("memo"), r.Str("payee_ref"), r.Str("ref"), r.T("created_at"), r.S("created_by"));

    /// <summary>What one-stop settlement paid from a region's medical assistance fund up to a day (assistance and tilted assistance), per bill.</summary>
    public static Task<List<(DateOnly Date, decimal Amount)>> SettledAssistanceAsync(DbConnection c, string region, DateOnly to) =>
        c.ListAsync("SELECT date, assistance, result_json FROM settlements WHERE region = @r AND status = @s AND date <= @to", null,
            r => (r.D("date"), r.M("assistance") + Tilted(r.S("result_json"))), ("r", region), ("s", Settlements.StoredSettlement.Settled), ("to", to));

    private static decimal Tilted(string resultJson)
    {
        using var d = System.Text.Json.JsonDocument.Parse(resultJson);
        return d.RootElement.TryGetProperty("tilted", out var t) && t.ValueKind == System.Text.Json.JsonValueKind.Number ? t.GetDecimal() : 0m;
    }

    public static Task<List<FundEntryRow>> EntriesAsync(DbConnection c, DbTransaction? tx, string region, string fund) =>
        c.ListAsync("SELECT * FROM fund_entries WHERE region = @r AND fund = @f ORDER BY date, id", tx, Map, ("r", region), ("f", fund));

    /// <summary>The domain ledger of a fund (income by source and payments, in date order).</summary>
    public static FundLedger Ledger(string region, string fund, IEnumerable<FundEntryRow> rows, bool incomeOnly = false)
    {
        var ledger = new FundLedger($"{region}:{fund}", FundCodes.Name(region, fund).Zh, FundCodes.Kind(fund));
        foreach (var e in rows)
        {
            if (e.IsIncome) ledger.Income(e.Date, Codes.TryParse<FundSource>(e.Source, out var s) ? s : FundSource.Other, e.Amount, e.Memo);
            else if (incomeOnly) continue;
            else if (e.IsRecovery) ledger.Recover(e.Date, -e.Amount, e.PayeeRef ?? "", e.Memo);
            else ledger.Pay(e.Date, e.Amount, e.PayeeRef ?? "", e.Memo);
        }
        return ledger;
    }

    public static async Task IncomeAsync(DbConnection c, DbTransaction tx, Dialect dialect, string region, string fund, DateOnly date, FundSource source,
        decimal amount, string memo, Actor actor)
    {
        var id = await c.ScalarAsync("INSERT INTO fund_entries (region, fund, date, source, amount, memo, created_at, created_by) VALUES (@r, @f, @d, @s, @a, @m, @t, @by) RETURNING id", tx,
            ("r", region), ("f", fund), ("d", date), ("s", Codes.ToCode(source)), ("a", amount), ("m", memo), ("t", DateTimeOffset.UtcNow), ("by", actor.Name));
        await AuditLog.WriteAsync(c, tx, dialect, actor, "income", "fund_entry", Convert.ToString(id, System.Globalization.CultureInfo.InvariantCulture)!, null,
            new { region, fund, date, source = Codes.ToCode(source), amount, memo });
    }

    /// <summary>Posts a payment once (by <paramref name="reference"/>); the charity fund refuses to be overdrawn.</summary>
    public static async Task PayAsync(DbConnection c, DbTransaction tx, Dialect dialect, string region, string fund, DateOnly date, decimal amount,
        string payeeRef, string memo, string reference, Actor actor)
    {
        if (amount <= 0) return;
        if (await c.ScalarAsync("SELECT 1 FROM fund_entries WHERE ref = @ref", tx, ("ref", reference)) is not null) return;
        if (fund == FundCodes.Charity)
        {
            if (dialect == Dialect.Postgres) await c.ExecAsync("SELECT pg_advisory_xact_lock(hashtext(@k))", tx, ("k", $"fund|{region}|{fund}"));
            var ledger = Ledger(region, fund, await EntriesAsync(c, tx, region, fund));
            PreventionProblems.Run(() => ledger.Pay(date, amount, payeeRef, memo), "fund");
        }
        await c.ExecAsync("INSERT INTO fund_entries (region, fund, date, amount, memo, payee_ref, ref, created_at, created_by) VALUES (@r, @f, @d, @a, @m, @p, @ref, @t, @by)", tx,
            ("r", region), ("f", fund), ("d", date), ("a", amount), ("m", memo), ("p", payeeRef), ("ref", reference), ("t", DateTimeOffset.UtcNow), ("by", actor.Name));
        await AuditLog.WriteAsync(c, tx, dialect, actor, "pay", "fund_entry", reference, null, new { region, fund, date, amount, payee = payeeRef, memo });
    }

    /// <summary>
    /// Takes back, once (by <paramref name="reference"/>), money paid to a payee: a payment entry of −<paramref name="amount"/>
    /// (a supplementary payment on a bill that was reversed, P-1). Nothing when the amount is not positive.
    /// </summary>
    public static async Task RecoverAsync(DbConnection c, DbTransaction tx, Dialect dialect, string region, string fund, DateOnly date, decimal amount,
        string payeeRef, string memo, string reference, Actor actor)
    {
        if (amount <= 0) return;
        if (await c.ScalarAsync("SELECT 1 FROM fund_entries WHERE ref = @ref", tx, ("ref", reference)) is not null) return;
        await c.ExecAsync("INSERT INTO fund_entries (region, fund, date, amount, memo, payee_ref, ref, created_at, created_by) VALUES (@r, @f, @d, @a, @m, @p, @ref, @t, @by)", tx,
            ("r", region), ("f", fund), ("d", date), ("a", -amount), ("m", memo), ("p", payeeRef), ("ref", reference), ("t", DateTimeOffset.UtcNow), ("by", actor.Name));
        await AuditLog.WriteAsync(c, tx, dialect, actor, "recover", "fund_entry", reference, null, new { region, fund, date, amount, payee = payeeRef, memo });
    }
}
