using Doudi.Engine.Results;
using Doudi.Engine.Settlement;
using Doudi.Policy.Prevention;
using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Relief;
using Doudi.Server.Api;
using Doudi.Server.Audit;
using Doudi.Server.Prevention.Common;
using Doudi.Server.Prevention.Reduction;
using Doudi.Server.Security;
using Doudi.Server.Settlements;
using Doudi.Server.Storage;

namespace Doudi.Server.Prevention.Relief;

public sealed record ReportRowView(string PayeeId, string Name, decimal Amount, decimal Computed, string Status, string StatusName, string? PaymentId, List<string> Trace);

/// <summary>One kind's report of a run, as stored and answered (and turned back into the domain's RunReport for CSV/XLSX).</summary>
public sealed record KindReport(string RunKey, string Kind, string KindName, string Fund, string PayeeKind, DateOnly RunOn,
    decimal NewTotal, int NewPayments, decimal PaidTotal, List<ReportRowView> Rows)
{
    public static KindReport From(string fund, string payeeKind, RunReport r) => new(r.Run.ToString(), r.Run.KindCode, RunId.KindName(r.Run.Kind).Zh, fund, payeeKind,
        r.RunOn, r.NewTotal, r.NewPayments.Count(), r.PaidTotal,
        r.Rows.Select(x => new ReportRowView(x.PayeeId, x.Name, x.Amount, x.Computed, Codes.ToCode(x.Status), ReportRow.StatusName(x.Status).Zh, x.PaymentId, x.Trace.ToList())).ToList());

    public RunReport ToDomain() => new(RunId.Parse(RunKey), RunOn,
        Rows.Select(x => new ReportRow(x.PayeeId, x.Name, x.Amount, x.Computed, Codes.TryParse<RowStatus>(x.Status, out var s) ? s : RowStatus.NotPayable, x.PaymentId, x.Trace)).ToList());
}

public sealed record ReliefRun(string Id, string Region, int Year, string Policy, string YearEndRun, DateTimeOffset CreatedAt, string CreatedBy, List<KindReport> Reports);

