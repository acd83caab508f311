using System.Data.Common;
using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Common;
using Doudi.Prevention.Monitoring;
using Doudi.Server.Api;
using Doudi.Server.Audit;
using Doudi.Server.Prevention.Common;
using Doudi.Server.Registry;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Prevention.Monitoring;

public sealed record RiskEntryRow(
    string Id, string Policy, string Region, int Year, string PersonId, string? HouseholdId, string Source, string? Rule, string Cite,
    string? Measure, decimal? Amount, decimal? Threshold, string? ThresholdBasis, string? ApplicantKind, string? ApplicantName,
    string? Statement, DateOnly Date, string State, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset UpdatedAt)
{
    public string StateName => RiskEntry.StateName(Codes.TryParse<RiskState>(State, out var s) ? s : RiskState.New).Zh;
}

public sealed record RiskChangeRow(string From, string To, string Actor, DateTimeOffset At, string Reason);

/// <summary>The risk pool in the database. Warnings are keyed policy:year:person:rule, so finding someone again adds nothing.</summary>
public static class RiskPoolStore
{
    public static string WarningId(string policy, int year, string person, string rule) => $"{policy}:{year}:{person}:{rule}";

    public static RiskEntryRow Map(DbDataReader r) => new(
        r.S("id"), r.S("policy"), r.S("region"), r.I("year"), r.S("person_id"), r.Str("household_id"), r.S("source"), r.Str("rule"), r.S("cite"),
        r.Str("measure"), r.IsDBNull(r.GetOrdinal("amount")) ? null : r.M("amount"), r.IsDBNull(r.GetOrdinal("threshold")) ? null : r.M("threshold"),
        r.Str("threshold_basis"), r.Str("applicant_kind"), r.Str("applicant_name"), r.Str("statement"), r.D("date"), r.S("state"),
        r.T("created_at"), r.S("created_by"), r.T("updated_at"));

    public static Task<RiskEntryRow?> FindAsync(DbConnection c, DbTransaction? tx, string id) =>
        c.FirstAsync("SELECT * FROM risk_entries WHERE id = @id", tx, Map, ("id", id));

    /// <summary>Stores each fired rule once; a later, larger total updates the amount. Returns (new, updated) counts.</summary>
    public static async Task<(int New, int Updated)> UpsertWarningsAsync(DbConnection c, DbTransaction tx, Dialect dialect, string region, PersonYear person,
        IEnumerable<TriggeredRule> fired, DateOnly today, Actor actor)
    {
        int added = 0, updated = 0;
        foreach (var t in fired)
        {
            var id = WarningId(t.PolicyId, person.Year, person.PersonId, t.RuleId);
            var existing = await FindAsync(c, tx, id);
            var now = DateTimeOffset.UtcNow;
            if (existing is not null)
            {
                if (existing.Amount == t.Amount) continue;
                await c.ExecAsync("UPDATE risk_entries SET amount = @a, updated_at = @t WHERE id = @id", tx, ("a", t.Amount), ("t", now), ("id", id));
                await AuditLog.WriteAsync(c, tx, dialect, actor, "update_amount", "risk_entry", id, new { amount = existing.Amount }, new { amount = t.Amount });
                updated++;
                continue;
            }
            // ON CONFLICT: a re-scan and a settlement of the same person may find the same warning at once; one entry is kept.
            var inserted = await c.ExecAsync(
                "INSERT INTO risk_entries (id, policy, region, year, person_id, household_id, source, rule, cite, measure, amount, threshold, threshold_basis, date, state, created_at, created_by, updated_at) " +
                "VALUES (@id, @pol, @r, @y, @p, @h, 'warning', @rule, @cite, @m, @a, @th, @basis, @d, 'new', @t, @by, @t) ON CONFLICT (id) DO NOTHING", tx,
                ("id", id), ("pol", t.PolicyId), ("r", region), ("y", person.Year), ("p", person.PersonId), ("h", person.HouseholdId), ("rule", t.RuleId),
                ("cite", t.Cite), ("m", Codes.ToCode(t.Measure)), ("a", t.Amount), ("th", t.Threshold), ("basis", t.ThresholdBasisZh), ("d", today),
                ("t", now), ("by", actor.Name));
            if (inserted == 0) continue;
            await AuditLog.WriteAsync(c, tx, dialect, actor, "warn", "risk_entry", id, null,
                new { rule = t.RuleId, t.Cite, measure = Codes.ToCode(t.Measure), t.Amount, t.Threshold, basis = t.ThresholdBasisZh, person = person.PersonId, person.Year });
            added++;
        }
        return (added, updated);
    }

    /// <summary>Keeps each rule that could not be evaluated (a missing statistic or parameter), once per policy, rule, year and cause.</summary>
    public static async Task RecordProblemsAsync(DbConnection c, DbTransaction tx, string policy, int year, IEnumerable<PreventionException> problems)
    {
        foreach (var p in problems)
        {
            var rule = p is MissingParameterException mp ? mp.Rule : p is MissingStatisticException ms ? Codes.Snake(ms.Statistic.ToString()) : p.Code;
            await c.ExecAsync("INSERT INTO monitoring_problems (policy, rule, year, code, message_zh, message_en, first_seen) VALUES (@p, @r, @y, @c, @zh, @en, @t) " +
                "ON CONFLICT (policy, rule, year, code) DO NOTHING", tx,
                ("p", policy), ("r", rule), ("y", year), ("c", p.Code), ("zh", p.Message), ("en", p.English), ("t", DateTimeOffset.UtcNow));
        }
    }

