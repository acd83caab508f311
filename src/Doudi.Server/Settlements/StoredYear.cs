using System.Data.Common;
using Doudi.Engine.Cases;
using Doudi.Engine.Results;
using Doudi.Server.Registry;
using Doudi.Server.Storage;

namespace Doudi.Server.Settlements;

/// <summary>
/// A part of a region's stored cost year: the persons of some households (every member, with their identities, in id
/// order), their non-reversed bills of the year (by date, then id) and each bill's effective result.
/// </summary>
public sealed record YearData(CaseFile File, List<BillResult> Results, Dictionary<string, PersonRecord> Persons);

/// <summary>What a reader of a stored year needs of each bill.</summary>
public enum StoredYearRead
{
    /// <summary>What the year-end rules read (<see cref="YearFacts"/>): results without their bill's trace. The year-end run and relief.</summary>
    Facts,
    /// <summary>The whole stored bill and result with its trace (re-settling bills: reform simulation; the reference the facts are tested against).</summary>
    Full,
}

/// <summary>
/// The one loader of a region's stored cost year (issue 9 item 2): year-end runs, relief runs and reform simulation read
/// it here. A year is read household by household (chunks of households ordered by id, each with all its current
/// members and all their bills of the year), so a city's year never sits in memory whole: the annual rules are per
/// person-year and per household-year, so settling the chunks one by one gives what settling the year at once gives.
/// </summary>
/// <remarks>
/// <para>Effective results: a bill settled again by retroactive assistance (a late identity, I-1) counts with its latest
/// result, kept in <c>supplementary_payments</c> — what was actually paid on it (the first payment plus the
/// supplementary one). Its first result would count the assistance the supplementary payment has since paid as a
/// burden still borne (the year-end rules would pay it a second time) and would leave the bill out of the year-end rules
/// as "no identity" though it is now settled under one.</para>
/// <para>A bill belongs to its person's current household (the household rules look at the current members, I-25).</para>
/// </remarks>
public static class StoredYear
{
    public const int DefaultHouseholdsPerChunk = 1_000;

    /// <summary>The whole year at once (a county's year; a city's is read with <see cref="ChunksAsync"/>).</summary>
    public static async Task<YearData> LoadAsync(DbConnection c, DbTransaction? tx, string region, int year, StoredYearRead read)
    {
        YearData? all = null;
        await foreach (var chunk in ChunksAsync(c, tx, region, year, read, int.MaxValue)) all = chunk;
        return all ?? new YearData(new CaseFile(region, [], []), [], new(StringComparer.Ordinal));
    }

    /// <summary>
    /// The year in chunks of <paramref name="householdsPerChunk"/> households (ordered by household id). With
    /// <see cref="StoredYearRead.Facts"/> the caller's transaction must be a write transaction: bills stored without
    /// year facts (rows written before migration 0880 or by a path that does not write them) get them first.
    /// </summary>
    public static async IAsyncEnumerable<YearData> ChunksAsync(DbConnection c, DbTransaction? tx, string region, int year, StoredYearRead read,
        int householdsPerChunk = DefaultHouseholdsPerChunk)
    {
        await foreach (var chunk in ReadChunksAsync(c, tx, region, year, read, householdsPerChunk)) yield return chunk.Build();
    }

    /// <summary>
    /// The chunks as read from the database, their rows not yet parsed (<see cref="StoredYearChunk.Build"/>): a pipelined
    /// reader parses and settles a chunk on another thread while the connection reads the next one.
    /// </summary>
    /// <remarks>
    /// Every query is an index look-up over the chunk's own rows (a page of the households' primary key, the persons by
    /// household, their facts and identities by person), so a year costs one pass whatever the number of chunks. (Joining
    /// the facts to a household range let PostgreSQL scan every fact of the year once per chunk: quadratic at a city's size.)
    /// </remarks>
    public static async IAsyncEnumerable<StoredYearChunk> ReadChunksAsync(DbConnection c, DbTransaction? tx, string region, int year, StoredYearRead read,
        int householdsPerChunk = DefaultHouseholdsPerChunk)
    {
        (string, object?)[] ry = [("r", region), ("y", year)];
        var dialect = c is Npgsql.NpgsqlConnection ? Dialect.Postgres : Dialect.Sqlite;
        if (read == StoredYearRead.Facts) await CompleteFactsAsync(c, tx, region, year);
        // Reversed bills (few) through their partial index; the settled ones are never read just to be left out.
        var reversed = (await c.ListAsync($"SELECT id FROM settlements WHERE region = @r AND year = @y AND status <> '{StoredSettlement.Settled}'", tx,
            r => r.GetString(0), ry)).ToHashSet(StringComparer.Ordinal);
        // Effective results: the latest re-settlement of each bill (see the remarks).
        var effective = new Dictionary<string, (string Json, int Format)>(StringComparer.Ordinal);
        foreach (var (bill, json, format) in await c.ListAsync("SELECT bill_id, result_json, result_format FROM supplementary_payments WHERE region = @r AND year = @y ORDER BY created_at, id", tx,
                     r => (r.S("bill_id"), r.S("result_json"), r.I("result_format")), ry))
            effective[bill] = (json, format);

        // Households page by page in the database's own order (its collation, not ordinal): a page is then exactly the range
        // its first and last household bound in the persons' range query.
        for (string after = ""; ;)
        {
            var households = await c.ListAsync("SELECT id FROM households WHERE id > @after ORDER BY id LIMIT @k", tx, r => r.GetString(0),
                ("after", after), ("k", (long)householdsPerChunk));
            if (households.Count == 0) yield break;
            after = households[^1];
            var chunk = await ReadChunkAsync(c, tx, dialect, region, year, read, households[0], households[^1], reversed, effective);
            if (chunk is not null) yield return chunk;
        }
    }

