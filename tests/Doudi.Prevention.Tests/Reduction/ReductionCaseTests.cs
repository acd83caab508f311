using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Calendar;
using Doudi.Prevention.Common;
using Doudi.Prevention.Reduction;
using Departments = Doudi.Prevention.Reduction.Departments;

namespace Doudi.Prevention.Tests.Reduction;

public class ReductionCaseTests
{
    private static readonly WorkdayCalendar Cal = WorkdayCalendar.BuiltIn();
    private static DateTimeOffset At(string date, int hour = 10) => new(DateTime.Parse(date).AddHours(hour), TimeSpan.FromHours(8));
    private static DateOnly D(string s) => DateOnly.Parse(s);

    // A 低保 household (line 30,000, 建政办函〔2024〕4号 二.(三)) with a 2023 reasonable burden of 50,000,
    // opened Mon 2024-09-30, the day before the National Day holiday 10-01..10-07.
    // The departments, their order and the 3/7-working-day deadlines come from policies/relief/jiande-2024.yaml (三.(四)).
    private static readonly Doudi.Policy.Prevention.ReductionSteps Steps =
        RepoPolicies.Catalog.ReliefFor("jiande", 2023)!.Jobs.Single(j => j.Kind == Doudi.Policy.Prevention.RunKind.HouseholdCap).ReductionSteps!;
    private static IReadOnlyList<Department> InOrder => Steps.Departments;

    private static ReductionCase Open(decimal burden = 50000m, decimal line = 30000m) =>
        ReductionCase.Open(Cal, Steps, "JD-2024-001", "H-001", 2023, burden, line, "医保局 张三", At("2024-09-30", 9), "2023年度家庭合理医疗费用超过低保家庭标准");

    private static void RestNotEligible(ReductionCase c, string date)
    {
        foreach (var d in InOrder)
            if (c.Task(d).State == TaskState.Asked)
            {
                c.Answer(d, AnswerKind.NotEligible, null, 0, Departments.Name(d).Zh + "经办人", At(date), "不符合本部门补助条件");
                RestNotEligible(c, date); // the answer asks the next department; keep going
                return;
            }
    }

    [Fact]
    public void Opening_asks_the_trade_union_only_with_deadlines_over_national_day_2024()
    {
        var c = Open();
        var tu = c.Task(Department.TradeUnion);
        Assert.Equal(TaskState.Asked, tu.State);
        // 10-01..10-07 off; Tue 10-08 = 1, Wed 10-09 = 2, Thu 10-10 = 3
        Assert.Equal(D("2024-10-10"), tu.ShortDue);
        // Fri 10-11 = 4, Sat 10-12 (调休) = 5, Mon 10-14 = 6, Tue 10-15 = 7
        Assert.Equal(D("2024-10-15"), tu.LongDue);
        Assert.All(InOrder.Skip(1), d => Assert.Equal(TaskState.Waiting, c.Task(d).State));
        Assert.Equal(new[] { "opened", "asked" }, c.Events.Select(e => e.Kind));
    }

