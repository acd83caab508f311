using System.Data.Common;
using System.Text;
using System.Text.Json;
using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Monitoring;
using Doudi.Server.Registry;
using Doudi.Server.Settlements;
using Doudi.Server.Storage;

namespace Doudi.Server.Prevention.Monitoring;

/// <summary>
/// A person's year totals from the stored, non-reversed settlements, in the measures the monitoring rules use:
/// in-policy personal burden after all tiers (fuyang 二.1 "政策范围内个人负担"), personal burden (I-14) and cash
/// payment (jiande 三.(一) "个人医疗费用现金支付" — the personal burden, as no personal-account payment is recorded).
/// Only bills on or after the monitoring document's start count (fuyang from 2023-02-10, I-18).
/// </summary>
public static class PersonYearTotals
{
    public static async Task<PersonYear> LoadAsync(DbConnection c, DbTransaction? tx, PersonRecord person, int year, DateOnly from)
    {
        var rows = await c.ListAsync("SELECT id, date, bill_json, result_json FROM settlements WHERE person_id = @p AND year = @y AND status = @s", tx,
            r => (Id: r.S("id"), Date: r.D("date"), Bill: r.S("bill_json"), Result: r.S("result_json")), ("p", person.Id), ("y", year), ("s", StoredSettlement.Settled));
        // A bill settled again by retroactive assistance counts with its latest result.
        var latest = await c.ListAsync("SELECT bill_id, result_json FROM supplementary_payments WHERE person_id = @p AND year = @y ORDER BY created_at, id", tx,
            r => (Bill: r.S("bill_id"), Json: r.S("result_json")), ("p", person.Id), ("y", year));
        foreach (var (bill, json) in latest)
        {
            var i = rows.FindIndex(x => x.Id == bill);
            if (i >= 0) rows[i] = rows[i] with { Result = json };
        }
        decimal inPolicy = 0m, personal = 0m;
        foreach (var row in rows.Where(x => x.Date >= from))
        {
            using var b = JsonDocument.Parse(row.Bill);
            using var res = JsonDocument.Parse(row.Result);
            var reasonable = Dec(res.RootElement, "reasonableBurden");
            inPolicy += Math.Max(0m, reasonable - Dec(b.RootElement, "reasonableOutOfPolicy"));
            personal += Dec(res.RootElement, "personalBurden");
        }
        var identities = await RegistryStore.IdentitiesAsync(c, tx, person.Id);
        return Of(person, identities, year, inPolicy, personal);
    }

    public static PersonYear Of(PersonRecord person, IReadOnlyList<IdentityRecord> identities, int year, decimal inPolicy, decimal personal) =>
        new(person.Id, person.Household, year, person.Insurance, IsAssistanceObject(identities, year), inPolicy, personal, personal);

    /// <summary>An assistance object in the year: an identity effective (I-1) on some day of it (困境儿童 are premium-only).</summary>
    public static bool IsAssistanceObject(IReadOnlyList<IdentityRecord> identities, int year)
    {
        var yearStart = new DateOnly(year, 1, 1);
        var yearEnd = new DateOnly(year, 12, 31);
        return identities.Any(i => i.EffectiveFrom <= yearEnd && (i.EffectiveTo ?? DateOnly.MaxValue) >= yearStart && i.Category != Category.ChildInDifficulty);
    }

    /// <summary>The in-policy burden a bill adds (fuyang 二.1): its in-policy remainder after every tier.</summary>
    public static decimal InPolicyBurden(Doudi.Engine.Cases.Bill bill, Doudi.Engine.Results.BillResult result) =>
        Math.Max(0m, result.ReasonableBurden - bill.ReasonableOutOfPolicy);

