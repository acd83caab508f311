using Doudi.Engine.Cases;
using Doudi.Engine.Results;
using Doudi.Engine.Settlement;
using Doudi.Server.Api;
using Doudi.Server.Audit;
using Doudi.Server.Registry;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Settlements;

public sealed record YearEndRun(string Id, string Region, int Year, DateTimeOffset CreatedAt, string CreatedBy,
    List<PersonYearResult> Persons, List<HouseholdYearResult> Households);

/// <summary>
/// The engine's annual rules (fuyang special assistance and cap, wenzhou-2022 resolution, jiande household lines)
/// over the stored, non-reversed settlements of a region's cost year. Each run is stored whole and audited; a later
/// run does not overwrite an earlier one.
/// </summary>
public sealed class YearEnd(Database db, ISettlementCalculator calculator)
{
    public async Task<YearEndRun> RunAsync(string region, int year, Actor actor, CancellationToken ct)
    {
        // One run of a region's year at a time across nodes: a second one started meanwhile is told (409), not queued. The
        // lock is held by a transaction of its own for the whole run (PostgreSQL; SQLite is one node and needs none).
        await using var held = await RunLocks.HoldAsync(db, $"year-end:{region}:{year}", ct)
            ?? throw ApiProblemException.Conflict(new($"{region} {year} 年度结算正在另一节点运行，请稍后查看结果", $"a year-end run of {region} {year} is in progress on another node; look for its result shortly"));
        var (file, results) = await db.ReadAsync(c => LoadAsync(c, region, year), ct);

        (List<PersonYearResult> Persons, List<HouseholdYearResult> Households) years;
        try { years = calculator.SettleYears(file, results); }
        catch (SettlementException e)
        {
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, new("年度结算无法完成", "The year-end run cannot be completed"),
                e.Problems.Select(p => new FieldProblem(p.Path, new(p.Message, p.Message))).ToList());
        }
        var run = new YearEndRun("YE" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6)), region, year, DateTimeOffset.UtcNow, actor.Name,
            years.Persons, years.Households);
        await db.WriteAsync(async (c, tx) =>
        {
            await c.ExecAsync("INSERT INTO year_end_runs (id, region, year, persons_json, households_json, created_at, created_by) VALUES (@id, @r, @y, @p, @h, @at, @by)", tx,
                ("id", run.Id), ("r", region), ("y", year), ("p", Json.Serialize(run.Persons)), ("h", Json.Serialize(run.Households)), ("at", run.CreatedAt), ("by", actor.Name));
            await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "run", "year_end", run.Id, null,
                new { region, year, persons = run.Persons.Count, households = run.Households.Count, bills = results.Count });
            return 0;
        }, ct);
        return run;
    }

    /// <summary>
    /// A region's cost year as stored: the case (the persons of every household with a settled bill in the year, all
    /// members, with their identities; the non-reversed bills by date and id) and each bill's stored result.
    /// </summary>
    public static async Task<(CaseFile File, List<BillResult> Results)> LoadAsync(System.Data.Common.DbConnection c, string region, int year)
    {
        // Households with a settled bill in the year, with all their members (jiande's line looks at every member's identities).
        const string households = "SELECT DISTINCT household_id FROM settlements WHERE region = @r AND year = @y AND status = @s";
        var persons = await c.ListAsync($"SELECT {RegistryStore.PersonColumns} FROM persons WHERE household_id IN ({households}) ORDER BY id", null,
            RegistryStore.MapPerson, ("r", region), ("y", year), ("s", StoredSettlement.Settled));
        var identities = (await c.ListAsync($"SELECT * FROM identities WHERE person_id IN (SELECT id FROM persons WHERE household_id IN ({households})) ORDER BY recognized, id", null,
            RegistryStore.MapIdentity, ("r", region), ("y", year), ("s", StoredSettlement.Settled))).ToLookup(i => i.PersonId);
        var rows = await c.ListAsync("SELECT bill_json, result_json, result_format FROM settlements WHERE region = @r AND year = @y AND status = @s ORDER BY date, id", null,
            r => (Bill: StoredResults.ReadBill(r.GetString(0), r.I("result_format")), Result: StoredResults.Read(r.GetString(1), r.I("result_format"))),
            ("r", region), ("y", year), ("s", StoredSettlement.Settled));
        var file = new CaseFile(region, persons.Select(p => RegistryStore.ToEngine(p, identities[p.Id])).ToList(), rows.Select(x => x.Bill).ToList());
        return (file, rows.Select(x => x.Result).ToList());
    }

    public static Task<YearEndRun?> LatestAsync(System.Data.Common.DbConnection c, string region, int year) =>
        c.FirstAsync("SELECT * FROM year_end_runs WHERE region = @r AND year = @y ORDER BY created_at DESC, id DESC LIMIT 1", null, Map, ("r", region), ("y", year));

    public static Task<YearEndRun?> FindAsync(System.Data.Common.DbConnection c, string id) =>
        c.FirstAsync("SELECT * FROM year_end_runs WHERE id = @id", null, Map, ("id", id));

    private static YearEndRun Map(System.Data.Common.DbDataReader r) => new(r.S("id"), r.S("region"), r.I("year"), r.T("created_at"), r.S("created_by"),
        Json.Deserialize<List<PersonYearResult>>(r.S("persons_json")), Json.Deserialize<List<HouseholdYearResult>>(r.S("households_json")));
}