    public static Task<List<RiskChangeRow>> HistoryAsync(DbConnection c, DbTransaction? tx, string id) =>
        c.ListAsync("SELECT from_state, to_state, actor, at, reason FROM risk_entry_changes WHERE entry_id = @id ORDER BY id", tx,
            r => new RiskChangeRow(r.S("from_state"), r.S("to_state"), r.S("actor"), r.T("at"), r.S("reason")), ("id", id));

    private sealed record EntryWithPerson(RiskEntryRow Entry, string Name, string IdNumber);

    private const string WithPerson = "SELECT e.*, p.name AS person_name, p.id_number AS person_id_number FROM risk_entries e JOIN persons p ON p.id = e.person_id";

    public static RiskEntryView View(RiskEntryRow e, string name, string idNumber, IReadOnlyList<RiskChangeRow>? history) => new(
        e.Id, e.Policy, e.Region, e.Year, e.PersonId, name, idNumber, e.HouseholdId, e.Source, e.Rule, e.Cite, e.Measure, e.Amount, e.Threshold,
        e.ThresholdBasis, e.ApplicantKind, e.ApplicantName, e.Statement, e.Date, e.State, e.StateName, e.CreatedAt, e.CreatedBy, e.UpdatedAt, history);

    /// <summary>A page of the pool, filtered; ID numbers masked for the actor.</summary>
    public static async Task<Page<RiskEntryView>> PageAsync(DbConnection c, Where w, Paging paging, Actor actor)
    {
        var total = Convert.ToInt64(await c.ScalarAsync($"SELECT COUNT(*) FROM risk_entries e{w.Sql}", null, w.Args));
        var items = await c.ListAsync($"{WithPerson}{w.Sql} ORDER BY e.created_at, e.id LIMIT @lim OFFSET @off", null,
            r => View(Map(r), r.S("person_name"), IdMasking.For(actor, r.S("person_id_number")), null), w.With(("lim", paging.PageSize), ("off", paging.Offset)));
        return new Page<RiskEntryView>(items, paging.Page, paging.PageSize, total);
    }

    /// <summary>One entry with its history, or 404.</summary>
    public static async Task<RiskEntryView> ViewAsync(DbConnection c, string id, Actor actor, DbTransaction? tx = null)
    {
        var row = await c.FirstAsync($"{WithPerson} WHERE e.id = @id", tx, r => new EntryWithPerson(Map(r), r.S("person_name"), r.S("person_id_number")), ("id", id))
            ?? throw ApiProblemException.NotFound(new($"风险库中无此记录：{id}", $"no risk-pool entry {id}"));
        return View(row.Entry, row.Name, IdMasking.For(actor, row.IdNumber), await HistoryAsync(c, tx, id));
    }

    public static Task<RiskEntryRow?> LockAsync(DbConnection c, DbTransaction tx, Dialect dialect, string id) =>
        c.FirstAsync("SELECT * FROM risk_entries WHERE id = @id" + dialect.ForUpdate(), tx, Map, ("id", id));

    /// <summary>Moves an entry to another state, with the change and the audit row.</summary>
    public static async Task TransitionAsync(DbConnection c, DbTransaction tx, Dialect dialect, RiskEntryRow e, string to, string reason, Actor actor, DateTimeOffset now)
    {
        await c.ExecAsync("UPDATE risk_entries SET state = @s, updated_at = @t WHERE id = @id", tx, ("s", to), ("t", DateTimeOffset.UtcNow), ("id", e.Id));
        await c.ExecAsync("INSERT INTO risk_entry_changes (entry_id, from_state, to_state, actor, at, reason) VALUES (@id, @f, @t, @a, @at, @r)", tx,
            ("id", e.Id), ("f", e.State), ("t", to), ("a", actor.Name), ("at", now), ("r", reason));
        await AuditLog.WriteAsync(c, tx, dialect, actor, "transition", "risk_entry", e.Id, new { state = e.State }, new { state = to, reason });
    }

    /// <summary>Stores a self-application as a new entry of the pool, audited.</summary>
    public static async Task InsertSelfApplicationAsync(DbConnection c, DbTransaction tx, Dialect dialect, string id, string policy, int year, Registry.PersonRecord p,
        string cite, decimal? burden, string applicantKind, string applicantName, string statement, DateOnly today, Actor actor)
    {
        var now = DateTimeOffset.UtcNow;
        await c.ExecAsync(
            "INSERT INTO risk_entries (id, policy, region, year, person_id, household_id, source, cite, amount, applicant_kind, applicant_name, statement, date, state, created_at, created_by, updated_at) " +
            "VALUES (@id, @pol, @r, @y, @p, @h, 'self_application', @cite, @a, @k, @n, @s, @d, 'new', @t, @by, @t)", tx,
            ("id", id), ("pol", policy), ("r", p.Region), ("y", year), ("p", p.Id), ("h", p.Household), ("cite", cite), ("a", burden),
            ("k", applicantKind), ("n", applicantName), ("s", statement), ("d", today), ("t", now), ("by", actor.Name));
        await AuditLog.WriteAsync(c, tx, dialect, actor, "self_application", "risk_entry", id, null,
            new { person = p.Id, year, applicantKind, applicantName, statement, burden, Cite = cite });
    }
}
