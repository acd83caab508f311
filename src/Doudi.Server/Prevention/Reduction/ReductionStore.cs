using System.Data.Common;
using Doudi.Server.Prevention.Common;
using Doudi.Server.Prevention.Relief;
using Doudi.Server.Storage;

namespace Doudi.Server.Prevention.Reduction;

/// <summary>The reduction tables as the endpoints query them (cases are rebuilt from their commands by <see cref="ReductionService"/>).</summary>
public static class ReductionStore
{
    public static async Task<string?> HouseholdRegionAsync(DbConnection c, string household) =>
        await c.ScalarAsync("SELECT region FROM households WHERE id = @h", null, ("h", household)) as string;

    public static async Task<(long Total, List<string> Ids)> CaseIdsAsync(DbConnection c, Where w, Api.Paging paging)
    {
        var total = Convert.ToInt64(await c.ScalarAsync($"SELECT COUNT(*) FROM reduction_cases{w.Sql}", null, w.Args));
        var ids = await c.ListAsync($"SELECT id FROM reduction_cases{w.Sql} ORDER BY created_at, id LIMIT @lim OFFSET @off", null, r => r.S("id"),
            w.With(("lim", paging.PageSize), ("off", paging.Offset)));
        return (total, ids);
    }

    public static Task<List<string>> InstructedIdsAsync(DbConnection c) =>
        c.ListAsync("SELECT id FROM reduction_cases WHERE stage = 'payment_instructed' ORDER BY updated_at, id", null, r => r.S("id"));

    /// <summary>The relief payment a case made, if it was paid.</summary>
    public static Task<ReliefPaymentRow?> PaymentOfAsync(DbConnection c, string caseId) =>
        c.FirstAsync("SELECT * FROM relief_payments WHERE origin = @o", null, ReliefStore.Map, ("o", caseId));

    /// <summary>The cases a department has been asked in (waiting tasks excluded; <paramref name="openOnly"/>: not answered yet).</summary>
    public static Task<List<string>> DepartmentCaseIdsAsync(DbConnection c, string department, bool openOnly) =>
        c.ListAsync("SELECT case_id FROM reduction_tasks WHERE department = @d AND state <> 'waiting'" + (openOnly ? " AND state = 'asked'" : "") + " ORDER BY case_id", null,
            r => r.S("case_id"), ("d", department));

    public static Task<List<string>> OpenTaskCaseIdsAsync(DbConnection c) =>
        c.ListAsync("SELECT DISTINCT case_id FROM reduction_tasks WHERE state = 'asked' ORDER BY case_id", null, r => r.S("case_id"));
}