    /// <summary>Adds one bill to the running totals and returns the new totals (one round trip; fen are exact on both databases).</summary>
    public static async Task<(decimal InPolicy, decimal Personal)> AddAsync(DbConnection c, DbTransaction tx, string personId, int year, decimal inPolicy, decimal personal)
    {
        var row = await c.FirstAsync(
            "INSERT INTO monitoring_person_years (person_id, year, in_policy_fen, personal_fen, updated_at) VALUES (@p, @y, @i, @b, @t) " +
            "ON CONFLICT (person_id, year) DO UPDATE SET in_policy_fen = monitoring_person_years.in_policy_fen + @i, personal_fen = monitoring_person_years.personal_fen + @b, updated_at = @t " +
            "RETURNING in_policy_fen, personal_fen", tx,
            r => new Tuple<long, long>(r.L("in_policy_fen"), r.L("personal_fen")),
            ("p", personId), ("y", year), ("i", Fen(inPolicy)), ("b", Fen(personal)), ("t", DateTimeOffset.UtcNow));
        return (row!.Item1 / 100m, row.Item2 / 100m);
    }

    /// <summary>Adds many bills to the running totals (summed per person and year first) and returns the new totals, a few hundred rows per statement.</summary>
    public static async Task<Dictionary<(string, int), (decimal InPolicy, decimal Personal)>> AddManyAsync(DbConnection c, DbTransaction tx,
        IEnumerable<(string PersonId, int Year, decimal InPolicy, decimal Personal)> bills)
    {
        var sums = new SortedDictionary<(string, int), (long, long)>( // sorted: rows locked in one order by every writer
            Comparer<(string, int)>.Create((a, b) => string.CompareOrdinal(a.Item1, b.Item1) is var o && o != 0 ? o : a.Item2.CompareTo(b.Item2)));
        foreach (var (p, y, i, b) in bills)
            sums[(p, y)] = sums.TryGetValue((p, y), out var had) ? (had.Item1 + Fen(i), had.Item2 + Fen(b)) : (Fen(i), Fen(b));
        var result = new Dictionary<(string, int), (decimal, decimal)>();
        var now = DateTimeOffset.UtcNow;
        foreach (var part in sums.Chunk(500))
        {
            var sql = new StringBuilder("INSERT INTO monitoring_person_years (person_id, year, in_policy_fen, personal_fen, updated_at) VALUES ");
            var args = new List<(string, object?)> { ("t", now) };
            for (var n = 0; n < part.Length; n++)
            {
                if (n > 0) sql.Append(", ");
                sql.Append($"(@p{n}, @y{n}, @i{n}, @b{n}, @t)");
                args.Add(($"p{n}", part[n].Key.Item1)); args.Add(($"y{n}", part[n].Key.Item2)); args.Add(($"i{n}", part[n].Value.Item1)); args.Add(($"b{n}", part[n].Value.Item2));
            }
            sql.Append(" ON CONFLICT (person_id, year) DO UPDATE SET in_policy_fen = monitoring_person_years.in_policy_fen + excluded.in_policy_fen, " +
                       "personal_fen = monitoring_person_years.personal_fen + excluded.personal_fen, updated_at = excluded.updated_at " +
                       "RETURNING person_id, year, in_policy_fen, personal_fen");
            foreach (var (p, y, i, b) in await c.ListAsync(sql.ToString(), tx, r => (r.S("person_id"), r.I("year"), r.L("in_policy_fen"), r.L("personal_fen")), args.ToArray()))
                result[(p, y)] = (i / 100m, b / 100m);
        }
        return result;
    }

    /// <summary>Sets the running totals to a recomputed value (re-scan, retroactive re-settlement).</summary>
    public static Task SetAsync(DbConnection c, DbTransaction tx, PersonYear totals) =>
        c.ExecAsync(
            "INSERT INTO monitoring_person_years (person_id, year, in_policy_fen, personal_fen, updated_at) VALUES (@p, @y, @i, @b, @t) " +
            "ON CONFLICT (person_id, year) DO UPDATE SET in_policy_fen = @i, personal_fen = @b, updated_at = @t", tx,
            ("p", totals.PersonId), ("y", totals.Year), ("i", Fen(totals.InPolicyPersonalBurden)), ("b", Fen(totals.PersonalBurden)), ("t", DateTimeOffset.UtcNow));

    private static long Fen(decimal yuan) => (long)decimal.Round(yuan * 100m, 0, MidpointRounding.AwayFromZero);

    private static decimal Dec(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDecimal() : 0m;
}