    private static async Task<StoredYearChunk?> ReadChunkAsync(DbConnection c, DbTransaction? tx, Dialect dialect, string region, int year, StoredYearRead read,
        string first, string last, HashSet<string> reversed, Dictionary<string, (string Json, int Format)> effective)
    {
        var persons = await c.ListAsync($"SELECT {RegistryStore.PersonColumns} FROM persons WHERE household_id >= @a AND household_id <= @b", tx, RegistryStore.MapPerson,
            ("a", first), ("b", last));
        if (persons.Count == 0) return null;
        (string, object?)[] args = [("r", region), ("y", year), ("ids", Sql.ListParam(dialect, persons.Select(p => p.Id)))];
        var rows = read == StoredYearRead.Facts
            ? await c.ListAsync($"SELECT settlement_id, person_id, facts FROM settlement_year_facts WHERE {Sql.In(dialect, "person_id", "@ids")} AND year = @y AND region = @r", tx,
                r => new StoredYearRow(r.GetString(0), r.GetString(1), r.GetString(2), null, 0), args)
            : await c.ListAsync($"SELECT id, person_id, result_json, bill_json, result_format FROM settlements WHERE {Sql.In(dialect, "person_id", "@ids")} AND year = @y AND region = @r", tx,
                r => new StoredYearRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4)), args);
        if (rows.Count == 0) return null;
        // The households of the page that have a bill of the year (settled or reversed), with all their current members.
        var byPerson = persons.ToDictionary(p => p.Id, p => p.Household, StringComparer.Ordinal);
        var withBills = rows.Select(r => byPerson[r.Person]).ToHashSet(StringComparer.Ordinal);
        persons.RemoveAll(p => !withBills.Contains(p.Household));
        persons.Sort((x, y) => string.CompareOrdinal(x.Id, y.Id));
        var identities = await c.ListAsync($"SELECT * FROM identities WHERE {Sql.In(dialect, "person_id", "@ids")}", tx, RegistryStore.MapIdentity,
            ("ids", Sql.ListParam(dialect, persons.Select(p => p.Id))));
        return new StoredYearChunk(region, read, persons, identities, rows, reversed, effective);
    }

    /// <summary>
    /// Lists in <c>year_facts_pending</c> (again, completed_at back to null) every region-year of the scope (a region or
    /// all, a year or all) with a stored bill that has no year facts — storage repaired by hand, a bill's facts deleted —
    /// so that the next year-end run completes them (<see cref="CompleteFactsAsync"/>); the same statement as migration
    /// 1050's, scoped. Returns the region-years listed, in order. Run by the ledger rebuild, the command an office runs
    /// after repairing storage, so nobody has to remember the statement.
    /// </summary>
    public static async Task<List<RegionYear>> ListMissingFactsAsync(DbConnection c, DbTransaction? tx, string? region, int? year)
    {
        var scope = (region is null ? "" : " AND s.region = @r") + (year is null ? "" : " AND s.year = @y");
        var args = new List<(string, object?)>(2);
        if (region is not null) args.Add(("r", region));
        if (year is not null) args.Add(("y", year));
        var missing = await c.ListAsync("SELECT DISTINCT s.region, s.year FROM settlements s WHERE NOT EXISTS " +
            $"(SELECT 1 FROM settlement_year_facts f WHERE f.settlement_id = s.id){scope} ORDER BY s.region, s.year", tx,
            r => new RegionYear(r.S("region"), r.I("year")), [.. args]);
        foreach (var ry in missing)
            await c.ExecAsync("INSERT INTO year_facts_pending (region, year) VALUES (@r, @y) ON CONFLICT (region, year) DO UPDATE SET completed_at = NULL",
                tx, ("r", ry.Region), ("y", ry.Year));
        return missing;
    }

    /// <summary>
    /// Gives every stored bill of the region's year its year facts. Every writer of settlements writes them in its own
    /// statement since migration 0880, so only the region-years migration 1050 listed in <c>year_facts_pending</c> (bills
    /// stored before 0880) have any to complete: for every other year this is one primary-key look-up, not a count of the
    /// year's settlements (millions of rows not yet vacuumed right after a city's import).
    /// </summary>
    private static async Task CompleteFactsAsync(DbConnection c, DbTransaction? tx, string region, int year)
    {
        (string, object?)[] ry = [("r", region), ("y", year)];
        if (await c.ScalarAsync("SELECT 1 FROM year_facts_pending WHERE region = @r AND year = @y AND completed_at IS NULL", tx, ry) is null or DBNull) return;
        if (tx is null) throw new InvalidOperationException("year facts are missing and can only be added in a write transaction");
        // A thousand rows at a time (by id), so a year stored before 0880 is completed without holding its JSON in memory.
        for (string after = ""; ;)
        {
            var missing = await c.ListAsync("SELECT id, person_id, bill_json, result_json, result_format FROM settlements s WHERE region = @r AND year = @y AND id > @after " +
                "AND NOT EXISTS (SELECT 1 FROM settlement_year_facts f WHERE f.settlement_id = s.id) ORDER BY id LIMIT 1000", tx,
                r => (Id: r.S("id"), Person: r.S("person_id"), Bill: r.S("bill_json"), Result: r.S("result_json"), Format: r.I("result_format")),
                [.. ry, ("after", after)]);
            if (missing.Count == 0)
            {
                // Completed in the run's transaction: rolled back with it if the run fails.
                await c.ExecAsync("UPDATE year_facts_pending SET completed_at = @at WHERE region = @r AND year = @y", tx, [.. ry, ("at", DateTimeOffset.UtcNow)]);
                return;
            }
            foreach (var m in missing)
                await c.ExecAsync(YearFacts.InsertSql, tx, ("id", m.Id), ("p", m.Person), ("r", region), ("y", year),
                    ("yf_facts", YearFacts.Write(StoredResults.ReadBill(m.Bill, m.Format), StoredResults.Read(m.Result, m.Format))));
            after = missing[^1].Id;
        }
    }
}

