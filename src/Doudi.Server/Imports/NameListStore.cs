using System.Data.Common;
using Doudi.Policy.Vocabulary;
using Doudi.Server.Registry;
using Doudi.Server.Storage;

namespace Doudi.Server.Imports;

/// <summary>
/// The SQL of a name-list import, inside its one transaction: the listed ID numbers go into a staging table (PostgreSQL:
/// binary COPY), and every read and write after that is one set-based statement over it, so the cost of a list grows with
/// its length and not with the roster times the list. Staging tables and bulk writes are <see cref="BulkRows"/>.
/// </summary>
public sealed class NameListStore(DbConnection c, DbTransaction tx, Dialect dialect)
{
    private const string Keys = "nl_keys";
    private static readonly BulkColumn[] KeyColumns = [new("ord", BulkType.Int), new("id_number", BulkType.Text)];
    private static readonly BulkColumn[] HouseholdColumns = [new("id", BulkType.Text), new("region", BulkType.Text), new("township", BulkType.Text)];
    private static readonly BulkColumn[] PersonColumns =
    [
        new("id", BulkType.Text), new("id_number", BulkType.Text), new("psn_no", BulkType.Text), new("name", BulkType.Text), new("household_id", BulkType.Text),
        new("insurance", BulkType.Text), new("region", BulkType.Text), new("township", BulkType.Text), new("created_at", BulkType.Timestamp), new("updated_at", BulkType.Timestamp),
    ];
    private static readonly BulkColumn[] UpdateColumns =
        [new("id", BulkType.Text), new("psn_no", BulkType.Text), new("household_id", BulkType.Text), new("insurance", BulkType.Text), new("township", BulkType.Text)];
    private static readonly BulkColumn[] EndColumns = [new("id", BulkType.Long), new("revoked", BulkType.Date)];
    private static readonly BulkColumn[] IdentityColumns =
    [
        new("person_id", BulkType.Text), new("category", BulkType.Text), new("department", BulkType.Text), new("recognized", BulkType.Date),
        new("for_medical_spending", BulkType.Bool), new("source_batch", BulkType.Text), new("created_at", BulkType.Timestamp), new("created_by", BulkType.Text),
    ];
    private readonly List<string> _staged = [];

    /// <summary>
    /// A statement of the import without the 30 s command timeout: over a city's list (a million rows) one set-based
    /// statement legitimately runs longer, and the import is one transaction that must not be cut off halfway.
    /// </summary>
    public async Task<int> ExecAsync(string sql, params (string, object?)[] args)
    {
        await using var cmd = c.Command(sql, tx, args);
        cmd.CommandTimeout = 0;
        return await cmd.ExecuteNonQueryAsync();
    }

    private async Task<List<T>> ListAsync<T>(string sql, Func<DbDataReader, T> map, params (string, object?)[] args)
    {
        await using var cmd = c.Command(sql, tx, args);
        cmd.CommandTimeout = 0;
        await using var r = await cmd.ExecuteReaderAsync();
        var list = new List<T>();
        while (await r.ReadAsync()) list.Add(map(r));
        return list;
    }

    private async Task StageAsync(string table, BulkColumn[] columns, IEnumerable<object?[]> rows, string? index, CancellationToken ct)
    {
        await BulkRows.CreateStagingAsync(c, tx, dialect, table, columns);
        _staged.Add(table);
        await BulkRows.WriteAsync(c, tx, table, columns, rows, ct);
        if (index is not null) await BulkRows.IndexAsync(c, tx, dialect, table, index);
    }

    /// <summary>The list's ID numbers, by row position.</summary>
    public Task StageKeysAsync(IReadOnlyList<NameListRow> rows, CancellationToken ct) =>
        StageAsync(Keys, KeyColumns, rows.Select((r, i) => new object?[] { i, r.IdNumber }), "id_number", ct);

    /// <summary>Everyone listed who is registered anywhere, with all their identities (oldest first), by row position.</summary>
    public async Task<(PersonRecord?[] Persons, List<IdentityRecord>?[] Identities)> ListedAsync(int count, CancellationToken ct)
    {
        var persons = new PersonRecord?[count];
        var identities = new List<IdentityRecord>?[count];
        await using var cmd = c.Command(
            $"SELECT k.ord, {string.Join(", ", RegistryStore.PersonColumns.Split(", ").Select(x => "p." + x))}, i.id AS identity_id, i.category, i.department, " +
            $"i.recognized, i.revoked, i.for_medical_spending, i.source_batch, i.ended_batch FROM {Keys} k JOIN persons p ON p.id_number = k.id_number " +
            "LEFT JOIN identities i ON i.person_id = p.id ORDER BY k.ord, i.recognized, i.id", tx);
        cmd.CommandTimeout = 0;
        await using var r = await cmd.ExecuteReaderAsync(ct);
        int ordinal = r.GetOrdinal("ord"), identity = r.GetOrdinal("identity_id");
        while (await r.ReadAsync(ct))
        {
            var ord = r.GetInt32(ordinal);
            var person = persons[ord] ??= RegistryStore.MapPerson(r);
            if (r.IsDBNull(identity)) continue;
            Codes.TryParse<Category>(r.S("category"), out var cat);
            (identities[ord] ??= []).Add(new(r.L("identity_id"), person.Id, cat, r.S("department"), r.D("recognized"), r.DN("revoked"),
                r.B("for_medical_spending"), r.Str("source_batch"), r.Str("ended_batch")));
        }
        return (persons, identities);
    }

