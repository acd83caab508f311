using System.Data.Common;
using Doudi.Analysis.Reconciliation;
using Doudi.Server.Api;
using Doudi.Server.Storage;

namespace Doudi.Server.Reconciliation;

/// <summary>The SQL of reconciliation runs and items (portable SQL: the same statements on SQLite and PostgreSQL).</summary>
public static class ReconciliationStore
{
    public static Task<string?> FindByContentAsync(DbConnection c, DbTransaction? tx, string region, string profile, string hash) =>
        c.ScalarAsync("SELECT id FROM reconciliation_runs WHERE region = @r AND profile = @p AND content_hash = @h", tx, ("r", region), ("p", profile), ("h", hash))
            .ContinueWith(t => t.Result as string);

    public static async Task InsertRunAsync(DbConnection c, DbTransaction tx, string id, string hash, ReconciliationReport r, DateTimeOffset at, string by)
    {
        // The lists go to the items table; the run keeps the summary.
        var summary = new { r.Region, r.Profile, r.Source, r.Bills, r.Persons, r.NotInRegistry, r.ByTownship, r.ByInstitution, r.Notes };
        await c.ExecAsync("INSERT INTO reconciliation_runs (id, region, profile, source, content_hash, bills, paid, due, to_pay, to_recover, report_json, created_at, created_by) " +
            "VALUES (@id, @r, @p, @s, @h, @b, @paid, @due, @tp, @tr, @j, @at, @by)", tx,
            ("id", id), ("r", r.Region), ("p", r.Profile), ("s", r.Source), ("h", hash), ("b", r.Bills), ("paid", Text(r.Paid)), ("due", Text(r.Due)),
            ("tp", Text(r.ToPay)), ("tr", Text(r.ToRecover)), ("j", Json.Serialize(summary)), ("at", at), ("by", by));
        foreach (var d in r.Underpaid.Concat(r.Overpaid))
            await c.ExecAsync("INSERT INTO reconciliation_items (run_id, setl_id, person_id, township, institution, direction, paid, due, difference, status, item_json, updated_at, updated_by) " +
                "VALUES (@id, @s, @p, @t, @i, @d, @paid, @due, @diff, @st, @j, @at, @by)", tx,
                ("id", id), ("s", d.SetlId), ("p", d.Person), ("t", d.Township ?? ""), ("i", d.Institution ?? ""), ("d", d.Direction),
                ("paid", Text(d.Paid)), ("due", Text(d.Due)), ("diff", Text(d.Difference)), ("st", ReconciliationStatus.Open), ("j", Json.Serialize(d)), ("at", at), ("by", by));
    }

    public static Task<ReconciliationRunRow?> RunAsync(DbConnection c, DbTransaction? tx, string id) =>
        c.FirstAsync("SELECT * FROM reconciliation_runs WHERE id = @id", tx, r => new ReconciliationRunRow(r.S("id"), r.S("region"), r.S("profile"), r.S("source"),
            r.I("bills"), r.M("paid"), r.M("due"), r.M("to_pay"), r.M("to_recover"), r.S("report_json"), r.T("created_at"), r.S("created_by")), ("id", id));

    public static Task<List<(string Status, string Direction, int Count)>> CountsAsync(DbConnection c, string id) =>
        c.ListAsync("SELECT status, direction, COUNT(*) AS n FROM reconciliation_items WHERE run_id = @id GROUP BY status, direction ORDER BY status, direction", null,
            r => (r.S("status"), r.S("direction"), r.I("n")), ("id", id));

    public static async Task<(List<ReconciliationItemRow> Items, long Total)> ItemsAsync(DbConnection c, string id, string? direction, string? township, string? status, Paging paging)
    {
        var where = "run_id = @id" + (direction is null ? "" : " AND direction = @d") + (township is null ? "" : " AND township = @t") + (status is null ? "" : " AND status = @st");
        var list = new List<(string, object?)> { ("id", id) };
        if (direction is not null) list.Add(("d", direction));
        if (township is not null) list.Add(("t", township));
        if (status is not null) list.Add(("st", status));
        var args = list.ToArray();
        var total = Convert.ToInt64(await c.ScalarAsync($"SELECT COUNT(*) FROM reconciliation_items WHERE {where}", null, args));
        var items = await c.ListAsync($"SELECT * FROM reconciliation_items WHERE {where} ORDER BY township, setl_id LIMIT @lim OFFSET @off", null, Map,
            [.. args, ("lim", paging.PageSize), ("off", paging.Offset)]);
        return (items, total);
    }

    /// <summary>Every item of a run (the Excel report), by township then bill.</summary>
    public static Task<List<ReconciliationItemRow>> AllItemsAsync(DbConnection c, string id) =>
        c.ListAsync("SELECT * FROM reconciliation_items WHERE run_id = @id ORDER BY township, setl_id", null, Map, ("id", id));

    public static Task<ReconciliationItemRow?> ItemAsync(DbConnection c, DbTransaction? tx, string id, string setlId) =>
        c.FirstAsync("SELECT * FROM reconciliation_items WHERE run_id = @id AND setl_id = @s", tx, Map, ("id", id), ("s", setlId));

    public static Task<List<ReconciliationItemRow>> OpenOfTownshipAsync(DbConnection c, DbTransaction tx, string id, string township) =>
        c.ListAsync("SELECT * FROM reconciliation_items WHERE run_id = @id AND township = @t AND status = @st ORDER BY setl_id", tx, Map,
            ("id", id), ("t", township), ("st", ReconciliationStatus.Open));

    /// <summary>Moves an item on only if it is still in <paramref name="from"/> (two staff at once: the second is told).</summary>
    public static async Task<bool> MoveAsync(DbConnection c, DbTransaction tx, string id, string setlId, string from, string to, DateTimeOffset at, string by) =>
        await c.ExecAsync("UPDATE reconciliation_items SET status = @to, updated_at = @at, updated_by = @by WHERE run_id = @id AND setl_id = @s AND status = @from", tx,
            ("to", to), ("at", at), ("by", by), ("id", id), ("s", setlId), ("from", from)) == 1;

    private static ReconciliationItemRow Map(DbDataReader r) => new(r.S("run_id"), r.S("setl_id"), r.S("person_id"), r.S("township"), r.S("institution"),
        r.S("direction"), r.M("paid"), r.M("due"), r.M("difference"), r.S("status"), r.S("item_json"), r.T("updated_at"), r.S("updated_by"));

    private static string Text(decimal d) => d.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public sealed record ReconciliationRunRow(string Id, string Region, string Profile, string Source, int Bills, decimal Paid, decimal Due, decimal ToPay, decimal ToRecover,
    string SummaryJson, DateTimeOffset CreatedAt, string CreatedBy);

public sealed record ReconciliationItemRow(string RunId, string SetlId, string PersonId, string Township, string Institution, string Direction,
    decimal Paid, decimal Due, decimal Difference, string Status, string ItemJson, DateTimeOffset UpdatedAt, string UpdatedBy);
