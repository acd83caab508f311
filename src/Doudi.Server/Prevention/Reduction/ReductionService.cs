using System.Data.Common;
using Doudi.Policy.Prevention;
using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Calendar;
using Doudi.Prevention.Reduction;
using Doudi.Prevention.Relief;
using Doudi.Server.Api;
using Doudi.Server.Audit;
using Doudi.Server.Prevention.Common;
using Doudi.Server.Prevention.Relief;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Prevention.Reduction;

public sealed record CaseHeader(string Id, string Region, string HouseholdId, int CostYear, string Stage, string Origin, DateTimeOffset CreatedAt, string CreatedBy);

/// <summary>
/// Tiered reduction cases (the procedure a region's household-cap job names, policies/relief/) in the database: each step is a stored command, replayed through
/// <see cref="ReductionCase"/> to rebuild the case; a step is checked by the domain, appended, projected (stage, tasks)
/// and audited in one transaction with the case row locked.
/// </summary>
public sealed class ReductionService(Database db, WorkdayCalendar cal, PreventionClock clock, PreventionCatalog catalog)
{
    public const string Table = "reduction_commands";

    public static CaseHeader MapHeader(DbDataReader r) => new(r.S("id"), r.S("region"), r.S("household_id"), r.I("cost_year"), r.S("stage"), r.S("origin"), r.T("created_at"), r.S("created_by"));

    public async Task<(CaseHeader Header, ReductionCase Case)?> LoadAsync(DbConnection c, DbTransaction? tx, string id, bool forUpdate = false)
    {
        var h = await c.FirstAsync("SELECT * FROM reduction_cases WHERE id = @id" + (forUpdate ? db.Dialect.ForUpdate() : ""), tx, MapHeader, ("id", id));
        if (h is null) return null;
        var commands = await CommandLog.LoadAsync(c, tx, Table, "case_id", id);
        // A case keeps the steps it was opened with; one opened before they were stored takes the region's current ones.
        return (h, ReductionReplay.Rebuild(cal, id, commands, () => Steps(h.Region, h.CostYear)));
    }

    /// <summary>The tiered-reduction procedure of a region's cost year (its household-cap job's <c>reduction</c>), or a 422 <c>no_reduction_rule</c>.</summary>
    public CitedText Procedure(string region, int costYear)
    {
        var (relief, job) = catalog.Job(region, costYear, RunKind.HouseholdCap);
        return job.Reduction ?? throw PreventionProblems.Unprocessable(new($"{region} {costYear} 年没有梯次减负规定", $"{region} has no tiered reduction for {costYear}"), "household",
            new($"{relief.Document} 的家庭兜底未规定梯次减负（policies/relief/ 中 household_cap 没有 reduction）",
                $"{relief.Document} sets no tiered reduction for the household cap (no 'reduction' on household_cap in policies/relief/)"), "no_reduction_rule");
    }

    /// <summary>The departments, their order and deadlines of the region's tiered reduction (its file's <c>reduction</c>), or the same 422.</summary>
    public ReductionSteps Steps(string region, int costYear)
    {
        Procedure(region, costYear);
        var (_, job) = catalog.Job(region, costYear, RunKind.HouseholdCap);
        return job.ReductionSteps ?? throw new InvalidOperationException($"{region} {costYear}: a reduction clause without its steps (the loader requires them)");
    }

    /// <summary>The clause a stored case follows (null where the region's files no longer name one).</summary>
    public string? CiteOf(CaseHeader h) =>
        catalog.Catalog.ReliefFor(h.Region, h.CostYear)?.Jobs.FirstOrDefault(j => j.Kind == RunKind.HouseholdCap)?.Reduction?.Cite;