    /// <summary>
    /// The department's open identities in the region held by persons the list leaves out, and the size of that roster
    /// before this list (counted in the same scan; 0 when nobody is left out, as then nothing is ended).
    /// </summary>
    public async Task<(long Roster, List<(IdentityRecord Identity, string IdNumber, string Name)> Absent)> AbsentAsync(string department, string region, CancellationToken ct)
    {
        long roster = 0;
        var absent = await ListAsync(
            "SELECT * FROM (SELECT i.*, p.id_number AS person_id_number, p.name AS person_name, COUNT(*) OVER () AS roster, " +
            $"CASE WHEN EXISTS (SELECT 1 FROM {Keys} k WHERE k.id_number = p.id_number) THEN 0 ELSE 1 END AS absent " +
            "FROM identities i JOIN persons p ON p.id = i.person_id WHERE p.region = @r AND i.department = @d AND i.revoked IS NULL) x " +
            "WHERE absent = 1 ORDER BY recognized, id",
            x => { roster = x.L("roster"); return (RegistryStore.MapIdentity(x), x.S("person_id_number"), x.S("person_name")); }, ("r", region), ("d", department));
        return (roster, absent);
    }

    /// <summary>
    /// Households the list names (they may exist: added unless present, first row's township winning, as one insert per
    /// row did) and the ones made for new persons without one (new ids: written straight in).
    /// </summary>
    public async Task InsertHouseholdsAsync(IEnumerable<(string Id, string Region, string? Township)> named, IEnumerable<(string Id, string Region, string? Township)> made,
        DateTimeOffset now, CancellationToken ct)
    {
        await StageAsync("nl_households", HouseholdColumns, named.Select(h => new object?[] { h.Id, h.Region, h.Township }), null, ct);
        await ExecAsync("INSERT INTO households (id, region, township, created_at) SELECT id, region, township, @at FROM nl_households WHERE true ON CONFLICT (id) DO NOTHING",
            ("at", now));
        await BulkRows.WriteAsync(c, tx, "households", [.. HouseholdColumns, new("created_at", BulkType.Timestamp)],
            made.Select(h => new object?[] { h.Id, h.Region, h.Township, now }), ct);
    }

    public Task InsertPersonsAsync(IEnumerable<PersonRecord> persons, DateTimeOffset now, CancellationToken ct) =>
        BulkRows.WriteAsync(c, tx, "persons", PersonColumns, persons.Select(p => new object?[]
            { p.Id, p.IdNumber, p.PsnNo, p.Name, p.Household, Codes.ToCode(p.Insurance), p.Region, p.Township, now, now }), ct);

    public async Task UpdatePersonsAsync(IEnumerable<PersonRecord> persons, DateTimeOffset now, CancellationToken ct)
    {
        await StageAsync("nl_person_updates", UpdateColumns, persons.Select(p => new object?[] { p.Id, p.PsnNo, p.Household, Codes.ToCode(p.Insurance), p.Township }), null, ct);
        await ExecAsync("UPDATE persons SET psn_no = u.psn_no, household_id = u.household_id, insurance = u.insurance, township = u.township, updated_at = @now " +
            "FROM nl_person_updates u WHERE persons.id = u.id", ("now", now));
    }

    /// <summary>Ends identities (sets their revocation date once; the database refuses any other change to them).</summary>
    public async Task EndIdentitiesAsync(IEnumerable<(long Id, DateOnly Revoked)> ends, string batch, CancellationToken ct)
    {
        await StageAsync("nl_ends", EndColumns, ends.Select(e => new object?[] { e.Id, e.Revoked }), null, ct);
        await ExecAsync("UPDATE identities SET revoked = e.revoked, ended_batch = @b FROM nl_ends e WHERE identities.id = e.id AND identities.revoked IS NULL",
            ("b", batch));
    }

    public Task InsertIdentitiesAsync(IEnumerable<(string PersonId, Category Category, DateOnly Recognized, bool ForMedicalSpending)> identities,
        string department, string batch, DateTimeOffset now, string by, CancellationToken ct) =>
        BulkRows.WriteAsync(c, tx, "identities", IdentityColumns, identities.Select(i => new object?[]
            { i.PersonId, Codes.ToCode(i.Category), department, i.Recognized, i.ForMedicalSpending, batch, now, by }), ct);

    /// <summary>
    /// The identities this batch added to persons who already have settlements: only they can change a settled bill, so
    /// only they go to the identity-added hooks (retroactive assistance, I-15), in the order they were added.
    /// </summary>
    public Task<List<(long Identity, string Person)>> AddedToSettledPersonsAsync(string batch) =>
        ListAsync($"SELECT i.id, i.person_id FROM {Keys} k JOIN persons p ON p.id_number = k.id_number JOIN identities i ON i.person_id = p.id AND i.source_batch = @b " +
            "WHERE EXISTS (SELECT 1 FROM settlements s WHERE s.person_id = p.id) ORDER BY i.id", x => (x.L("id"), x.S("person_id")), ("b", batch));

    /// <summary>Drops this import's staging tables (SQLite keeps them on the pooled connection otherwise).</summary>
    public async Task DropStagingAsync()
    {
        foreach (var t in _staged) await BulkRows.DropAsync(c, tx, dialect, t);
        _staged.Clear();
    }
}
