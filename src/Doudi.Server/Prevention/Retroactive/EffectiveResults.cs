using System.Data.Common;
using Doudi.Engine.Results;
using Doudi.Server.Api;
using Doudi.Server.Storage;

namespace Doudi.Server.Prevention.Retroactive;

/// <summary>
/// A settlement row is never changed; when retroactive assistance settles a bill again, the new result is kept beside
/// it (supplementary_payments.result_json). Year-end runs and monitoring read the bill's latest result through here,
/// and the annual limits of later settlements count what the supplementary payments added (counted_json).
/// </summary>
public static class EffectiveResults
{
    /// <summary>Replaces, in place, the result of every bill that was settled again (the latest re-settlement wins).</summary>
    public static async Task ApplyAsync(DbConnection c, DbTransaction? tx, string where, (string, object?)[] args, IDictionary<string, BillResult> results)
    {
        var rows = await c.ListAsync($"SELECT bill_id, result_json, result_format FROM supplementary_payments WHERE {where} ORDER BY created_at, id", tx,
            r => (Bill: r.S("bill_id"), Json: r.S("result_json"), Format: r.I("result_format")), args);
        foreach (var (bill, json, format) in rows)
            if (results.ContainsKey(bill)) results[bill] = Settlements.StoredResults.Read(json, format);
    }

    /// <summary>What supplementary payments of a person's year add to each annual-limit bucket.</summary>
    public static async Task<Dictionary<string, decimal>> CountedAsync(DbConnection c, DbTransaction? tx, string personId, int year)
    {
        var total = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var rows = await c.ListAsync("SELECT counted_json FROM supplementary_payments WHERE person_id = @p AND year = @y", tx, r => r.S("counted_json"), ("p", personId), ("y", year));
        foreach (var json in rows)
            foreach (var (k, v) in Json.Deserialize<Dictionary<string, decimal>>(json))
                total[k] = total.GetValueOrDefault(k) + v;
        return total;
    }
}
