using System.Net;
using System.Text.Json;
using Doudi.Server.Tests.Infrastructure;

namespace Doudi.Server.Tests.Prevention;

/// <summary>
/// 建政办函〔2024〕4号 end to end: settlement → warning (三.(一) cash payment ≥ 20,000) → year-end run opens a tiered-reduction
/// case (二.(三) household line) → departments answer in turn, each seeing only its own task (三.(四)) → bureau review →
/// task force → public notice with an objection → payment instruction → the charity federation pays once from the 暖心基金.
/// Deadlines in working days over the National Day holiday.
/// </summary>
public abstract class JiandeScenarioTests(ServerFixture fx)
{
    /// <summary>A 低保 household with one 2024 bill: personal burden 45000 (arithmetic at the call).</summary>
    private async Task<(string Person, string Household)> HouseholdOver30000(string tag)
    {
        var household = "HJ" + tag;
        var p = await People.RegisterAsync(fx, "jiande", "subsistence", recognized: "2023-05-10", name: "周建", household: household);
        // Jiande has no per-bill assistance: the bill carries the upstream tiers (二.(二)).
        // personal burden (I-14) = 100000 − 40000 − 5000 − 10000 = 45000; no negative-list item.
        await fx.Settle(new { id = tag + "-1", person = p, date = "2024-05-10", kind = "inpatient", total = 100000, inPolicy = 80000, basicPaid = 40000, criticalPaid = 5000, assistancePaid = 10000 });
        return (p, household);
    }

