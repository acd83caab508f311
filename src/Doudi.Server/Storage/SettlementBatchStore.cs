using System.Data.Common;
using Doudi.Server.Registry;
using Doudi.Server.Settlements;
using NpgsqlTypes;

namespace Doudi.Server.Storage;

/// <summary>What a chunk of bills reads before it is settled, in one round trip per table.</summary>
public sealed record ChunkState(
    Dictionary<string, PersonRecord> PersonsByKey,
    Dictionary<string, StoredSettlement> Existing,
    Dictionary<string, HeldSettlement> Held,
    Dictionary<string, List<IdentityRecord>> Identities,
    Dictionary<string, List<(int Year, IReadOnlyDictionary<string, decimal> Counted)>> Counted);

/// <summary>
/// The SQL of the bulk settlement import: a chunk's persons locked in id order (so two imports, or an import and
/// one-stop settlements, never wait on each other in a cycle), the chunk's stored settlements, held bills, identities and
/// year counts read set-based, and the new settlements, audit entries, context and items written by COPY / multi-row INSERT.
/// </summary>
public static class SettlementBatchStore
{
    public static readonly BulkColumn[] SettlementColumns =
    [
        new("id", NpgsqlDbType.Text), new("person_id", NpgsqlDbType.Text), new("household_id", NpgsqlDbType.Text), new("year", NpgsqlDbType.Integer),
        new("date", NpgsqlDbType.Date), new("region", NpgsqlDbType.Text), new("policy", NpgsqlDbType.Text), new("source", NpgsqlDbType.Text),
        new("request_hash", NpgsqlDbType.Text), new("bill_json", NpgsqlDbType.Text), new("result_json", NpgsqlDbType.Text), new("counted_json", NpgsqlDbType.Text),
        new("assistance", NpgsqlDbType.Numeric), new("status", NpgsqlDbType.Text), new("created_at", NpgsqlDbType.TimestampTz), new("created_by", NpgsqlDbType.Text),
        new("result_format", NpgsqlDbType.Integer), new("naming", NpgsqlDbType.Text), new("national_json", NpgsqlDbType.Text),
        new("kind", NpgsqlDbType.Text), new("personal_burden", NpgsqlDbType.Numeric),
    ];

    public static readonly BulkColumn[] AuditColumns =
    [
        new("at", NpgsqlDbType.TimestampTz), new("actor", NpgsqlDbType.Text), new("role", NpgsqlDbType.Text), new("action", NpgsqlDbType.Text),
        new("entity", NpgsqlDbType.Text), new("entity_id", NpgsqlDbType.Text), new("before_json", NpgsqlDbType.Jsonb), new("after_json", NpgsqlDbType.Jsonb),
    ];

    public static readonly BulkColumn[] ContextColumns = Typed(SettlementContext.ContextColumns,
        NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Integer, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text);

    public static readonly BulkColumn[] ItemColumns = Typed(SettlementContext.ItemColumns,
        NpgsqlDbType.Text, NpgsqlDbType.Integer, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Boolean,
        NpgsqlDbType.Numeric, NpgsqlDbType.Numeric);

    private static BulkColumn[] Typed(string columns, params NpgsqlDbType[] types) =>
        columns.Split(", ").Select((name, i) => new BulkColumn(name, types[i])).ToArray();

    /// <summary>A list parameter: a text[] for PostgreSQL's <c>= ANY</c>, a JSON array for SQLite's <c>json_each</c>.</summary>
    private static object ListParam(Dialect d, IEnumerable<string> values) =>
        d == Dialect.Postgres ? values.ToArray() : Api.Json.Serialize(values.ToArray());

    private static string In(Dialect d, string column, string parameter) =>
        d == Dialect.Postgres ? $"{column} = ANY({parameter})" : $"{column} IN (SELECT value FROM json_each({parameter}))";

    /// <summary>
    /// Locks the persons of the keys (our id, psn_no or ID number, already normalised) in id order and reads what their bills need:
    /// the ids' stored settlements and held bills, the persons' identities, and their counts of the years <paramref name="fromYear"/>..<paramref name="toYear"/>
    /// (settled bills and supplementary payments).
    /// </summary>
    public static async Task<ChunkState> LoadAsync(DbConnection c, DbTransaction tx, Dialect d, IReadOnlyCollection<string> keys, IReadOnlyCollection<string> ids,
        int fromYear, int toYear)
    {
        var k = ListParam(d, keys.Distinct(StringComparer.Ordinal));
        var persons = await c.ListAsync(
            $"SELECT {RegistryStore.PersonColumns} FROM persons WHERE {In(d, "id", "@k")} OR {In(d, "psn_no", "@k")} OR {In(d, "id_number", "@k")} ORDER BY id{d.ForUpdate()}",
            tx, RegistryStore.MapPerson, ("k", k));
        // A key finds a person by our id first, then psn_no, then ID number (as the one-stop settlement does).
        var byKey = new Dictionary<string, PersonRecord>(StringComparer.Ordinal);
        foreach (var p in persons.Where(p => p.IdNumber is not null)) byKey[p.IdNumber] = p;
        foreach (var p in persons.Where(p => p.PsnNo is not null)) byKey[p.PsnNo!] = p;
        foreach (var p in persons) byKey[p.Id] = p;

        var pids = ListParam(d, persons.Select(p => p.Id));
        var idList = ListParam(d, ids.Distinct(StringComparer.Ordinal));
        var existing = (await c.ListAsync($"SELECT {SettlementService.Columns} FROM settlements WHERE {In(d, "id", "@ids")}", tx, StoredSettlement.Map, ("ids", idList)))
            .ToDictionary(s => s.Id, StringComparer.Ordinal);
        var held = (await c.ListAsync($"SELECT {HeldSettlement.Columns} FROM held_settlements WHERE {In(d, "id", "@ids")}", tx, HeldSettlement.Map, ("ids", idList)))
            .ToDictionary(s => s.Id, StringComparer.Ordinal);
        var identities = new Dictionary<string, List<IdentityRecord>>(StringComparer.Ordinal);
        foreach (var i in await c.ListAsync($"SELECT * FROM identities WHERE {In(d, "person_id", "@p")} ORDER BY person_id, recognized, id", tx, RegistryStore.MapIdentity, ("p", pids)))
            (identities.TryGetValue(i.PersonId, out var l) ? l : identities[i.PersonId] = []).Add(i);
        var counted = new Dictionary<string, List<(int, IReadOnlyDictionary<string, decimal>)>>(StringComparer.Ordinal);
        (string, object?)[] args = [("p", pids), ("y0", fromYear), ("y1", toYear), ("s", StoredSettlement.Settled)];
        foreach (var sql in new[]
                 {
                     $"SELECT person_id, year, counted_json FROM settlements WHERE {In(d, "person_id", "@p")} AND year >= @y0 AND year <= @y1 AND status = @s",
                     $"SELECT person_id, year, counted_json FROM supplementary_payments WHERE {In(d, "person_id", "@p")} AND year >= @y0 AND year <= @y1",
                 })
            foreach (var (p, y, json) in await c.ListAsync(sql, tx, r => (r.S("person_id"), r.I("year"), r.S("counted_json")), args))
                (counted.TryGetValue(p, out var l) ? l : counted[p] = []).Add((y, Api.Json.Deserialize<Dictionary<string, decimal>>(json)!));
        return new ChunkState(byKey, existing, held, identities, counted);
    }
}