    /// <summary>
    /// The file's 3/7 working days (三.(四)) across 春节 and 国庆 2025, from the State Council notice for 2025
    /// (国办发明电〔2024〕12号, data/calendar/cn-workdays.yaml): 01-28..02-04 off with Sun 01-26 and Sat 02-08 worked;
    /// 10-01..10-08 off with Sun 09-28 and Sat 10-11 worked.
    /// </summary>
    [Theory]
    // Asked Fri 01-24: Sat 01-25 rest; Sun 01-26 (调休) = 1, Mon 01-27 = 2; 01-28..02-04 off; Wed 02-05 = 3.
    // Thu 02-06 = 4, Fri 02-07 = 5, Sat 02-08 (调休) = 6, Sun 02-09 rest, Mon 02-10 = 7.
    [InlineData("2025-01-24", "2025-02-05", "2025-02-10")]
    // Asked Fri 09-26: Sat 09-27 rest; Sun 09-28 (调休) = 1, Mon 09-29 = 2, Tue 09-30 = 3.
    // 10-01..10-08 off; Thu 10-09 = 4, Fri 10-10 = 5, Sat 10-11 (调休) = 6, Sun 10-12 rest, Mon 10-13 = 7.
    [InlineData("2025-09-26", "2025-09-30", "2025-10-13")]
    // Asked Mon 2024-09-30 (the other cases' day): 10-01..10-07 off; 10-08 = 1 … Thu 10-10 = 3; Sat 10-12 (调休) = 5, Tue 10-15 = 7.
    [InlineData("2024-09-30", "2024-10-10", "2024-10-15")]
    public void The_files_deadlines_cross_spring_festival_and_national_day_by_the_official_calendar(string asked, string shortDue, string longDue)
    {
        var c = ReductionCase.Open(Cal, Steps, "JD-CAL", "H-CAL", 2024, 50000m, 30000m, "医保局 张三", At(asked, 9), "超过低保家庭标准");
        var first = c.Task(Steps.Departments[0]);
        Assert.Equal((D(shortDue), D(longDue)), (first.ShortDue, first.LongDue));
        Assert.False(first.DeadlineProvisional);
    }

    [Theory]
    // 2024: 262 weekdays (366 days from Mon 01-01: 52 weeks + Mon, Tue) − 19 holidays on weekdays (元旦 1, 春节 5 of 02-10..17,
    // 清明 2 of 04-04..06, 劳动节 3 of 05-01..05, 端午 1, 中秋 2 of 09-15..17, 国庆 5 of 10-01..07) + 8 adjusted days = 251.
    [InlineData(2024, 251)]
    // 2025: 261 weekdays (365 days from Wed 01-01) − 18 holidays on weekdays (元旦 1, 春节 6 of 01-28..02-04, 清明 1,
    // 劳动节 3 of 05-01..05, 端午 1 of 05-31..06-02, 国庆 6 of 10-01..08) + 5 adjusted days = 248.
    [InlineData(2025, 248)]
    public void The_calendar_has_the_official_number_of_working_days(int year, int workdays)
    {
        int n = 0;
        for (var d = new DateOnly(year, 1, 1); d.Year == year; d = d.AddDays(1)) if (Cal.IsWorkday(d)) n++;
        Assert.Equal(workdays, n);
    }

    [Fact]
    public void A_procedure_of_other_departments_and_deadlines_is_followed_as_its_file_says()
    {
        // A county whose file names civil affairs then the Red Cross, 2 and 5 working days (no code change).
        var steps = new Doudi.Policy.Prevention.ReductionSteps([Department.CivilAffairs, Department.RedCross], 2, 5,
            new Doudi.Policy.Prevention.CitedText("测试〔2024〕1号 第七条", "2个/5个工作日内反馈"));
        var c = ReductionCase.Open(Cal, steps, "T-1", "H-T", 2023, 50000m, 30000m, "医保局 张三", At("2024-09-30", 9), "超过标准");
        var civil = c.Task(Department.CivilAffairs);
        // 10-01..10-07 off; Tue 10-08 = 1, Wed 10-09 = 2; Thu 10-10 = 3, Fri 10-11 = 4, Sat 10-12 (调休) = 5.
        Assert.Equal((D("2024-10-09"), D("2024-10-12")), (civil.ShortDue, civil.LongDue));
        Assert.Equal([Department.CivilAffairs, Department.RedCross], c.Tasks.Select(t => t.Department));
        Assert.Contains("已超过2个工作日", civil.Status(D("2024-10-10")).Zh);
        // A department the procedure does not ask has no task: refused, not a crash.
        var e = Assert.Throws<PreventionException>(() => c.Answer(Department.TradeUnion, AnswerKind.NotEligible, null, 0, "总工会 李", At("2024-10-08"), "不符合"));
        Assert.Equal("department_not_in_procedure", e.Code);
        c.Answer(Department.CivilAffairs, AnswerKind.NotEligible, null, 0, "民政 王", At("2024-10-08"), "不符合");
        Assert.Equal(TaskState.Asked, c.Task(Department.RedCross).State);
    }

