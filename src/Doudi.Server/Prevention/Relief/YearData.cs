using System.Data.Common;
using Doudi.Engine.Cases;
using Doudi.Engine.Results;
using Doudi.Engine.Tracing;
using Doudi.Server.Api;
using Doudi.Server.Registry;
using Doudi.Server.Settlements;
using Doudi.Server.Storage;

namespace Doudi.Server.Prevention.Relief;

/// <summary>A region's cost year as stored: every member of a household with a settled bill, their identities, and the bills with their results.</summary>
public sealed record YearData(CaseFile File, List<BillResult> Results, Dictionary<string, PersonRecord> Persons);

public static class YearDataLoader
{
    public static async Task<YearData> LoadAsync(DbConnection c, DbTransaction? tx, string region, int year)
    {
        const string households = "SELECT DISTINCT household_id FROM settlements WHERE region = @r AND year = @y AND status = @s";
        var args = new (string, object?)[] { ("r", region), ("y", year), ("s", StoredSettlement.Settled) };
        var persons = await c.ListAsync($"SELECT {RegistryStore.PersonColumns} FROM persons WHERE household_id IN ({households}) ORDER BY id", tx, RegistryStore.MapPerson, args);
        var identities = (await c.ListAsync($"SELECT * FROM identities WHERE person_id IN (SELECT id FROM persons WHERE household_id IN ({households})) ORDER BY recognized, id", tx,
            RegistryStore.MapIdentity, args)).ToLookup(i => i.PersonId);
        var rows = await c.ListAsync("SELECT bill_json, result_json, result_format FROM settlements WHERE region = @r AND year = @y AND status = @s ORDER BY date, id", tx,
            r => (Bill: StoredResults.ReadBill(r.GetString(0), r.I("result_format")), Result: StoredResults.Read(r.GetString(1), r.I("result_format"))), args);
        // Bills settled again by retroactive assistance count with their latest result (their assistance grew, their burden shrank).
        var results = rows.ToDictionary(x => x.Bill.Id, x => x.Result, StringComparer.Ordinal);
        await Retroactive.EffectiveResults.ApplyAsync(c, tx, "region = @r AND year = @y", [("r", region), ("y", year)], results);
        var file = new CaseFile(region, persons.Select(p => RegistryStore.ToEngine(p, identities[p.Id])).ToList(), rows.Select(x => x.Bill).ToList());
        return new YearData(file, rows.Select(x => results[x.Bill.Id]).ToList(), persons.ToDictionary(p => p.Id, StringComparer.Ordinal));
    }

    /// <summary>A trace step as one line a person can read: rule, arithmetic, interpretation.</summary>
    public static string Line(TraceStep t) => $"{t.Step} {t.Amount:0.00}：{t.Detail}（{t.Rule}{(t.Interpretation is null ? "" : "；" + t.Interpretation)}）";
}
