using System.Data.Common;
using Doudi.Server.Api;
using Doudi.Server.Storage;

namespace Doudi.Server.Imports;

/// <summary>
/// The stored progress of name-list imports (<c>name_list_runs</c>), so a GET on any node shows a list another node is
/// importing. Each write is one upsert of the run's state and counts; a finished run (done or failed) is never
/// overwritten by a progress write that was slower to reach the database than the end.
/// </summary>
public static class NameListRunStore
{
    private const string Upsert =
        "INSERT INTO name_list_runs (batch, department, month, region, mode, state, rows_read, rows_done, rows_total, started_at, finished_at, problem_json, updated_at) " +
        "VALUES (@b, @d, @m, @r, @mode, @s, @read, @done, @total, @started, @finished, @problem, @at) " +
        "ON CONFLICT (batch) DO UPDATE SET state = excluded.state, rows_read = excluded.rows_read, rows_done = excluded.rows_done, " +
        "rows_total = excluded.rows_total, finished_at = excluded.finished_at, problem_json = excluded.problem_json, updated_at = excluded.updated_at " +
        "WHERE name_list_runs.state NOT IN ('done', 'failed')";

    /// <summary>Stores the run's status as it is now (the view GET answers, in Chinese and in English for the problem).</summary>
    public static Task SaveAsync(Database db, NameListProgress.Run run, DateTimeOffset now, CancellationToken ct = default)
    {
        var zh = NameListProgress.View(run, english: false);
        var en = run.Failure is null ? null : NameListProgress.View(run, english: true).Problem;
        string? problem = zh.Problem is null ? null : Json.Serialize(new StoredProblem(zh.Problem, en!));
        return db.WriteAsync((c, tx) => c.ExecAsync(Upsert, tx, ("b", zh.Batch), ("d", zh.Department), ("m", zh.Month), ("r", zh.Region), ("mode", zh.Mode),
            ("s", zh.State), ("read", zh.RowsRead), ("done", zh.RowsDone), ("total", zh.Rows), ("started", zh.StartedAt), ("finished", zh.FinishedAt),
            ("problem", problem), ("at", now)), ct);
    }

    /// <summary>The stored status of a batch (its problem in the language asked for), or null.</summary>
    public static Task<NameListImportStatus?> FindAsync(DbConnection c, string batch, bool english) =>
        c.FirstAsync("SELECT * FROM name_list_runs WHERE batch = @b", null, r =>
        {
            var problem = r.Str("problem_json") is { } json ? Json.Deserialize<StoredProblem>(json) : null;
            return new NameListImportStatus(r.S("batch"), r.S("state"), r.S("department"), r.S("month"), r.S("region"), r.S("mode"),
                r.L("rows_read"), r.L("rows_done"), r.IsDBNull(r.GetOrdinal("rows_total")) ? null : r.I("rows_total"), r.T("started_at"), r.TN("finished_at"),
                problem is null ? null : english ? problem.En : problem.Zh);
        }, ("b", batch));

    private sealed record StoredProblem(NameListImportProblem Zh, NameListImportProblem En);
}