    [Fact]
    public void Departments_are_asked_in_turn_and_see_only_their_own_tasks()
    {
        var c = Open();
        Assert.Empty(ReductionQueries.TasksFor([c], Department.VeteransAffairs, D("2024-10-08")));
        c.Answer(Department.TradeUnion, AnswerKind.AlreadyGranted, "职工医疗互助", 3000m, "总工会 李", At("2024-10-08"), "已享受职工医疗互助");
        Assert.Equal(D("2024-10-08"), c.Task(Department.VeteransAffairs).AskedOn);
        Assert.Equal(TaskState.Waiting, c.Task(Department.DisabledFederation).State);

        var va = Assert.Single(ReductionQueries.TasksFor([c], Department.VeteransAffairs, D("2024-10-08")));
        Assert.Null(va.OwnAnswer); // the trade union's grant is not shown to veterans affairs
        var tu = Assert.Single(ReductionQueries.TasksFor([c], Department.TradeUnion, D("2024-10-08")));
        Assert.Equal(3000m, tu.OwnAnswer!.Amount);
        var other = ReductionCase.Open(Cal, Steps, "JD-2024-002", "H-002", 2023, 60000m, 50000m, "医保局 张三", At("2024-10-08"), "低边家庭超标准");
        Assert.Equal(new[] { "JD-2024-001", "JD-2024-002" }, ReductionQueries.TasksFor([c, other], Department.TradeUnion, D("2024-10-08")).Select(v => v.CaseId));
        Assert.Empty(ReductionQueries.TasksFor([c, other], Department.Health, D("2024-10-08")));
    }

    [Fact]
    public void The_bureau_may_open_several_at_once_and_the_chain_skips_them()
    {
        var c = Open();
        c.AskInParallel([Department.Health, Department.CivilAffairs], "医保局 张三", At("2024-09-30", 11), "并行推送");
        Assert.Equal(TaskState.Asked, c.Task(Department.Health).State);
        c.Answer(Department.TradeUnion, AnswerKind.NotEligible, null, 0, "总工会 李", At("2024-10-08"), "非职工");
        c.Answer(Department.VeteransAffairs, AnswerKind.NotEligible, null, 0, "退役军人事务局 王", At("2024-10-08"), "非优抚对象");
        c.Answer(Department.DisabledFederation, AnswerKind.NotEligible, null, 0, "残联 赵", At("2024-10-08"), "无残疾证");
        // Health was already asked on 09-30: its deadlines are not reset, and Education waits for Health's answer.
        Assert.Equal(D("2024-09-30"), c.Task(Department.Health).AskedOn);
        Assert.Equal(TaskState.Waiting, c.Task(Department.Education).State);
    }

    [Theory]
    [InlineData(AnswerKind.AlreadyGranted, "2024-10-10", false)] // 3rd working day
    [InlineData(AnswerKind.AlreadyGranted, "2024-10-11", true)]
    [InlineData(AnswerKind.WillGrant, "2024-10-15", false)]      // 7th working day
    [InlineData(AnswerKind.WillGrant, "2024-10-16", true)]
    public void Answers_are_late_against_their_own_deadline(AnswerKind kind, string date, bool late)
    {
        var c = Open();
        c.Answer(Department.TradeUnion, kind, "职工医疗互助", 1000m, "总工会 李", At(date), "反馈");
        Assert.Equal(late, c.Task(Department.TradeUnion).Answer!.Late);
    }