/// <summary>
/// Year-end relief runs over stored settlements (the engine's SettleYears): fuyang special assistance and 50,000 cap,
/// wenzhou-2022 50,000 resolution — paid through the payout ledger keyed run:payee, so a second run pays nothing twice;
/// jiande household lines open tiered-reduction cases, paid by the charity federation when a case reaches payment.
/// A run is stored whole with its year-end results, payments and fund postings, or not at all.
/// </summary>
public sealed class ReliefService(Database db, ISettlementCalculator calculator, ReductionService reduction, PreventionClock clock, PreventionCatalog catalog)
{
    public async Task<ReliefRun> RunAsync(string region, int year, Actor actor, CancellationToken ct)
    {
        var rp = catalog.Relief(region, year); // the jobs of the region's relief file (policies/relief/), or 422 no_relief_rule
        return await db.WriteAsync(async (c, tx) =>
        {
            if (db.Dialect == Dialect.Postgres) await c.ExecAsync("SELECT pg_advisory_xact_lock(hashtext(@k))", tx, ("k", $"relief|{region}|{year}"));
            // Relief pays only persons and households the rules give something, or that a run paid before: only those are
            // kept while the year is settled chunk by chunk (a city's run holds one chunk at a time).
            var storedBy = new Dictionary<RunId, List<ReliefPaymentRow>>();
            foreach (var job in rp.Jobs)
            {
                var key = new RunId(rp.Id, year, job.Kind, job.Code);
                storedBy[key] = await ReliefStore.ForRunAsync(c, tx, key);
            }
            var payees = storedBy.Values.SelectMany(x => x).Select(x => x.PayeeId).ToHashSet(StringComparer.Ordinal);
            var persons = new List<PersonYearResult>();
            var households = new List<HouseholdYearResult>();
            var records = new Dictionary<string, Registry.PersonRecord>(StringComparer.Ordinal);
            var yearEnd = await YearEnd.SettleAsync(c, tx, db.Dialect, calculator, region, year, actor.Name, StoredYear.DefaultHouseholdsPerChunk, (chunk, ps, hs) =>
            {
                foreach (var p in ps.Where(p => p.SpecialAssistance > 0 || p.CapRelief > 0 || payees.Contains(p.Id)))
                {
                    persons.Add(p);
                    if (chunk.Persons.TryGetValue(p.Id, out var rec)) records[p.Id] = rec;
                }
                foreach (var h in hs.Where(h => h.CapRelief > 0 || payees.Contains(h.Id)))
                {
                    households.Add(h);
                    foreach (var m in chunk.Persons.Values.Where(m => m.Household == h.Id)) records[m.Id] = m;
                }
                return Task.CompletedTask;
            }, ct, PreventionProblems.Type + "year_end");
            persons.Sort((x, y) => string.CompareOrdinal(x.Id, y.Id));
            var now = DateTimeOffset.UtcNow;
            var yearEndId = yearEnd.Id;
            await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "run", "year_end", yearEndId, null,
                new { region, year, persons = yearEnd.Persons, households = yearEnd.Households, bills = yearEnd.Bills, origin = "relief_run" });

            var reports = new List<KindReport>();
            foreach (var job in rp.Jobs)
            {
                var kind = job.Kind;
                var run = new RunId(rp.Id, year, kind, job.Code);
                var fund = PreventionCatalog.FundCode(job.Fund);
                var stored = storedBy[run];
                if (RunKinds.PaysHouseholds(kind))
                {
                    reports.Add(KindReport.From(fund, "household", await HouseholdCasesAsync(c, tx, region, run, job, households, records, stored, yearEndId, actor)));
                    continue;
                }
                var inputs = persons.Select(p => Input(kind, p, records)).Where(i => i.Amount > 0 || stored.Any(s => s.PayeeId == i.PayeeId)).ToList();
                var ledger = new PayoutLedger(stored.Select(s => new Payment(s.Id, run, s.PayeeId, s.Name, s.Amount, s.PaidOn, s.Trace)));
                var report = PreventionProblems.Run(() => ledger.Run(run, inputs, clock.Today));
                foreach (var row in report.NewPayments)
                {
                    var p = ledger.Payments.First(x => x.PaymentId == row.PaymentId);
                    await ReliefStore.InsertAsync(c, tx, db.Dialect, region, run, "person", p, fund, "relief_run", actor);
                }
                reports.Add(KindReport.From(fund, "person", report));
            }
            var result = new ReliefRun(Ids.New("RR"), region, year, rp.Id, yearEndId, now, actor.Name, reports);
            await c.ExecAsync("INSERT INTO relief_runs (id, region, year, policy, year_end_run, reports_json, created_at, created_by) VALUES (@id, @r, @y, @p, @ye, @j, @at, @by)", tx,
                ("id", result.Id), ("r", region), ("y", year), ("p", rp.Id), ("ye", yearEndId), ("j", Json.Serialize(reports)), ("at", now), ("by", actor.Name));
            await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "run", "relief_run", result.Id, null,
                new { region, year, yearEnd = yearEndId, reports = reports.Select(r => new { r.RunKey, paidNow = r.NewTotal, r.NewPayments, paidInRun = r.PaidTotal }) });
            return result;
        }, ct);
    }

    private static ReliefInput Input(RunKind kind, PersonYearResult p, Dictionary<string, Registry.PersonRecord> records)
    {
        var (amount, steps) = kind switch
        {
            RunKind.SpecialAssistance => (p.SpecialAssistance, new[] { "special_assistance", "special_assistance_limit" }),
            RunKind.BurdenCap => (p.CapRelief, new[] { "cap_relief" }),
            _ => (p.CapRelief, new[] { "resolution" }),
        };
        var trace = p.Trace.Where(t => steps.Contains(t.Step) || t.Step == "personal_burden").Select(YearDataLoader.Line).ToList();
        var name = records.TryGetValue(p.Id, out var rec) ? rec.Name : p.Id;
        return new ReliefInput(p.Id, name, amount, trace);
    }

    /// <summary>Household cap: a household over its line gets a tiered-reduction case (once); its row shows the case, or the payment once made.</summary>
    private async Task<RunReport> HouseholdCasesAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx, string region, RunId run, ReliefJob job,
        List<HouseholdYearResult> households, Dictionary<string, Registry.PersonRecord> records, List<ReliefPaymentRow> stored, string yearEndId, Actor actor)
    {
        var rows = new List<ReportRow>();
        foreach (var h in households.Where(h => h.CapRelief > 0 || stored.Any(s => s.PayeeId == h.Id)).OrderBy(h => h.Id, StringComparer.Ordinal))
        {
            var name = records.Values.Where(p => p.Household == h.Id).OrderBy(p => p.Id, StringComparer.Ordinal).Select(p => p.Name).FirstOrDefault() ?? h.Id;
            var trace = h.Trace.Select(YearDataLoader.Line).ToList();
            var paid = stored.FirstOrDefault(s => s.PayeeId == h.Id);
            if (h.CapRelief > 0)
            {
                var line = h.ReasonableBurden - h.CapRelief;
                var (header, rc, created) = await reduction.OpenAsync(c, tx, region, h.Id, run.Year, h.ReasonableBurden, line, yearEndId,
                    $"年度结算 {yearEndId}：家庭合理医疗费用 {h.ReasonableBurden:0.00} 元超过标准 {line:0.00} 元，启动梯次减负", actor);
                trace.Insert(0, $"梯次减负案件 {header.Id}（{(created ? "本次开启" : "已有")}）：{ReductionCase_StageName(rc)}；按案件拨付指令支付（{job.Cite}）");
            }
            rows.Add(paid is not null
                ? new ReportRow(h.Id, name, paid.Amount, h.CapRelief, RowStatus.AlreadyPaid, paid.Id, trace)
                : new ReportRow(h.Id, name, 0m, h.CapRelief, RowStatus.NotPayable, null, trace));
        }
        return new RunReport(run, clock.Today, rows);
    }

    private static string ReductionCase_StageName(Doudi.Prevention.Reduction.ReductionCase rc) => Doudi.Prevention.Reduction.ReductionCase.StageName(rc.Stage).Zh;
}
