using System.Data.Common;
using Doudi.Server.Registry;
using Doudi.Server.Settlements;

namespace Doudi.Server.Storage;

/// <summary>What a chunk of bills reads before it is settled, in one round trip per table.</summary>
public sealed record ChunkState(
    Dictionary<string, PersonRecord> PersonsByKey,
    Dictionary<string, StoredSettlement> Existing,
    Dictionary<string, HeldSettlement> Held,
    Dictionary<string, List<IdentityRecord>> Identities,
    Dictionary<string, List<(int Year, string Bucket, long Fen)>> Totals);

/// <summary>
/// The SQL of the bulk settlement import: a chunk's persons locked in id order (so two imports, or an import and
/// one-stop settlements, never wait on each other in a cycle), the chunk's stored settlements, held bills, identities and
/// running totals read set-based, and the new settlements, audit entries, context and items written by COPY / multi-row INSERT.
/// </summary>
public static class SettlementBatchStore
{
    public static readonly BulkColumn[] SettlementColumns =
    [
        new("id", BulkType.Text), new("person_id", BulkType.Text), new("household_id", BulkType.Text), new("year", BulkType.Int),
        new("date", BulkType.Date), new("region", BulkType.Text), new("policy", BulkType.Text), new("source", BulkType.Text),
        new("request_hash", BulkType.Text), new("bill_json", BulkType.Utf8Text), new("result_json", BulkType.Utf8Text), new("counted_json", BulkType.Utf8Text),
        new("assistance", BulkType.Decimal), new("status", BulkType.Text), new("created_at", BulkType.Timestamp), new("created_by", BulkType.Text),
        new("result_format", BulkType.Int), new("naming", BulkType.Text), new("national_json", BulkType.Utf8Text),
        new("kind", BulkType.Text), new("personal_burden", BulkType.Decimal),
    ];

    public static readonly BulkColumn[] YearFactColumns =
        [new("settlement_id", BulkType.Text), new("person_id", BulkType.Text), new("region", BulkType.Text), new("year", BulkType.Int), new("facts", BulkType.Text)];

    public static readonly BulkColumn[] AuditColumns =
    [
        new("at", BulkType.Timestamp), new("actor", BulkType.Text), new("role", BulkType.Text), new("action", BulkType.Text),
        new("entity", BulkType.Text), new("entity_id", BulkType.Text), new("before_json", BulkType.Json), new("after_json", BulkType.Json),
    ];

    public static readonly BulkColumn[] ContextColumns = Typed(SettlementContext.ContextColumns,
        BulkType.Text, BulkType.Text, BulkType.Text, BulkType.Int, BulkType.Text, BulkType.Text, BulkType.Text);

    public static readonly BulkColumn[] ItemColumns = Typed(SettlementContext.ItemColumns,
        BulkType.Text, BulkType.Int, BulkType.Text, BulkType.Text, BulkType.Text, BulkType.Text, BulkType.Bool,
        BulkType.Decimal, BulkType.Decimal);

    /// <summary>A new settlement's row in <see cref="SettlementColumns"/>' order: its JSON columns as UTF-8 when the bulk import's arena wrote them, else as text.</summary>
    public static object?[] SettlementRow(SettlementService.NewSettlement n)
    {
        var s = n.Stored;
        var j = n.Utf8;
        return
        [
            s.Id, s.PersonId, s.HouseholdId, s.Year, s.Date, s.Region, s.Policy, s.Source, s.RequestHash,
            j is null ? s.BillJson : (object?)j.Bill, j is null ? s.ResultJson : (object?)j.Result, j is null ? s.CountedJson : (object?)j.Counted,
            s.Assistance, s.Status, s.CreatedAt, s.CreatedBy, s.ResultFormat, s.Naming, j is null ? s.NationalJson : (object?)j.National, n.Kind, n.Result.PersonalBurden,
        ];
    }

    /// <summary>What the year-end rules read of a new settlement (YearFacts), in <see cref="YearFactColumns"/>' order, as the one-bill path stores it.</summary>
    public static object?[] YearFactRow(SettlementService.NewSettlement n) =>
        [n.Stored.Id, n.Stored.PersonId, n.Stored.Region, n.Stored.Year, YearFacts.Write(n.Bill, n.Result)];

    /// <summary>A new settlement's audit entry in <see cref="AuditColumns"/>' order.</summary>
    public static object?[] AuditRow(SettlementService.NewSettlement n) => n.Audit.Select(a => a.Item2).ToArray();

    private static BulkColumn[] Typed(string columns, params BulkType[] types) =>
        columns.Split(", ").Select((name, i) => new BulkColumn(name, types[i])).ToArray();