/// <summary>A region's year.</summary>
public sealed record RegionYear(string Region, int Year);

/// <summary>A stored bill as read: its facts line (or its result and bill JSON when read whole) not yet parsed.</summary>
public sealed record StoredYearRow(string Id, string Person, string Text, string? Bill, int Format);

/// <summary>A chunk of a stored year as read (<see cref="StoredYear.ReadChunksAsync"/>); <see cref="Build"/> parses and orders it.</summary>
public sealed record StoredYearChunk(string Region, StoredYearRead Read, List<PersonRecord> Persons, List<IdentityRecord> Identities, List<StoredYearRow> Rows,
    HashSet<string> Reversed, Dictionary<string, (string Json, int Format)> Effective)
{
    /// <summary>The chunk's persons (in id order) with their identities, their non-reversed bills by date then id, and each bill's effective result.</summary>
    public YearData Build()
    {
        var identities = Identities.OrderBy(i => i.Recognized).ThenBy(i => i.Id).ToLookup(i => i.PersonId, StringComparer.Ordinal);
        var members = Persons.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        var bills = new List<(Bill Bill, BillResult Result)>(Rows.Count);
        foreach (var row in Rows)
        {
            if (Reversed.Contains(row.Id) || !members.Contains(row.Person)) continue;
            var (bill, result) = Read == StoredYearRead.Facts
                ? YearFacts.Read(row.Id, row.Person, row.Text)
                : (StoredResults.ReadBill(row.Bill!, row.Format), StoredResults.Read(row.Text, row.Format));
            if (Effective.TryGetValue(row.Id, out var latest)) result = StoredResults.Read(latest.Json, latest.Format);
            bills.Add((Read == StoredYearRead.Facts ? bill : bill with { Person = row.Person }, result));
        }
        bills.Sort((x, y) => x.Bill.Date != y.Bill.Date ? x.Bill.Date.CompareTo(y.Bill.Date) : string.CompareOrdinal(x.Bill.Id, y.Bill.Id));
        var file = new CaseFile(Region, Persons.Select(p => RegistryStore.ToEngine(p, identities[p.Id])).ToList(), bills.Select(b => b.Bill).ToList());
        return new YearData(file, bills.Select(b => b.Result).ToList(), Persons.ToDictionary(p => p.Id, StringComparer.Ordinal));
    }
}
