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
        // A key finds a person by our id first, then psn_no, then ID number (as the one-stop settlement does).
        var byKey = new Dictionary<string, PersonRecord>(StringComparer.Ordinal);
        foreach (var p in persons.Where(p => p.IdNumber is not null)) byKey[p.IdNumber] = p;
        foreach (var p in persons.Where(p => p.PsnNo is not null)) byKey[p.PsnNo!] = p;
        foreach (var p in persons) byKey[p.Id] = p;

        var pids = Sql.ListParam(d, persons.Select(p => p.Id));
        var idList = Sql.ListParam(d, ids.Distinct(StringComparer.Ordinal));
        var existing = (await c.ListAsync($"SELECT {SettlementService.Columns} FROM settlements WHERE {Sql.In(d, "id", "@ids")}", tx, StoredSettlement.Map, ("ids", idList)))
            .ToDictionary(s => s.Id, StringComparer.Ordinal);
        var held = (await c.ListAsync($"SELECT {HeldSettlement.Columns} FROM held_settlements WHERE {Sql.In(d, "id", "@ids")}", tx, HeldSettlement.Map, ("ids", idList)))
            .ToDictionary(s => s.Id, StringComparer.Ordinal);
        var identities = new Dictionary<string, List<IdentityRecord>>(StringComparer.Ordinal);
        foreach (var i in await c.ListAsync($"SELECT * FROM identities WHERE {Sql.In(d, "person_id", "@p")} ORDER BY person_id, recognized, id", tx, RegistryStore.MapIdentity, ("p", pids)))
            (identities.TryGetValue(i.PersonId, out var l) ? l : identities[i.PersonId] = []).Add(i);
        // The persons' running totals (LedgerTotals) of the years the chunk's bills need (each bill's year and the one before).
        var totals = new Dictionary<string, List<(int, string, long)>>(StringComparer.Ordinal);
        foreach (var (p, y, bucket, fen) in await c.ListAsync(
                     $"SELECT person_id, year, bucket, amount_fen FROM ledger_totals WHERE {Sql.In(d, "person_id", "@p")} AND year >= @y0 AND year <= @y1", tx,
                     r => (r.GetString(0), r.GetInt32(1), r.GetString(2), Convert.ToInt64(r.GetValue(3))), ("p", pids), ("y0", fromYear), ("y1", toYear)))
            (totals.TryGetValue(p, out var l) ? l : totals[p] = []).Add((y, bucket, fen));
        return new ChunkState(byKey, existing, held, identities, totals);
    }
}