    /// <summary>
    /// A chunk's progress of import @id (rows @n, done @d, settled @s, replayed @r, rejected @x, held @h, at @at), committed with the
    /// chunk. PostgreSQL's import commits from two lanes, so a figure only ever grows (GREATEST: the other lane may have
    /// committed a later one first); SQLite's has one.
    /// PostgreSQL: the chunk's commit does not wait for its WAL to reach the disk (synchronous_commit off for this transaction
    /// only; the WAL writer flushes it within a fraction of a second), so a lane goes on settling while the disk catches up —
    /// on a whole city's import each lane had waited ≈ 15 s for its 1,500 flushes. Nothing answered depends on it: the
    /// import's own answer comes after its final record is committed with synchronous_commit on, whose flush carries every
    /// earlier chunk's WAL (WAL is flushed in order), and so does the commit of any one-stop settlement that read a chunk's
    /// totals. A crash of the database can lose the last chunks of an import still running, together with their progress
    /// (one transaction), never half a chunk; the import, sent again, settles them (stored ids replay).
    /// </summary>
    public static string ProgressSql(Dialect d) => d == Dialect.Postgres
        ? "SELECT set_config('synchronous_commit', 'off', true); UPDATE settlement_imports SET rows_total = GREATEST(rows_total, @n), rows_done = GREATEST(rows_done, @d), rows_settled = GREATEST(rows_settled, @s), " +
          "rows_replayed = GREATEST(rows_replayed, @r), rows_rejected = GREATEST(rows_rejected, @x), rows_held = GREATEST(rows_held, @h), updated_at = @at WHERE id = @id"
        : "UPDATE settlement_imports SET rows_total = @n, rows_done = @d, rows_settled = @s, rows_replayed = @r, rows_rejected = @x, rows_held = @h, updated_at = @at WHERE id = @id";

    /// <summary>
    /// Locks the persons of the keys (our id, psn_no or ID number, already normalised) in id order and reads what their bills need:
    /// the ids' stored settlements and held bills, the persons' identities, and their running totals of the years <paramref name="fromYear"/>..<paramref name="toYear"/>.
    /// </summary>
    public static async Task<ChunkState> LoadAsync(DbConnection c, DbTransaction tx, Dialect d, IReadOnlyCollection<string> keys, IReadOnlyCollection<string> ids,
        int fromYear, int toYear)
    {
        var k = Sql.ListParam(d, keys.Distinct(StringComparer.Ordinal));
        var persons = await c.ListAsync(
            $"SELECT {RegistryStore.PersonColumns} FROM persons WHERE {Sql.In(d, "id", "@k")} OR {Sql.In(d, "psn_no", "@k")} OR {Sql.In(d, "id_number", "@k")} ORDER BY id{d.ForUpdate()}",
            tx, RegistryStore.MapPerson, ("k", k));
        var byKey = ByKey(persons, p => p.Id, p => p.PsnNo, p => p.IdNumber);

        var pids = Sql.ListParam(d, persons.Select(p => p.Id));
        var idList = Sql.ListParam(d, ids.Distinct(StringComparer.Ordinal));
        var existing = (await c.ListAsync($"SELECT {SettlementService.Columns} FROM settlements WHERE {Sql.In(d, "id", "@ids")}", tx, StoredSettlement.Map, ("ids", idList)))
            .ToDictionary(s => s.Id, StringComparer.Ordinal);
        var held = (await c.ListAsync($"SELECT {HeldSettlement.Columns} FROM held_settlements WHERE {Sql.In(d, "id", "@ids")}", tx, HeldSettlement.Map, ("ids", idList)))
            .ToDictionary(s => s.Id, StringComparer.Ordinal);
        var (identities, totals) = await PersonsDataAsync(c, tx, d, persons.Select(p => p.Id).ToList(), fromYear, toYear);
        return new ChunkState(byKey, existing, held, identities, totals);
    }

