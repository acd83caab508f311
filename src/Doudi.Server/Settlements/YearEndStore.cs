using System.Data.Common;
using Doudi.Engine.Results;
using Doudi.Server.Api;
using Doudi.Server.Storage;

namespace Doudi.Server.Settlements;

/// <summary>A chunk of a year-end run's results as the rows of <c>year_end_persons</c> and <c>year_end_households</c>.</summary>
public sealed record YearEndRows(List<object?[]> Persons, List<object?[]> Households);

/// <summary>A year-end run without its results (they are rows: <see cref="YearEndStore"/>).</summary>
public sealed record YearEndRunHeader(string Id, string Region, int Year, DateTimeOffset CreatedAt, string CreatedBy, int Persons, int Households, int Bills)
{
    /// <summary>Runs stored before migration 0880 hold their results in one JSON column each.</summary>
    internal bool Inline { get; init; }
}

/// <summary>
/// The SQL of year-end runs. Since migration 0880 a run's person-years and household-years are rows of
/// <c>year_end_persons</c> / <c>year_end_households</c> (each result as the JSON the API has always answered), written
/// chunk by chunk as the run goes (COPY on PostgreSQL), read by page or by id; older runs keep their two JSON columns
/// and are read through the same methods.
/// </summary>
public static class YearEndStore
{
    private const string Header = "id, region, year, created_at, created_by, person_count, household_count, bill_count";