    [Fact]
    public void Unanswered_tasks_are_flagged_after_3_and_overdue_after_7_working_days()
    {
        var c = Open();
        var tu = c.Task(Department.TradeUnion);
        Assert.False(tu.PastShortDeadline(D("2024-10-10")));
        Assert.True(tu.PastShortDeadline(D("2024-10-11")));
        Assert.False(tu.IsOverdue(D("2024-10-15")));
        Assert.True(tu.IsOverdue(D("2024-10-16")));
        Assert.Equal((Department.TradeUnion, D("2024-10-15")), ReductionQueries.Overdue([c], D("2024-10-16")).Select(o => (o.Department, o.Due)).Single());
        Assert.Contains("已逾期", ReductionQueries.TasksFor([c], Department.TradeUnion, D("2024-10-16")).Single().StatusZh);
        Assert.Throws<PreventionException>(() => c.RecordNoAnswer(Department.TradeUnion, "医保局 张三", At("2024-10-15"), "未反馈"));
        c.RecordNoAnswer(Department.TradeUnion, "医保局 张三", At("2024-10-16"), "逾期未反馈，登记后继续推送");
        Assert.Equal(TaskState.Asked, c.Task(Department.VeteransAffairs).State);
    }

    [Fact]
    public void Still_over_the_line_goes_review_taskforce_notice_payment()
    {
        var c = Open();
        c.Answer(Department.TradeUnion, AnswerKind.AlreadyGranted, "职工医疗互助", 3000m, "总工会 李", At("2024-10-08"), "已享受");
        RestNotEligibleUntil(c, Department.CivilAffairs, "2024-10-09");
        c.Answer(Department.CivilAffairs, AnswerKind.WillGrant, "临时救助", 5000m, "民政局 孙", At("2024-10-10"), "符合临时救助条件");
        c.Answer(Department.RedCross, AnswerKind.WillGrant, "博爱救助", 2000m, "红十字会 周", At("2024-10-11"), "符合条件");
        c.Answer(Department.CharityFederation, AnswerKind.NotEligible, null, 0, "慈善总会 吴", At("2024-10-11"), "无其他项目");

        // grants 3,000 + 5,000 + 2,000 = 10,000; remaining 50,000 − 10,000 = 40,000; over the 30,000 line by 10,000
        Assert.Equal(10000m, c.TotalGrants);
        Assert.Equal(40000m, c.RemainingBurden);
        Assert.Equal(10000m, c.OverLine);
        Assert.Equal(CaseStage.AwaitingBureauReview, c.Stage);

        Assert.Throws<PreventionException>(() => c.TaskforceDecision(true, "专班", At("2024-10-14"), "跳过初审")); // order enforced
        c.BureauReview(true, "医保局 张三", At("2024-10-14"), "材料齐全，数据核实无误");
        c.TaskforceDecision(true, "封顶制工作专班", At("2024-10-21"), "专班会议讨论通过");
        Assert.Equal(10000m, c.ApprovedAmount);
        c.StartPublicNotice(D("2024-11-01"), 7, false, "医保局 张三", At("2024-11-01"), "在村务公开栏公示");
        Assert.Equal(D("2024-11-07"), c.NoticeEnd); // 11-01 + 6 days: seven calendar days inclusive

        var o = c.RecordObjection("村民 某", "该户有营运车辆", At("2024-11-03"));
        Assert.Throws<PreventionException>(() => c.ClosePublicNotice("医保局 张三", At("2024-11-07"), "公示期满")); // not over yet
        var blocked = Assert.Throws<PreventionException>(() => c.ClosePublicNotice("医保局 张三", At("2024-11-08"), "公示期满"));
        Assert.Equal("notice_objection_pending", blocked.Code);
        c.ResolveObjection(o.Id, false, "医保局 张三", At("2024-11-08"), "经核实车辆已于2022年转让");
        c.ClosePublicNotice("医保局 张三", At("2024-11-08", 15), "公示期满，异议不成立");
        var pay = c.InstructPayment("医保局 张三", At("2024-11-09"), "请市慈善总会拨付");
        Assert.Equal((10000m, Department.CharityFederation, "H-001"), (pay.Amount, pay.Payer, pay.HouseholdId));
        Assert.Equal(CaseStage.PaymentInstructed, c.Stage);

        Assert.All(c.Events, e => { Assert.False(string.IsNullOrWhiteSpace(e.Actor)); Assert.False(string.IsNullOrWhiteSpace(e.Reason)); });
        Assert.Equal(Enumerable.Range(1, c.Events.Count), c.Events.Select(e => e.Seq));
        var tail = c.Events.Select(e => e.Kind).SkipWhile(k => k != "departments_completed").ToArray();
        Assert.Equal(new[] { "departments_completed", "bureau_review", "taskforce_decision", "public_notice_started",
            "objection_recorded", "objection_resolved", "public_notice_closed", "payment_instruction" }, tail);
    }

