using System.Data.Common;
using Doudi.Cases;
using Doudi.Engine.Results;
using Doudi.Engine.Settlement;
using Doudi.Server.Api;
using Doudi.Server.Audit;
using Doudi.Server.Registry;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Settlements;

/// <param name="National">For a new settlement of a bill in national names: the national fields it stored (its answer is written from them).</param>
public sealed record SettleOutcome(StoredSettlement Settlement, bool Replayed, HeldSettlement? Held = null, NationalRecord? National = null);

/// <summary>
/// One-stop settlement against the system of record. In one transaction: lock the person's year, read the
/// year-to-date ledger from the person's running totals (<see cref="LedgerTotals"/>, I-3) — plus what the engine carries
/// from the previous year (a look-back window's affordability deduction, I-26) — settle with the engine,
/// store the result with its trace and an audit entry, and add what it counted to the running totals (a reversal
/// subtracts it), so a person's thousandth bill costs what the first did. Idempotent on the settlement id: a retry of the same bill
/// returns the stored answer and never counts twice; the same id with a different bill is a conflict.
/// A bill outside the plausibility bounds is held instead (stored, paying and counting nothing) until a bureau operator
/// releases it (then settled like any bill, against the ledger of that moment) or rejects it.
/// Concurrency: PostgreSQL locks the person's row (SELECT … FOR UPDATE); SQLite has one writer. On PostgreSQL the one-stop
/// endpoint settles through <see cref="OneStopGroups"/>, which settles bills arriving together in one transaction per group
/// (<see cref="SettleGroupAsync"/>) and sends a lone bill here.
/// </summary>
public sealed partial class SettlementService(Database db, ISettlementCalculator calculator, IEnumerable<Prevention.Common.ISettlementStoredHook>? hooks = null,
    IEnumerable<Prevention.Common.ISettlementReversedHook>? reversedHooks = null,
    IEnumerable<Insights.ISettlementAggregateHook>? aggregateHooks = null)
{
    public const string Columns = "id, person_id, household_id, year, date, region, policy, source, request_hash, bill_json, result_json, counted_json, assistance, status, created_at, created_by, reversed_at, reversed_by, reversal_reason, result_format, naming, national_json";

    public static string HashOf(BillDocument input) => BillRequest.HashOf(input);

    public async Task<SettleOutcome> SettleAsync(BillDocument input, Actor actor, string source, CancellationToken ct = default,
        IReadOnlyList<FieldProblem>? hold = null)
    {
        var hash = HashOf(input);
        StoredSettlement? existing;
        try
        {
            // A short lock wait (and a retry after a deadlock): a person locked by a name-list import answers 503 + Retry-After.
            // Two round trips on PostgreSQL: the lock wait is set in the read batch and the write batch ends with COMMIT.
            return await db.WriteAsync(scope => SettleInTransactionAsync(scope.Connection, scope.Transaction, input, hash, actor, source, hold,
                oneStop: new OneStopBatches(scope, db.SettlementLockTimeout)),
                new WriteOptions(db.SettlementLockTimeout, Retries: 2, LockTimeoutSentByCaller: true), ct);
        }
        catch (Exception e) when (Database.IsUniqueViolation(e))
        {
            // The same id was stored by a concurrent request (for another person row lock): answer as a retry.
            existing = await db.ReadAsync(c => FindAsync(c, null, input.Bill.Id), ct);
            if (existing is null) throw;
            return Replay(existing, hash, actor);
        }
    }

    private static SettleOutcome Replay(StoredSettlement s, string hash, Actor actor)
    {
        if (s.RequestHash != hash)
            throw ApiProblemException.Conflict(new($"结算号 {s.Id} 已用于另一笔不同的结算，不能重复使用",
                $"settlement id {s.Id} was already used for a different bill"));
        if (actor.Role == Roles.Hospital && s.CreatedBy != actor.Name)
            throw ApiProblemException.Conflict(new($"结算号 {s.Id} 已被其他机构使用", $"settlement id {s.Id} belongs to another institution"));
        // A HIS that reads only the status code must not take a reversed settlement for a payment (national 2208).
        if (s.Status == StoredSettlement.Reversed)
            throw new ApiProblemException(StatusCodes.Status409Conflict,
                new($"结算 {s.Id} 已冲销，不再支付；如需重新结算请使用新的结算号", $"settlement {s.Id} was reversed and pays nothing; settle again under a new id"),
                type: "https://doudi.example/problems/reversed");
        return new SettleOutcome(s, Replayed: true);
    }

    public static Task<StoredSettlement?> FindAsync(DbConnection c, DbTransaction? tx, string id) =>
        c.FirstAsync($"SELECT {Columns} FROM settlements WHERE id = @id", tx, StoredSettlement.Map, ("id", id));

    /// <summary>Locks the person's row until commit (PostgreSQL); SQLite's single writer already serialises.</summary>
    public static Task LockPersonAsync(DbConnection c, DbTransaction tx, Dialect dialect, string personId) =>
        dialect == Dialect.Postgres
            ? c.ExecAsync("SELECT 1 FROM persons WHERE id = @p FOR UPDATE", tx, ("p", personId))
            : Task.CompletedTask;

    /// <summary>
    /// The one-stop path owns its transaction (<see cref="Database.WriteAsync{T}(Func{WriteScope, Task{T}}, WriteOptions?, CancellationToken)"/>):
    /// on PostgreSQL its read batch also sets the lock wait and its write batch ends with COMMIT, so a settlement costs two
    /// round trips (read and lock; write and commit) instead of four. Durability is unchanged: COMMIT is answered only after
    /// its WAL is flushed (synchronous_commit stays on), and a failed statement before it rolls the whole batch back.
    /// </summary>
    internal sealed record OneStopBatches(WriteScope Scope, TimeSpan LockTimeout);

    /// <param name="hold">Why the bill is to be held for review instead of settled (plausibility bounds); null or empty: settle.</param>
    /// <param name="owner">Whose settlement it is when not the actor's (a held bill released by an operator stays the hospital's).</param>
    public Task<SettleOutcome> SettleInTransactionAsync(DbConnection c, DbTransaction tx, BillDocument input, string hash, Actor actor, string source,
        IReadOnlyList<FieldProblem>? hold = null, string? owner = null) =>
        SettleInTransactionAsync(c, tx, input, hash, actor, source, hold, owner, oneStop: null);

    private async Task<SettleOutcome> SettleInTransactionAsync(DbConnection c, DbTransaction tx, BillDocument input, string hash, Actor actor, string source,
        IReadOnlyList<FieldProblem>? hold, string? owner = null, OneStopBatches? oneStop = null)
    {
        if (db.Dialect != Dialect.Postgres) oneStop = null;
        var bill = input.Bill;
        var year = bill.Date.Year;
        // One round trip: find the person by any of its keys and lock its row (PostgreSQL: SELECT … FOR UPDATE, held until
        // commit, so settlements of one person queue; SQLite: the one writer), then whether the id is taken, the identities
        // and the year's counts. Each read after the lock is a statement of its own: in READ COMMITTED
        // a statement sees what was committed when it started, so only statements after the lock wait see the totals the
        // person's previous settlement committed (one statement with the lock in a CTE would read them from before the wait).
        const string pid = "(SELECT id FROM persons WHERE id = @k UNION ALL SELECT id FROM persons WHERE psn_no = @k UNION ALL SELECT id FROM persons WHERE id_number = @k LIMIT 1)";
        var pg = db.Dialect == Dialect.Postgres;
        // PostgreSQL: the person's id is worked out once (up to three index look-ups) and kept for the batch's later statements;
        // the lock wait is set in the same statement: its select list is computed as the row is read, before it is locked (a
        // lock that cannot be had in time answers 503, test A_settlement_that_cannot_get_its_lock_…).
        var personIdSql = pg ? DialectSql.Kept("person") : pid;
        StoredSettlement? existing = null;
        HeldSettlement? held = null;
        PersonRecord? person = null;
        var identities = new List<IdentityRecord>();
        var counted = new List<(int, string, long)>();
        bool settled = false, isHeld = false;
        await using (var cmd = c.Statements(
            $"SELECT {RegistryStore.PersonColumns}" + (pg ? ", " + DialectSql.Keep("person", "id") : "") + (oneStop is null ? "" : ", " + Database.LockTimeoutSetting) +
            $" FROM persons WHERE id = {pid}{db.Dialect.ForUpdate()};" +
            // Whether the id is taken (a settlement or a held bill: read in full only then, a replay being rare) and the
            // identities, in one statement: one row at least, whose identity columns are empty when there is none.
            "SELECT EXISTS (SELECT 1 FROM settlements WHERE id = @id) AS id_settled, EXISTS (SELECT 1 FROM held_settlements WHERE id = @id) AS id_held, i.*" +
            $" FROM (SELECT 1 AS one) one LEFT JOIN identities i ON i.person_id = {personIdSql};" +
            // The running totals of the year and the previous one, whose look-back deductions carry over (I-26; LedgerTotals.LedgerOf).
            LedgerTotals.SelectSql(personIdSql), tx,
            [("k", ChineseId.NormalizeKey(input.PersonKey)), ("y", year), ("py", year - 1), ("id", bill.Id),
             .. oneStop is null ? [] : new (string, object?)[] { ("lock_timeout", Database.LockTimeoutValue(oneStop.LockTimeout)) }]))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            if (await r.ReadAsync()) person = RegistryStore.MapPerson(r);
            await r.NextResultAsync();
            while (await r.ReadAsync())
            {
                (settled, isHeld) = (r.B("id_settled"), r.B("id_held"));
                if (!r.IsDBNull(r.GetOrdinal("id"))) identities.Add(RegistryStore.MapIdentity(r));
            }
            await r.NextResultAsync();
            while (await r.ReadAsync()) counted.Add(LedgerTotals.Row(r));
        }
        // Both orders in C# rather than ORDER BY (a Sort node per execution on PostgreSQL): the identities as RegistryStore.IdentitiesAsync
        // orders them (recognized, then id: unique), the totals by year and bucket.
        RegistryStore.InOrder(identities);
        LedgerTotals.InOrder(counted);
        // Still after the lock, in the same transaction: what a replay answers from.
        if (settled) existing = await FindAsync(c, tx, bill.Id);
        if (isHeld) held = await c.FirstAsync($"SELECT {HeldSettlement.Columns} FROM held_settlements WHERE id = @id", tx, HeldSettlement.Map, ("id", bill.Id));
        return await StoreAsync(c, tx, input, hash, actor, source, Decide(input, hash, actor, source, hold, owner,
            new SettlementInputs(person, existing, held, identities, LedgerTotals.LedgerOf(year, counted))), LedgerTotals.MeasuresOf(year, counted),
            commitIn: oneStop?.Scope);
    }

    /// <summary>What the settlement of one bill reads before it decides: the person (locked), the id's stored settlement or held bill, the identities, the ledger.</summary>
    public sealed record SettlementInputs(PersonRecord? Person, StoredSettlement? Existing, HeldSettlement? Held, IReadOnlyList<IdentityRecord> Identities, PersonLedger Ledger);

    /// <summary>A decided settlement: an answer already (a replay), a bill to hold, or a new settlement to write with what the hooks need.</summary>
    public sealed record Decision(SettleOutcome? Answer, IReadOnlyList<FieldProblem>? Hold, PersonRecord Person, NewSettlement? New);

    /// <summary>A new settlement, settled by the engine and not yet written.</summary>
    /// <param name="Utf8">Set when <see cref="Decide"/> was given a <see cref="JsonArena"/> (the bulk import): the JSON columns as UTF-8,
    /// and <paramref name="Stored"/>'s BillJson, ResultJson, CountedJson (and NationalJson, when the bill has one) are then empty.</param>
    public sealed record NewSettlement(StoredSettlement Stored, BillDocument Input, PersonRecord Person, IReadOnlyList<IdentityRecord> Identities,
        Doudi.Engine.Cases.Bill Bill, BillResult Result, string Kind, (string, object?)[] Audit, StoredJson? Utf8 = null)
    {
        /// <summary>What the settlement answers once it is stored (with the national fields, for a bill in national names).</summary>
        public SettleOutcome Answer() => new(Stored, Replayed: false, National: Input.National is null ? null : NationalAnswer.Record(Input, Person));
    }

    /// <summary>
    /// The rules of one bill for a stored person, with no I/O: the one implementation the one-stop API, held-bill release and
    /// the bulk import share. Throws <see cref="ApiProblemException"/> for a bill that is refused.
    /// </summary>
    /// <param name="utf8">The bulk import's lane: a new settlement's JSON columns are written there as UTF-8 (<see cref="NewSettlement.Utf8"/>), not as strings.</param>
    public Decision Decide(BillDocument input, string hash, Actor actor, string source, IReadOnlyList<FieldProblem>? hold, string? owner, SettlementInputs s,
        JsonArena? utf8 = null)
    {
        var bill = input.Bill;
        var year = bill.Date.Year;
        var person = s.Person;
        if (person is null)
            throw ApiProblemException.Invalid([new FieldProblem(input.FieldName("person"),
                new($"登记库中没有此人：{IdMasking.Mask(input.PersonKey)}", $"no such person in the registry: {IdMasking.Mask(input.PersonKey)}"))]);
        if (input.Region is not null && input.Region != person.Region)
            throw ApiProblemException.Invalid([new FieldProblem("region", Msg.Conflict($"region {input.Region}", $"参保地 {person.Region}"))]);
        if (s.Existing is not null) return new(Replay(s.Existing, hash, actor), null, person, null); // raced with a retry of the same person: nothing written that counts
        if (s.Held is not null && owner is null) return new(HeldSettlements.Replay(s.Held, hash, actor), null, person, null);
        if (hold is { Count: > 0 }) return new(null, hold, person, null);

        var enginePerson = RegistryStore.ToEngine(person, s.Identities, input.Insurance);
        var engineBill = bill with { Person = person.Id };
        BillResult result;
        string resultJson = "";
        ReadOnlyMemory<byte> resultUtf8 = default;
        try
        {
            result = calculator.SettleBill(person.Region, enginePerson, engineBill, s.Ledger);
            if (utf8 is null) resultJson = StoredResults.Write(result);
            else resultUtf8 = utf8.Result(result);
        }
        catch (SettlementException e)
        {
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity,
                new("无法结算此单据", "This bill cannot be settled"),
                e.Problems.Select(p => new FieldProblem(
                    input.FieldName(p.Path.StartsWith("bill.", StringComparison.Ordinal) ? p.Path[5..] : p.Path), new(p.Message, p.Message))).ToList(),
                "https://doudi.example/problems/settlement");
        }

        var now = DateTimeOffset.UtcNow;
        var naming = input.Naming == BillNaming.National ? StoredSettlement.NationalNaming : StoredSettlement.OurNaming;
        var national = input.National is null ? null : NationalAnswer.Record(input, person);
        var json = utf8 is null ? null
            : new StoredJson(utf8.Bill(engineBill), resultUtf8, utf8.Api(result.Counted), national is null ? (ReadOnlyMemory<byte>?)null : utf8.Api(national)); // null, not an empty text
        var stored = new StoredSettlement(bill.Id, person.Id, person.Household, year, bill.Date, person.Region, result.Policy, source, hash,
            json is null ? StoredResults.WriteBill(engineBill) : "", resultJson, json is null ? Json.Serialize(result.Counted) : "", result.Assistance, StoredSettlement.Settled,
            now, owner ?? actor.Name, null, null, null, StoredSettlement.CurrentResultFormat, naming,
            national is null ? null : json is null ? NationalAnswer.Serialize(national) : "");
        var audit = AuditLog.Parameters("a_", actor, "settle", "settlement", stored.Id, null,
            new { stored.Id, person = person.Id, stored.Date, stored.Policy, result.Assistance, result.Tilted, source });
        return new(null, null, person, new NewSettlement(stored, input, person, s.Identities, engineBill, result,
            Doudi.Policy.Vocabulary.Codes.ToCode(bill.Kind), audit, json));
    }

    /// <summary>
    /// Issue 4: early warning on the person's year, given the person's running measures before this bill; answers what the
    /// bill adds to the running totals: its counts and the hooks' measures. Called in the settlement's transaction.
    /// </summary>
    internal async Task<IReadOnlyDictionary<string, decimal>> StoredHooksAsync(DbConnection c, DbTransaction tx, NewSettlement n, Actor actor,
        IReadOnlyDictionary<string, decimal> measuresBefore)
    {
        var delta = n.Result.Counted as IReadOnlyDictionary<string, decimal>;
        foreach (var hook in hooks ?? [])
            if (await hook.SettlementStoredAsync(c, tx, n.Person, n.Identities, n.Bill, n.Result, actor, measuresBefore) is { Count: > 0 } added)
                delta = delta.Concat(added).ToDictionary(StringComparer.Ordinal);
        return delta;
    }

    private readonly List<Prevention.Common.ISettlementStoredHook> _hooks = hooks?.ToList() ?? [];

    /// <summary>
    /// A bulk import's per-bill half of the hooks, with no write: what the bill adds to the running totals (its counts and the
    /// hooks' measures), and the evaluations the hooks would make (hook, key); <see cref="EvaluateHookAsync"/> makes each once per chunk.
    /// </summary>
    internal async Task<(IReadOnlyDictionary<string, decimal> Delta, List<(int Hook, string Key)> Evaluations)> MeasureHooksAsync(DbConnection c, DbTransaction tx, NewSettlement n)
    {
        var delta = n.Result.Counted as IReadOnlyDictionary<string, decimal>;
        var evaluations = new List<(int, string)>();
        for (var i = 0; i < _hooks.Count; i++)
        {
            var (added, key) = await _hooks[i].MeasureAsync(c, tx, n.Person, n.Bill, n.Result);
            if (added is { Count: > 0 }) delta = delta.Concat(added).ToDictionary(StringComparer.Ordinal);
            if (key is not null) evaluations.Add((i, key));
        }
        return (delta, evaluations);
    }

    /// <summary>A bulk import's second half: hook <paramref name="hook"/> evaluates the person's year after bill <paramref name="n"/> (its writes, if any).</summary>
    internal Task EvaluateHookAsync(DbConnection c, DbTransaction tx, int hook, NewSettlement n, Actor actor, IReadOnlyDictionary<string, decimal> measuresBefore) =>
        _hooks[hook].SettlementStoredAsync(c, tx, n.Person, n.Identities, n.Bill, n.Result, actor, measuresBefore);

    /// <summary>Issue 10: the console's monthly aggregates of a new settlement (statements with parameters named by <paramref name="prefix"/>).</summary>
    internal IEnumerable<IReadOnlyList<(string Sql, (string, object?)[] Args)>> AggregateSql(DbConnection c, NewSettlement n, string? prefix = null) =>
        (aggregateHooks ?? []).Select(h => h.SettlementStoredSql(c, n.Person, n.Bill, n.Result, Insights.SettlementDetails.From(n.Input), prefix));

    /// <summary>The console's monthly aggregates of many new settlements (a bulk import's chunk), summed: one upsert per hook.</summary>
    internal async Task AggregateManyAsync(DbConnection c, DbTransaction tx, IReadOnlyList<NewSettlement> settlements)
    {
        foreach (var h in aggregateHooks ?? [])
            await h.SettlementsStoredAsync(c, tx, Stored(settlements));
    }

    /// <summary>PostgreSQL: <see cref="AggregateManyAsync"/>'s statements, to send in a batch (parameters named by <paramref name="prefix"/> and the hook's number).</summary>
    internal IEnumerable<(string Sql, (string, object?)[] Args)> AggregateManySql(DbConnection c, IReadOnlyList<NewSettlement> settlements, string prefix) =>
        (aggregateHooks ?? []).Select((h, i) => h.SettlementsStoredSql(c, Stored(settlements), $"{prefix}{i}_")).OfType<(string, (string, object?)[])>();

    /// <summary>New settlements as the aggregate hooks take them.</summary>
    private static IEnumerable<(PersonRecord, Doudi.Engine.Cases.Bill, BillResult, Insights.SettlementDetails?)> Stored(IReadOnlyList<NewSettlement> settlements) =>
        settlements.Select(n => (n.Person, n.Bill, n.Result, (Insights.SettlementDetails?)Insights.SettlementDetails.From(n.Input)));

    /// <summary>Writes a decision of one bill: nothing for an answer, the held bill, or the settlement with its audit entry, context, totals and hooks.</summary>
    /// <param name="commitIn">PostgreSQL: the one-stop transaction's scope; a new settlement's batch then also stores its item lines and
    /// ends with COMMIT (<see cref="OneStopBatches"/>). Null: the caller commits.</param>
    internal async Task<SettleOutcome> StoreAsync(DbConnection c, DbTransaction tx, BillDocument input, string hash, Actor actor, string source, Decision d,
        IReadOnlyDictionary<string, decimal>? measuresBefore = null, WriteScope? commitIn = null)
    {
        if (d.Answer is not null) return d.Answer;
        if (d.New is not { } n)
            return new SettleOutcome(null!, false, await HeldSettlements.HoldAsync(c, tx, db.Dialect, input, hash, d.Person, d.Hold!, actor, source));
        var stored = n.Stored;
        const string values = "@id, @p, @h, @y, @d, @r, @pol, @src, @hash, @bill, @res, @cnt, @a, @s, @at, @by, NULL, NULL, NULL, @fmt, @naming, @nat, @kind, @pb";
        // The hooks see the person's measures before this bill; their measures are added with the bill's counts below.
        var delta = await StoredHooksAsync(c, tx, n, actor, measuresBefore ?? new Dictionary<string, decimal>());
        var (totalsSql, totalsArgs) = LedgerTotals.AddSql(new LedgerDelta(n.Person.Id, stored.Year, delta));
        // The console's monthly aggregates.
        var aggregates = AggregateSql(c, n).ToList();
        // The item lines in the same batch when it commits (nothing may follow the COMMIT); else after it, as before.
        var items = commitIn is null ? [] : SettlementContext.ItemsSql(n.Input).ToList();
        // The settlement and its audit entry (and what the bill said beside the engine's inputs), what the year-end rules
        // will read of it (YearFacts), what it counts added to the person's running totals, and the monthly aggregates: one
        // statement on PostgreSQL (DialectSql.AsOneStatement), whose text varies only with what the bill names (context,
        // counted buckets), not with its item lines: each text is a prepared statement of its own. The aggregates of the
        // item codes follow it, then, on the one-stop path, in the same round trip the item lines and the COMMIT.
        List<string> writes = [$"INSERT INTO settlements ({Columns}, kind, personal_burden) VALUES ({values})", AuditLog.InsertSql(db.Dialect, "a_")];
        if (SettlementContext.Sql(n.Input) is { Length: > 0 } context) writes.Add(context);
        writes.Add(YearFacts.InsertSql);
        if (totalsSql.Length > 0) writes.Add(totalsSql);
        writes.AddRange(aggregates.Where(a => a.Count > 0).Select(a => a[0].Sql));
        await c.ExecAsync(
            db.Dialect.AsOneStatement(writes) + string.Concat(aggregates.SelectMany(a => a.Skip(1)).Select(a => ";" + a.Sql))
            + string.Concat(items.Select(i => ";" + i.Sql)) + (commitIn is null ? "" : ";" + Database.CommitSql),
            tx, [("id", stored.Id), ("p", stored.PersonId), ("h", stored.HouseholdId), ("y", stored.Year), ("d", stored.Date), ("r", stored.Region),
            ("pol", stored.Policy), ("src", stored.Source), ("hash", stored.RequestHash), ("bill", stored.BillJson), ("res", stored.ResultJson), ("cnt", stored.CountedJson),
            ("a", stored.Assistance), ("s", stored.Status), ("at", stored.CreatedAt), ("by", stored.CreatedBy),
            ("fmt", stored.ResultFormat), ("naming", stored.Naming), ("nat", stored.NationalJson),
            ("kind", n.Kind), ("pb", n.Result.PersonalBurden),
            .. n.Audit, .. SettlementContext.Parameters(n.Input), .. YearFacts.Parameters(n.Bill, n.Result), .. totalsArgs, .. aggregates.SelectMany(a => a).SelectMany(a => a.Args), .. items.SelectMany(i => i.Args)]);
        if (commitIn is not null) commitIn.MarkCommitted();
        else await SettlementContext.WriteItemsAsync(c, tx, n.Input);
        return n.Answer();
    }

    /// <summary>冲销: marks the settlement reversed (it no longer counts against any limit) and records who, when and why.</summary>
    public async Task<SettleOutcome> ReverseAsync(string id, string? reason, Actor actor, CancellationToken ct = default) =>
        await db.WriteAsync(async (c, tx) =>
        {
            var s = await FindAsync(c, tx, id) ?? throw ApiProblemException.NotFound(new($"没有结算 {id}", $"no settlement {id}"));
            if (actor.Role == Roles.Hospital && s.CreatedBy != actor.Name)
                throw ApiProblemException.NotFound(new($"没有结算 {id}", $"no settlement {id}"));
            await LockPersonAsync(c, tx, db.Dialect, s.PersonId);
            s = (await FindAsync(c, tx, id))!;
            if (s.Status == StoredSettlement.Reversed) return new SettleOutcome(s, Replayed: true);
            var now = DateTimeOffset.UtcNow;
            await c.ExecAsync("UPDATE settlements SET status = @s, reversed_at = @at, reversed_by = @by, reversal_reason = @why WHERE id = @id AND status = @old", tx,
                ("s", StoredSettlement.Reversed), ("at", now), ("by", actor.Name), ("why", reason), ("id", id), ("old", StoredSettlement.Settled));
            // What it counted no longer counts against any limit (it was added when settled; its supplementary payments are reversed by the retroactive hook, P-1).
            await LedgerTotals.AddAsync(c, tx, new LedgerDelta(s.PersonId, s.Year, Json.Deserialize<Dictionary<string, decimal>>(s.CountedJson), Sign: -1));
            await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "reverse", "settlement", id,
                new { status = StoredSettlement.Settled, s.Assistance }, new { status = StoredSettlement.Reversed, reason });
            // Issue 9: monitoring's running totals and warnings re-evaluated at once, in the reversal's transaction.
            foreach (var hook in reversedHooks ?? []) await hook.SettlementReversedAsync(c, tx, s.PersonId, s.Year, actor);
            // Issue 10: the monthly aggregates lose the settlement in the same transaction.
            foreach (var hook in aggregateHooks ?? []) await hook.SettlementReversedAsync(c, tx, s);
            return new SettleOutcome(s with { Status = StoredSettlement.Reversed, ReversedAt = now, ReversedBy = actor.Name, ReversalReason = reason }, false);
        }, ct);
}