    public static async Task<YearEndRunHeader> BeginAsync(DbConnection c, DbTransaction tx, string region, int year, string createdBy)
    {
        var run = new YearEndRunHeader("YE" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6)), region, year,
            DateTimeOffset.UtcNow, createdBy, 0, 0, 0);
        await c.ExecAsync("INSERT INTO year_end_runs (id, region, year, persons_json, households_json, created_at, created_by, person_count, household_count, bill_count) " +
            "VALUES (@id, @r, @y, '[]', '[]', @at, @by, 0, 0, 0)", tx, ("id", run.Id), ("r", region), ("y", year), ("at", run.CreatedAt), ("by", createdBy));
        return run;
    }

    /// <summary>A chunk's results as rows to store (<paramref name="householdOf"/>: each person's household), serialised once here.</summary>
    public static YearEndRows Rows(string runId, IReadOnlyList<PersonYearResult> persons, IReadOnlyList<HouseholdYearResult> households, Func<string, string> householdOf) =>
        new(persons.Select(p => new object?[] { runId, p.Id, p.Year, householdOf(p.Id), p.SpecialAssistance, p.CapRelief, Json.SerializeToUtf8(p) }).ToList(),
            households.Select(h => new object?[] { runId, h.Id, h.Year, h.CapRelief, Json.SerializeToUtf8(h) }).ToList());

    /// <summary>Adds a chunk's rows (<see cref="Rows"/>).</summary>
    public static async Task AddAsync(DbConnection c, DbTransaction tx, YearEndRows rows, CancellationToken ct = default)
    {
        await BulkRows.WriteAsync(c, tx, "year_end_persons", PersonColumns, rows.Persons, ct);
        await BulkRows.WriteAsync(c, tx, "year_end_households", HouseholdColumns, rows.Households, ct);
    }

    private static readonly BulkColumn[] PersonColumns =
    [
        new("run_id", BulkType.Text), new("person_id", BulkType.Text), new("year", BulkType.Int), new("household_id", BulkType.Text),
        new("special_assistance", BulkType.Decimal), new("cap_relief", BulkType.Decimal), new("result_json", BulkType.Utf8Text),
    ];
    private static readonly BulkColumn[] HouseholdColumns =
    [
        new("run_id", BulkType.Text), new("household_id", BulkType.Text), new("year", BulkType.Int), new("cap_relief", BulkType.Decimal), new("result_json", BulkType.Utf8Text),
    ];

    public static Task FinishAsync(DbConnection c, DbTransaction tx, YearEndRunHeader run) =>
        c.ExecAsync("UPDATE year_end_runs SET person_count = @p, household_count = @h, bill_count = @b WHERE id = @id", tx,
            ("p", run.Persons), ("h", run.Households), ("b", run.Bills), ("id", run.Id));

    public static Task<YearEndRunHeader?> LatestAsync(DbConnection c, string region, int year, DbTransaction? tx = null) =>
        c.FirstAsync($"SELECT {Header} FROM year_end_runs WHERE region = @r AND year = @y ORDER BY created_at DESC, id DESC LIMIT 1", tx, Map, ("r", region), ("y", year));

    public static async Task<YearEndRunHeader?> FindAsync(DbConnection c, string id, DbTransaction? tx = null)
    {
        var run = await c.FirstAsync($"SELECT {Header} FROM year_end_runs WHERE id = @id", tx, Map, ("id", id));
        if (run is not { Inline: true }) return run;
        // An older run: its counts from its JSON columns.
        var (persons, households) = await InlineAsync(c, tx, id);
        return run with { Persons = persons.Count, Households = households.Count };
    }

    /// <summary>A page of the run's person-years (by person id) and household-years (by household id), each as its stored JSON.</summary>
    public static async Task<(List<string> Persons, List<string> Households)> PageAsync(DbConnection c, YearEndRunHeader run, Paging paging, DbTransaction? tx = null)
    {
        if (run.Inline)
        {
            var (p, h) = await InlineAsync(c, tx, run.Id);
            return (p.OrderBy(x => x.Id, StringComparer.Ordinal).Skip((int)paging.Offset).Take(paging.PageSize).Select(x => Json.Serialize(x)).ToList(),
                h.OrderBy(x => x.Id, StringComparer.Ordinal).Skip((int)paging.Offset).Take(paging.PageSize).Select(x => Json.Serialize(x)).ToList());
        }
        (string, object?)[] args = [("id", run.Id), ("lim", paging.PageSize), ("off", paging.Offset)];
        var persons = await c.ListAsync("SELECT result_json FROM year_end_persons WHERE run_id = @id ORDER BY person_id, year LIMIT @lim OFFSET @off", tx, r => r.GetString(0), args);
        var households = await c.ListAsync("SELECT result_json FROM year_end_households WHERE run_id = @id ORDER BY household_id, year LIMIT @lim OFFSET @off", tx, r => r.GetString(0), args);
        return (persons, households);
    }

    /// <summary>Every person-year (by person id), then every household-year, streamed to <paramref name="write"/> as stored JSON.</summary>
    public static async Task AllAsync(DbConnection c, YearEndRunHeader run, Func<bool, string, Task> write)
    {
        if (run.Inline)
        {
            var (p, h) = await InlineAsync(c, null, run.Id);
            foreach (var x in p) await write(true, Json.Serialize(x));
            foreach (var x in h) await write(false, Json.Serialize(x));
            return;
        }
        foreach (var (table, key, isPerson) in new[] { ("year_end_persons", "person_id", true), ("year_end_households", "household_id", false) })
        {
            await using var cmd = c.Command($"SELECT result_json FROM {table} WHERE run_id = @id ORDER BY {key}, year", null, ("id", run.Id));
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) await write(isPerson, r.GetString(0));
        }
    }

    /// <summary>A person's year in the run, or null.</summary>
    public static async Task<PersonYearResult?> PersonAsync(DbConnection c, YearEndRunHeader run, string personId, DbTransaction? tx = null)
    {
        if (run.Inline) return (await InlineAsync(c, tx, run.Id)).Persons.FirstOrDefault(p => p.Id == personId);
        var json = await c.ScalarAsync("SELECT result_json FROM year_end_persons WHERE run_id = @id AND person_id = @p AND year = @y", tx,
            ("id", run.Id), ("p", personId), ("y", run.Year)) as string;
        return json is null ? null : Json.Deserialize<PersonYearResult>(json);
    }

    /// <summary>A household's year in the run, or null.</summary>
    public static async Task<HouseholdYearResult?> HouseholdAsync(DbConnection c, YearEndRunHeader run, string householdId, DbTransaction? tx = null)
    {
        if (run.Inline) return (await InlineAsync(c, tx, run.Id)).Households.FirstOrDefault(h => h.Id == householdId);
        var json = await c.ScalarAsync("SELECT result_json FROM year_end_households WHERE run_id = @id AND household_id = @h AND year = @y", tx,
            ("id", run.Id), ("h", householdId), ("y", run.Year)) as string;
        return json is null ? null : Json.Deserialize<HouseholdYearResult>(json);
    }

    private static async Task<(List<PersonYearResult> Persons, List<HouseholdYearResult> Households)> InlineAsync(DbConnection c, DbTransaction? tx, string id) =>
        (await c.FirstAsync("SELECT persons_json, households_json FROM year_end_runs WHERE id = @id", tx,
            r => Tuple.Create(Json.Deserialize<List<PersonYearResult>>(r.S("persons_json")), Json.Deserialize<List<HouseholdYearResult>>(r.S("households_json"))), ("id", id)))
        is { } t ? (t.Item1, t.Item2) : ([], []);

    private static YearEndRunHeader Map(DbDataReader r)
    {
        bool inline = r.IsDBNull(r.GetOrdinal("person_count"));
        return new(r.S("id"), r.S("region"), r.I("year"), r.T("created_at"), r.S("created_by"),
            inline ? 0 : r.I("person_count"), inline ? 0 : r.I("household_count"), inline ? 0 : r.I("bill_count")) { Inline = inline };
    }
}