    /// <summary>Opens the case of a household over its line (idempotent per household and cost year: the existing case is returned).</summary>
    public async Task<(CaseHeader Header, ReductionCase Case, bool Created)> OpenAsync(DbConnection c, DbTransaction tx, string region, string household, int costYear,
        decimal burden, decimal line, string origin, string reason, Actor actor)
    {
        var existingId = await c.ScalarAsync("SELECT id FROM reduction_cases WHERE household_id = @h AND cost_year = @y", tx, ("h", household), ("y", costYear)) as string;
        if (existingId is not null)
        {
            var loaded = await LoadAsync(c, tx, existingId);
            return (loaded!.Value.Header, loaded.Value.Case, false);
        }
        var procedure = Procedure(region, costYear);
        var steps = Steps(region, costYear);
        var id = Ids.New("RC");
        var at = clock.Now;
        var rc = PreventionProblems.Run(() => ReductionCase.Open(cal, steps, id, household, costYear, burden, line, actor.Name, at, reason), "household");
        var now = DateTimeOffset.UtcNow;
        await c.ExecAsync("INSERT INTO reduction_cases (id, region, household_id, cost_year, reasonable_burden, line, stage, origin, created_at, created_by, updated_at) " +
            "VALUES (@id, @r, @h, @y, @b, @l, @s, @o, @t, @by, @t)", tx,
            ("id", id), ("r", region), ("h", household), ("y", costYear), ("b", burden), ("l", line), ("s", Codes.ToCode(rc.Stage)), ("o", origin), ("t", now), ("by", actor.Name));
        await CommandLog.AppendAsync(c, tx, Table, "case_id", id, 1, "open", new { household, costYear, burden, line, reason,
            departments = steps.Departments.Select(Codes.ToCode).ToArray(), shortDays = steps.ShortDays, longDays = steps.LongDays, deadlinesCite = steps.Deadlines.Cite }, actor.Name, at);
        await ProjectAsync(c, tx, rc);
        await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "open", "reduction_case", id, null,
            new { household, costYear, burden, line, origin, reason, cite = procedure.Cite, events = rc.Events });
        var header = new CaseHeader(id, region, household, costYear, Codes.ToCode(rc.Stage), origin, now, actor.Name);
        return (header, rc, true);
    }

    /// <summary>One step: the domain checks it against the rebuilt case; then it is stored, projected and audited.</summary>
    public async Task<ReductionCase> StepAsync(string id, string command, object args, Actor actor, Func<CaseHeader, ReductionCase, Task>? authorize, CancellationToken ct,
        Func<DbConnection, DbTransaction, ReductionCase, CaseHeader, Task>? after = null)
    {
        return await db.WriteAsync(async (c, tx) =>
        {
            var loaded = await LoadAsync(c, tx, id, forUpdate: true) ?? throw ApiProblemException.NotFound(new($"没有梯次减负案件 {id}", $"no reduction case {id}"));
            var (header, rc) = loaded;
            if (authorize is not null) await authorize(header, rc);
            var before = rc.Events.Count;
            var stageBefore = rc.Stage;
            var at = clock.Now;
            using var doc = System.Text.Json.JsonDocument.Parse(Json.Serialize(args));
            var cmd = new StoredCommand(0, command, doc.RootElement.Clone(), actor.Name, at);
            PreventionProblems.Run(() => ReductionReplay.Apply(rc, cmd));
            var seq = Convert.ToInt32(await c.ScalarAsync("SELECT MAX(seq) FROM reduction_commands WHERE case_id = @id", tx, ("id", id))) + 1;
            await CommandLog.AppendAsync(c, tx, Table, "case_id", id, seq, command, args, actor.Name, at);
            await ProjectAsync(c, tx, rc);
            if (after is not null) await after(c, tx, rc, header);
            await AuditLog.WriteAsync(c, tx, db.Dialect, actor, command, "reduction_case", id,
                new { stage = Codes.ToCode(stageBefore) }, new { stage = Codes.ToCode(rc.Stage), args, events = rc.Events.Skip(before) });
            return rc;
        }, ct);
    }

    /// <summary>The charity federation records that it paid the household: the payment (the region's household-cap run of the cost year) and the fund posting.</summary>
    public Task<ReductionCase> RecordPaymentAsync(string id, string reference, Actor actor, CancellationToken ct) =>
        StepAsync(id, "paid", new { reference, reason = "慈善总会拨付 charity federation paid: " + reference }, actor, null, ct, async (c, tx, rc, header) =>
        {
            if (rc.Stage != CaseStage.PaymentInstructed || rc.Payment is null)
                throw PreventionProblems.Unprocessable(new("尚未下达拨付指令", "no payment instruction yet"), "stage",
                    new($"案件当前为“{ReductionCase.StageName(rc.Stage).Zh}”", $"the case is '{ReductionCase.StageName(rc.Stage).En}'"), "case_wrong_stage");
            var (relief, job) = catalog.Job(header.Region, rc.CostYear, RunKind.HouseholdCap);
            var run = new RunId(relief.Id, rc.CostYear, job.Kind, job.Code);
            var paymentId = PayoutLedger.PaymentIdOf(run, rc.HouseholdId);
            if (await c.ScalarAsync("SELECT 1 FROM relief_payments WHERE id = @id", tx, ("id", paymentId)) is not null)
                throw ApiProblemException.Conflict(new($"此家庭 {rc.CostYear} 年度已拨付（{paymentId}），不重复支付", $"already paid ({paymentId}); never paid twice"));
            var trace = rc.Events.Select(e => $"{e.At:yyyy-MM-dd} {e.Kind} {e.Actor}: {e.Reason}" + (e.Amount is { } a ? $" [{a:0.00}]" : "")).ToList();
            var name = await c.ScalarAsync("SELECT name FROM persons WHERE household_id = @h ORDER BY id LIMIT 1", tx, ("h", rc.HouseholdId)) as string ?? rc.HouseholdId;
            var payment = new Payment(paymentId, run, rc.HouseholdId, name, rc.Payment.Amount, clock.Today, trace);
            await ReliefStore.InsertAsync(c, tx, db.Dialect, header.Region, run, "household", payment, PreventionCatalog.FundCode(job.Fund), rc.CaseId, actor);
        });

    private async Task ProjectAsync(DbConnection c, DbTransaction tx, ReductionCase rc)
    {
        await c.ExecAsync("UPDATE reduction_cases SET stage = @s, approved_amount = @a, updated_at = @t WHERE id = @id", tx,
            ("s", Codes.ToCode(rc.Stage)), ("a", rc.ApprovedAmount), ("t", DateTimeOffset.UtcNow), ("id", rc.CaseId));
        foreach (var t in rc.Tasks)
            await c.ExecAsync("INSERT INTO reduction_tasks (case_id, department, state, asked_on, short_due, long_due, answer_kind) VALUES (@c, @d, @s, @a, @sd, @ld, @k) " +
                "ON CONFLICT (case_id, department) DO UPDATE SET state = @s, asked_on = @a, short_due = @sd, long_due = @ld, answer_kind = @k", tx,
                ("c", rc.CaseId), ("d", Codes.ToCode(t.Department)), ("s", Codes.ToCode(t.State)), ("a", t.AskedOn), ("sd", t.ShortDue), ("ld", t.LongDue),
                ("k", t.Answer is null ? null : Codes.ToCode(t.Answer.Kind)));
    }
}