    /// <summary>
    /// The identities of locked persons and their running totals (LedgerTotals) of the years <paramref name="fromYear"/>..<paramref name="toYear"/>
    /// (each bill's year and the one before), in one round trip, each person's in the order the one-bill path reads them
    /// (RegistryStore.InOrder, LedgerTotals.InOrder: sorted in C#, no Sort node per execution).
    /// </summary>
    private static async Task<(Dictionary<string, List<IdentityRecord>> Identities, Dictionary<string, List<(int, string, long)>> Totals)> PersonsDataAsync(
        DbConnection c, DbTransaction tx, Dialect d, IReadOnlyCollection<string> personIds, int fromYear, int toYear)
    {
        var identities = new Dictionary<string, List<IdentityRecord>>(StringComparer.Ordinal);
        var totals = new Dictionary<string, List<(int, string, long)>>(StringComparer.Ordinal);
        if (personIds.Count == 0) return (identities, totals);
        await using (var cmd = c.Statements(
            $"SELECT * FROM identities WHERE {Sql.In(d, "person_id", "@p")};" +
            $"SELECT person_id, year, bucket, amount_fen FROM ledger_totals WHERE {Sql.In(d, "person_id", "@p")} AND year >= @y0 AND year <= @y1", tx,
            ("p", Sql.ListParam(d, personIds)), ("y0", fromYear), ("y1", toYear)))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                var i = RegistryStore.MapIdentity(r);
                (identities.TryGetValue(i.PersonId, out var l) ? l : identities[i.PersonId] = []).Add(i);
            }
            await r.NextResultAsync();
            while (await r.ReadAsync())
            {
                var p = r.GetString(0);
                (totals.TryGetValue(p, out var l) ? l : totals[p] = []).Add((r.GetInt32(1), r.GetString(2), Convert.ToInt64(r.GetValue(3))));
            }
        }
        foreach (var l in identities.Values) RegistryStore.InOrder(l);
        foreach (var l in totals.Values) LedgerTotals.InOrder(l);
        return (identities, totals);
    }

    /// <summary>A key finds a person by our id first, then psn_no, then ID number (as the one-stop settlement does).</summary>
    private static Dictionary<string, T> ByKey<T>(IReadOnlyCollection<T> persons, Func<T, string> id, Func<T, string?> psnNo, Func<T, string?> idNumber)
    {
        var byKey = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var p in persons) if (idNumber(p) is { } n) byKey[n] = p;
        foreach (var p in persons) if (psnNo(p) is { } n) byKey[n] = p;
        foreach (var p in persons) byKey[id(p)] = p;
        return byKey;
    }

    /// <summary>
    /// PostgreSQL, a group of one-stop settlements (<see cref="OneStopGroups"/>): what <see cref="LoadAsync"/> reads, in two round
    /// trips, locking only the persons no other transaction holds (FOR UPDATE SKIP LOCKED: a group never waits, so groups never
    /// wait on each other in a cycle). A key whose person another transaction holds is left out of
    /// <see cref="ChunkState.PersonsByKey"/>, as is a key of nobody: its bill goes the one-bill way, which waits for the lock or
    /// answers that there is no such person. Every read after the lock is a statement of its own, so it sees what was committed
    /// before the lock was taken (READ COMMITTED), as on the one-bill path. The identities and running totals are read in the
    /// second round trip by the locked persons' ids (an index look-up per person whatever plan the statement keeps), not through
    /// a join on the keys, whose generic plan could start from the other side.
    /// </summary>
    /// <param name="lockTimeout">The transaction's lock wait, set in the same round trip (its writes may wait for rows others hold, the monthly aggregates of an item).</param>
    public static async Task<ChunkState> LoadGroupAsync(DbConnection c, DbTransaction tx, IReadOnlyCollection<string> keys, IReadOnlyCollection<string> ids,
        int fromYear, int toYear, TimeSpan lockTimeout)
    {
        var locked = new Dictionary<string, PersonRecord>(StringComparer.Ordinal);
        var matched = new List<(string Id, string? PsnNo, string IdNumber)>();
        var existing = new Dictionary<string, StoredSettlement>(StringComparer.Ordinal);
        var held = new Dictionary<string, HeldSettlement>(StringComparer.Ordinal);
        const string persons = "persons WHERE id = ANY(@k) OR psn_no = ANY(@k) OR id_number = ANY(@k)";
        await using (var cmd = c.Statements(
            Database.LockTimeoutSql + ";" +
            $"SELECT {RegistryStore.PersonColumns} FROM {persons} FOR UPDATE SKIP LOCKED;" +
            // Every person a key names, locked or not: a key resolves to the person the one-bill path would find, even one held elsewhere.
            $"SELECT id, psn_no, id_number FROM {persons};" +
            $"SELECT {SettlementService.Columns} FROM settlements WHERE id = ANY(@ids);" +
            $"SELECT {HeldSettlement.Columns} FROM held_settlements WHERE id = ANY(@ids)", tx,
            ("k", keys.Distinct(StringComparer.Ordinal).ToArray()), ("ids", ids.Distinct(StringComparer.Ordinal).ToArray()),
            ("lock_timeout", Database.LockTimeoutValue(lockTimeout))))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            await r.NextResultAsync();
            while (await r.ReadAsync()) { var p = RegistryStore.MapPerson(r); locked[p.Id] = p; }
            await r.NextResultAsync();
            while (await r.ReadAsync()) matched.Add((r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2)));
            await r.NextResultAsync();
            while (await r.ReadAsync()) { var s = StoredSettlement.Map(r); existing[s.Id] = s; }
            await r.NextResultAsync();
            while (await r.ReadAsync()) { var h = HeldSettlement.Map(r); held[h.Id] = h; }
        }
        var (identities, totals) = await PersonsDataAsync(c, tx, Dialect.Postgres, locked.Keys, fromYear, toYear);
        var byKey = new Dictionary<string, PersonRecord>(StringComparer.Ordinal);
        foreach (var (key, m) in ByKey(matched, m => m.Id, m => m.PsnNo, m => m.IdNumber))
            if (locked.TryGetValue(m.Id, out var person)) byKey[key] = person;
        return new ChunkState(byKey, existing, held, identities, totals);
    }
}
