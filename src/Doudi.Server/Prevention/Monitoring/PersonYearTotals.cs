using System.Data.Common;
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
/// Only bills on or after the monitoring document's start count (fuyang from 2023-02-10, I-18). The running values are
/// kept as measure buckets of the person's running totals (<see cref="LedgerTotals"/>).
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

    /// <summary>The running totals' buckets of the two measures (Settlements/LedgerTotals: one store with the ledger).</summary>
    public const string InPolicyBucket = LedgerTotals.MeasurePrefix + "monitoring.inPolicyBurden";
    public const string PersonalBucket = LedgerTotals.MeasurePrefix + "monitoring.personalBurden";
    public const string MeasurePrefix = LedgerTotals.MeasurePrefix + "monitoring.";

    /// <summary>What one bill adds to the running totals' measure buckets.</summary>
    public static Dictionary<string, decimal> Measures(decimal inPolicy, decimal personal) =>
        new(StringComparer.Ordinal) { [InPolicyBucket] = inPolicy, [PersonalBucket] = personal };

    /// <summary>Sets the running totals to a recomputed value (re-scan, reversal, retroactive re-settlement).</summary>
    public static Task SetAsync(DbConnection c, DbTransaction tx, PersonYear totals) =>
        LedgerTotals.SetAsync(c, tx, [new LedgerTotal(totals.PersonId, totals.Year, InPolicyBucket, totals.InPolicyPersonalBurden),
            new LedgerTotal(totals.PersonId, totals.Year, PersonalBucket, totals.PersonalBurden)]);


    private static decimal Dec(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDecimal() : 0m;
}