    [Fact]
    public void Grants_that_bring_the_burden_to_the_line_close_the_case()
    {
        // 32,000 − 2,000 = 30,000, not over the 30,000 line
        var c = Open(burden: 32000m);
        c.Answer(Department.TradeUnion, AnswerKind.WillGrant, "困难职工帮扶", 2000m, "总工会 李", At("2024-10-08"), "符合条件");
        RestNotEligible(c, "2024-10-09");
        Assert.Equal(0m, c.OverLine);
        Assert.Equal(CaseStage.ResolvedByDepartments, c.Stage);
        Assert.Throws<PreventionException>(() => c.BureauReview(true, "医保局", At("2024-10-10"), "x"));
    }

    [Fact]
    public void An_upheld_objection_rejects_the_case()
    {
        var c = Open();
        RestNotEligible(c, "2024-10-08");
        c.BureauReview(true, "医保局 张三", At("2024-10-14"), "初审通过");
        c.TaskforceDecision(true, "专班", At("2024-10-21"), "通过");
        Assert.Equal(20000m, c.ApprovedAmount); // no grants: 50,000 − 30,000
        c.StartPublicNotice(D("2024-11-01"), 5, true, "医保局 张三", At("2024-11-01"), "公示");
        Assert.Equal(D("2024-11-07"), c.NoticeEnd); // working days: Fri 11-01, Mon 11-04, Tue 11-05, Wed 11-06, Thu 11-07
        var o = c.RecordObjection("村民", "家庭收入不实", At("2024-11-02"));
        c.ResolveObjection(o.Id, true, "医保局 张三", At("2024-11-05"), "经核实家庭收入超标");
        Assert.Equal(CaseStage.Rejected, c.Stage);
        Assert.Throws<PreventionException>(() => c.InstructPayment("医保局", At("2024-11-09"), "拨付"));
    }

    [Fact]
    public void Bad_answers_and_cases_are_refused()
    {
        Assert.Equal("reduction_not_over_line", Assert.Throws<PreventionException>(() => Open(burden: 30000m)).Code);
        var c = Open();
        Assert.Equal("grant_needs_item_and_amount", Assert.Throws<PreventionException>(() =>
            c.Answer(Department.TradeUnion, AnswerKind.WillGrant, null, 1000m, "总工会", At("2024-10-08"), "x")).Code);
        Assert.Equal("grant_needs_item_and_amount", Assert.Throws<PreventionException>(() =>
            c.Answer(Department.TradeUnion, AnswerKind.AlreadyGranted, "互助", 0m, "总工会", At("2024-10-08"), "x")).Code);
        Assert.Equal("task_not_open", Assert.Throws<PreventionException>(() =>
            c.Answer(Department.Health, AnswerKind.NotEligible, null, 0, "卫健局", At("2024-10-08"), "x")).Code);
    }

    private static void RestNotEligibleUntil(ReductionCase c, Department stop, string date)
    {
        foreach (var d in InOrder.TakeWhile(d => d != stop))
            if (c.Task(d).State == TaskState.Asked)
                c.Answer(d, AnswerKind.NotEligible, null, 0, Departments.Name(d).Zh, At(date), "不符合本部门补助条件");
    }
}