    [DbFact]
    public async Task Settlement_to_warning_to_case_to_charity_payment_paid_once()
    {
        fx.At("2024-05-10T16:00:00");
        var op = await fx.As("operator");
        var tag = PreventionHelpers.Tag();
        var (p, household) = await HouseholdOver30000(tag);

        // 三.(一): 社会救助对象 with cash payment 45000 ≥ 20000 → warning. The resident rule needs last year's rural
        // disposable income, which the statistics file marks missing: a named problem, never a zero.
        var (_, pool, _) = await op.GetJson($"/api/risk-pool?person={p}");
        var w = Assert.Single(pool.GetProperty("items").EnumerateArray());
        Assert.Equal("assistance_object_cash_payment", w.Str("rule"));
        Assert.Equal(45000m, w.Dec("amount"));
        Assert.Equal(20000m, w.Dec("threshold"));
        var (_, problems, _) = await op.GetJson("/api/monitoring/problems?region=jiande&year=2024");
        var missing = problems.GetProperty("items").EnumerateArray().Single(x => x.Str("code") == "statistic_missing");
        Assert.Contains("jiande 2023", missing.Str("message"));
        Assert.Contains("农村居民人均可支配收入", missing.Str("message"));

        // The 暖心基金: donations 20000, fiscal 10000 (10000 × 3 = 30000 ≤ 30000: exactly one third, allowed).
        var charity = await fx.As("charity");
        Assert.Equal(HttpStatusCode.Created, (await charity.PostJson("/api/funds/jiande/charity/income", new { date = "2025-01-02", source = "donation", amount = 20000, memo = "社会捐赠" })).Status);
        Assert.Equal(HttpStatusCode.Created, (await op.PostJson("/api/funds/jiande/charity/income", new { date = "2025-01-02", source = "fiscal_budget", amount = 10000, memo = "市财政补助" })).Status);
        var (_, share, _) = await op.GetJson("/api/funds/jiande/charity/fiscal-share?asOf=2025-01-31");
        Assert.True(share.GetProperty("withinLimit").GetBoolean(), share.ToString());

        // Year-end run of cost year 2024 (二.(三) "上一年度", run in 2025): burden 45000 over the 低保 line 30000 → a case, not a payment yet.
        fx.At("2025-03-03T09:00:00"); // Monday
        var (rs, run, rt) = await op.PostJson("/api/relief-runs", new { region = "jiande", year = 2024 });
        Assert.True(rs == HttpStatusCode.Created, rt);
        var row = FuyangScenarioTests.Row(FuyangScenarioTests.Report(run, "jiande_household_cap"), household);
        Assert.Equal(15000m, row.Dec("computed"));   // 45000 − 30000
        Assert.Equal(0m, row.Dec("amount"));
        var caseId = row.GetProperty("trace")[0].GetString()!.Split(' ')[1].Split('（')[0];
        var (cs, kase, ct) = await op.GetJson($"/api/reduction-cases/{caseId}");
        Assert.True(cs == HttpStatusCode.OK, ct);
        Assert.Equal(45000m, kase.Dec("reasonableBurden"));
        Assert.Equal(30000m, kase.Dec("line"));
        var first = kase.GetProperty("tasks")[0];
        Assert.Equal("trade_union", first.Str("department"));
        Assert.Equal("asked", first.Str("state"));
        Assert.Equal("2025-03-06", first.Str("shortDue"));  // Mon 03-03 + 3 working days: Tue, Wed, Thu
        Assert.Equal("2025-03-12", first.Str("longDue"));   // + 7: Tue 4 … Fri 7, Mon 10, Tue 11, Wed 12
        Assert.Equal("waiting", kase.GetProperty("tasks")[1].Str("state"));

        // Departments act in turn ("依次"): the health bureau sees nothing until it is asked; veterans affairs may not answer for the trade union.
        var health = await fx.Department("health");
        Assert.Equal(HttpStatusCode.NotFound, (await health.GetAsync($"/api/reduction-cases/{caseId}")).StatusCode);
        Assert.Empty((await health.GetJson("/api/reduction-tasks")).Body.GetProperty("items").EnumerateArray());
        var veterans = await fx.Department("veterans_affairs");
        Assert.Equal(HttpStatusCode.Forbidden, (await veterans.PostJson($"/api/reduction-cases/{caseId}/tasks/trade_union/answer", new { kind = "not_eligible", reason = "越权" })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await veterans.GetAsync("/api/reduction-tasks?department=trade_union")).StatusCode);

        async Task Answer(string dept, string kind, string? item = null, decimal amount = 0)
        {
            var (s, b, t) = await (await fx.Department(dept)).PostJson($"/api/reduction-cases/{caseId}/tasks/{dept}/answer", new { kind, item, amount, reason = "经核查 checked" });
            Assert.True(s == HttpStatusCode.OK, t);
            Assert.Equal(dept, b.Str("department"));
            Assert.False(b.GetProperty("answer").GetProperty("late").GetBoolean());
        }
        await Answer("trade_union", "not_eligible");
        // Now veterans affairs is asked, and sees only its own task — never the trade union's answer.
        var (vs, vt, vtt) = await veterans.GetJson($"/api/reduction-cases/{caseId}");
        Assert.True(vs == HttpStatusCode.OK, vtt);
        Assert.Equal("veterans_affairs", vt.Str("department"));
        Assert.False(vt.TryGetProperty("tasks", out _));
        Assert.DoesNotContain("trade_union", vtt);
        await Answer("veterans_affairs", "not_eligible");
        await Answer("disabled_federation", "will_grant", "残疾人医疗救助", 3000);
        await Answer("health", "already_granted", "医疗机构费用减免", 2000);
        foreach (var d in new[] { "education", "womens_federation", "agriculture_rural", "civil_affairs", "red_cross", "charity_federation" })
            await Answer(d, "not_eligible");

        // Burden recomputed with the grants: 45000 − 3000 − 2000 = 40000; over the line 30000 by 10000 → bureau review.
        (cs, kase, ct) = await op.GetJson($"/api/reduction-cases/{caseId}");
        Assert.Equal("awaiting_bureau_review", kase.Str("stage"));
        Assert.Equal(5000m, kase.Dec("totalGrants"));
        Assert.Equal(10000m, kase.Dec("overLine"));

        async Task<JsonElement> Bureau(string path, object body)
        {
            var (s, b, t) = await op.PostJson($"/api/reduction-cases/{caseId}/{path}", body);
            Assert.True(s == HttpStatusCode.OK, t);
            return b;
        }
        await Bureau("bureau-review", new { approve = true, reason = "材料齐全，费用属实" });
        var decided = await Bureau("taskforce-decision", new { approve = true, reason = "专班第3次会议讨论通过" });
        Assert.Equal(10000m, decided.Dec("approvedAmount"));
        // Payment before the notice is refused by the process.
        var (early, earlyProblem, _) = await op.PostJson($"/api/reduction-cases/{caseId}/payment-instruction", new { reason = "提前拨付" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, early);
        Assert.Contains("case_wrong_stage", earlyProblem.Str("type"));
        var notice = await Bureau("public-notice", new { start = "2025-03-20", days = 7, reason = "村务公开栏公示" });
        Assert.Equal("2025-03-26", notice.Str("noticeEnd"));   // 7 calendar days from 03-20 inclusive
        fx.At("2025-03-22T10:00:00");
        await Bureau("objections", new { objector = "村民甲", content = "家庭另有收入" });
        await Bureau("objections/1/resolution", new { upheld = false, reason = "经核实无其他收入，异议不成立" });
        fx.At("2025-03-27T09:00:00");
        await Bureau("public-notice/close", new { reason = "公示期满，异议已处理" });
        var instructed = await Bureau("payment-instruction", new { reason = "请市慈善总会拨付" });
        Assert.Equal("payment_instructed", instructed.Str("stage"));
        Assert.Equal("charity_federation", instructed.GetProperty("payment").Str("payer"));

        var (_, worklist, _) = await charity.GetJson("/api/reduction-cases/payment-instructions?unpaid=true");
        Assert.Equal(10000m, Assert.Single(worklist.GetProperty("items").EnumerateArray(), x => x.Str("caseId") == caseId).Dec("amount"));
        // Only the charity federation records the payment; it is paid once, from the 暖心基金 (30000 − 10000 = 20000 left).
        Assert.Equal(HttpStatusCode.Forbidden, (await op.PostJson($"/api/reduction-cases/{caseId}/payment", new { reference = "X" })).Status);
        var (ps2, paid, pt2) = await charity.PostJson($"/api/reduction-cases/{caseId}/payment", new { reference = "慈善拨付 2025-018" });
        Assert.True(ps2 == HttpStatusCode.OK, pt2);
        Assert.Equal(HttpStatusCode.Conflict, (await charity.PostJson($"/api/reduction-cases/{caseId}/payment", new { reference = "重复" })).Status);
        Assert.Equal(20000m, (await op.GetJson("/api/funds/jiande/charity")).Body.Dec("balance"));

        // The year-end run again: the same case, the payment shown as already made, nothing paid twice.
        var cases = await fx.Count("SELECT COUNT(*) FROM reduction_cases");
        var (rs2, run2, rt2) = await op.PostJson("/api/relief-runs", new { region = "jiande", year = 2024 });
        Assert.True(rs2 == HttpStatusCode.Created, rt2);
        var row2 = FuyangScenarioTests.Row(FuyangScenarioTests.Report(run2, "jiande_household_cap"), household);
        Assert.Equal("already_paid", row2.Str("status"));
        Assert.Equal(10000m, row2.Dec("amount"));
        Assert.Equal(cases, await fx.Count("SELECT COUNT(*) FROM reduction_cases"));
        Assert.Equal(1, await fx.Count("SELECT COUNT(*) FROM relief_payments WHERE kind = 'jiande_household_cap'"));

        // Every step is audited with actor, time and reason.
        var (_, audit, _) = await (await fx.As("auditor")).GetJson($"/api/audit?entity=reduction_case&entityId={caseId}&pageSize=100");
        var actions = audit.GetProperty("items").EnumerateArray().Select(a => a.Str("action")).ToList();
        Assert.Contains("open", actions);
        Assert.Contains("answer", actions);
        Assert.Contains("taskforce_decision", actions);
        Assert.Contains("objection", actions);
        Assert.Contains("payment_instruction", actions);
        Assert.Contains("paid", actions);
    }

    [DbFact]
    public async Task Deadlines_over_the_National_Day_holiday_and_overdue_tasks()
    {
        // 国办发明电〔2023〕7号: 2024-10-01..07 off, 2024-09-29 (Sun) and 2024-10-12 (Sat) worked.
        var op = await fx.As("operator");
        var (s, d, t) = await op.GetJson("/api/calendar/deadline?from=2024-09-30&workdays=3");
        Assert.True(s == HttpStatusCode.OK, t);
        Assert.Equal("2024-10-10", d.Str("due"));   // Oct 8, 9, 10
        Assert.Equal("2024-10-15", (await op.GetJson("/api/calendar/deadline?from=2024-09-30&workdays=7")).Body.Str("due")); // 8, 9, 10, 11, 12 (Sat, worked), 14, 15
        Assert.Equal("2024-10-08", (await op.GetJson("/api/calendar/monthly-deadline?year=2024&month=10&day=5")).Body.Str("due"));
        // Without a day: the list due day every region's premium rules in force agree on (the 5th, 彭水府办发〔2023〕52号 二.（四）.2
        // and the project's reading for the regions whose text is silent), with the clauses that set it.
        var (ms, md, mt) = await op.GetJson("/api/calendar/monthly-deadline?year=2024&month=10");
        Assert.True(ms == HttpStatusCode.OK, mt);
        Assert.Equal((5, "2024-10-08"), (md.GetProperty("day").GetInt32(), md.Str("due")));
        Assert.Contains("彭水府办发〔2023〕52号 二.（四）.2", md.Str("cite"));
        Assert.Equal(HttpStatusCode.BadRequest, (await op.GetJson("/api/calendar/monthly-deadline?year=0&month=1")).Status); // before: 500
        var (bad, problem, _) = await op.GetJson("/api/calendar/deadline?from=2031-01-01&workdays=3");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad);
        Assert.Contains("calendar_out_of_range", problem.Str("type"));

        // A case opened on Monday 2024-09-30, the last working day before the holiday.
        fx.At("2024-09-30T17:30:00");
        var tag = PreventionHelpers.Tag();
        var (_, household) = await HouseholdOver30000(tag);
        Assert.Equal(HttpStatusCode.Created, (await op.PostJson("/api/year-end-runs", new { region = "jiande", year = 2024 })).Status);
        var (os, kase, ot) = await op.PostJson("/api/reduction-cases", new { household, costYear = 2024 });
        Assert.True(os == HttpStatusCode.Created, ot);
        var caseId = kase.Str("id");
        var task = kase.GetProperty("tasks")[0];
        Assert.Equal("2024-09-30", task.Str("askedOn"));
        Assert.Equal("2024-10-10", task.Str("shortDue"));
        Assert.Equal("2024-10-15", task.Str("longDue"));

        // On 2024-10-11 only "will grant" is still on time; on 2024-10-16 the task is overdue and the bureau sees it.
        var union = await fx.Department("trade_union");
        fx.At("2024-10-11T09:00:00");
        var mine = Assert.Single((await union.GetJson("/api/reduction-tasks")).Body.GetProperty("items").EnumerateArray(), x => x.Str("caseId") == caseId);
        Assert.True(mine.GetProperty("pastShortDeadline").GetBoolean());
        Assert.False(mine.GetProperty("overdue").GetBoolean());
        fx.At("2024-10-16T09:00:00");
        var (_, overdue, _) = await op.GetJson("/api/reduction-tasks/overdue");
        var item = Assert.Single(overdue.GetProperty("items").EnumerateArray(), x => x.Str("caseId") == caseId);
        Assert.Equal("trade_union", item.Str("department"));
        Assert.Equal("2024-10-15", item.Str("due"));
        // A late answer is taken and flagged; the next department is then asked from that day.
        var (ans, answered, at) = await union.PostJson($"/api/reduction-cases/{caseId}/tasks/trade_union/answer", new { kind = "not_eligible", reason = "非工会会员" });
        Assert.True(ans == HttpStatusCode.OK, at);
        Assert.True(answered.GetProperty("answer").GetProperty("late").GetBoolean());
        var next = (await op.GetJson($"/api/reduction-cases/{caseId}")).Body.GetProperty("tasks")[1];
        Assert.Equal("2024-10-16", next.Str("askedOn"));
        Assert.Equal("2024-10-21", next.Str("shortDue"));  // Thu 17, Fri 18, Mon 21
    }
}

public sealed class JiandeScenarioTestsSqlite(SqliteFixture fx) : JiandeScenarioTests(fx), IClassFixture<SqliteFixture>;
public sealed class JiandeScenarioTestsPostgres(PostgresFixture fx) : JiandeScenarioTests(fx), IClassFixture<PostgresFixture>, IPostgresTests;
