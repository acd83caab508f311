using Doudi.Policy.Prevention;
using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Calendar;
using Doudi.Prevention.Common;

namespace Doudi.Prevention.Reduction;

public enum CaseStage
{
    DepartmentsInProgress,   // 梯次减负中
    ResolvedByDepartments,   // 梯次减负后未超标准，结案
    AwaitingBureauReview,    // 待医保局初审
    AwaitingTaskforce,       // 待工作专班讨论
    AwaitingPublicNotice,    // 待社会公示
    InPublicNotice,          // 公示中
    AwaitingPayment,         // 公示无异议，待慈善总会拨付
    PaymentInstructed,       // 已下达拨付指令
    Rejected,                // 未通过
}

/// <summary>
/// Tiered burden reduction for one household (jiande's procedure; its clause is the household-cap job's
/// <c>reduction</c> in the region's relief file, which also names the departments, their order and their deadlines:
/// <see cref="ReductionSteps"/>): the bureau pushes the case to the departments, which answer in turn; the burden is recomputed with their grants; if it is still over the household's line the case
/// goes through bureau review, task-force decision and public notice to a payment instruction to the charity federation.
/// Times are passed in; every step is an event with actor, time and reason.
/// </summary>
public sealed class ReductionCase
{
    private readonly WorkdayCalendar _cal;
    private readonly List<CaseEvent> _events = new();
    private readonly List<Objection> _objections = new();
    private readonly Dictionary<Department, DepartmentTask> _tasks;

    /// <summary>The departments asked in turn, and their deadlines, as the region's policy file set them when the case opened.</summary>
    public ReductionSteps Steps { get; }

    public string CaseId { get; }
    public string HouseholdId { get; }
    public int CostYear { get; }
    /// <summary>The household's reasonable burden of the cost year, as the settlement system records it (二.(二)).</summary>
    public decimal ReasonableBurden { get; }
    /// <summary>The household's line (二.(三): 特困 5,000 / 低保 30,000 / 低边 50,000; POLICIES.md I-12).</summary>
    public decimal Line { get; }
    public CaseStage Stage { get; private set; }
    public decimal? ApprovedAmount { get; private set; }
    public DateOnly? NoticeStart { get; private set; }
    public DateOnly? NoticeEnd { get; private set; }
    public PaymentInstruction? Payment { get; private set; }

    public IReadOnlyList<CaseEvent> Events => _events;
    public IReadOnlyList<Objection> Objections => _objections;
    public IReadOnlyList<DepartmentTask> Tasks => Steps.Departments.Select(d => _tasks[d]).ToArray();

    /// <summary>The department's task; refused when the procedure does not ask that department.</summary>
    public DepartmentTask Task(Department d) => _tasks.TryGetValue(d, out var t) ? t
        : throw new PreventionException("department_not_in_procedure", $"{Departments.Name(d).Zh}不在本案件的梯次减负部门之列",
            $"{Departments.Name(d).En} is not one of this case's reduction departments");

    private ReductionCase(WorkdayCalendar cal, ReductionSteps steps, string caseId, string householdId, int costYear, decimal burden, decimal line)
    {
        _cal = cal;
        Steps = steps;
        CaseId = caseId; HouseholdId = householdId; CostYear = costYear; ReasonableBurden = burden; Line = line;
        _tasks = steps.Departments.ToDictionary(d => d, d => new DepartmentTask(d, steps.ShortDays, steps.LongDays));
    }

    /// <summary>Opens a case and asks the procedure's first department. Refuses a household that is not over its line.</summary>
    public static ReductionCase Open(WorkdayCalendar cal, ReductionSteps steps, string caseId, string householdId, int costYear,
        decimal reasonableBurden, decimal line, string actor, DateTimeOffset at, string reason)
    {
        if (steps.Departments.Count == 0) throw new ArgumentException("a reduction procedure asks at least one department", nameof(steps));
        if (reasonableBurden <= line)
            throw new PreventionException("reduction_not_over_line",
                $"家庭合理医疗费用负担 {reasonableBurden:0.00} 元未超过标准 {line:0.00} 元，无需梯次减负",
                $"household burden {reasonableBurden:0.00} is not over its line {line:0.00}; no reduction case");
        var c = new ReductionCase(cal, steps, caseId, householdId, costYear, reasonableBurden, line);
        c.Add("opened", actor, at, reason, amount: reasonableBurden);
        c.AskTask(steps.Departments[0], actor, at, "依次推送梯次减负数据");
        return c;
    }

    /// <summary>The bureau opens several departments at once instead of waiting for each in turn.</summary>
    public void AskInParallel(IEnumerable<Department> departments, string actor, DateTimeOffset at, string reason)
    {
        Require(CaseStage.DepartmentsInProgress);
        foreach (var d in departments)
            if (Task(d).State == TaskState.Waiting) AskTask(d, actor, at, reason);
    }

    /// <summary>A department's answer. Grants carry item and amount; lateness is judged by the answer's own deadline.</summary>
    public void Answer(Department d, AnswerKind kind, string? item, decimal amount, string actor, DateTimeOffset at, string reason)
    {
        Require(CaseStage.DepartmentsInProgress);
        var task = Task(d);
        if (task.State != TaskState.Asked)
            throw new PreventionException("task_not_open", $"{Departments.Name(d).Zh}的任务当前不可反馈（{task.Status(at.LocalDay()).Zh}）",
                $"{Departments.Name(d).En} has no open task ({task.Status(at.LocalDay()).En})");
        if (AnswerKinds.IsGrant(kind) && (string.IsNullOrWhiteSpace(item) || amount <= 0))
            throw new PreventionException("grant_needs_item_and_amount", "已享受或拟补助的，须反馈补助的具体项目及金额",
                "a grant must state its item and amount");
        if (!AnswerKinds.IsGrant(kind) && amount != 0)
            throw new PreventionException("no_grant_no_amount", "不符合条件的反馈不应填写金额", "a 'not eligible' answer has no amount");
        RequireAudit(actor, reason);
        bool late = kind != AnswerKind.NoAnswer && at.LocalDay() > task.DueFor(kind);
        task.Answer = new DepartmentAnswer(kind, item, Money.Round(amount), actor, at, reason, late);
        task.State = TaskState.Answered;
        Add("answered", actor, at, reason + (late ? "（逾期反馈）" : ""), d, task.Answer.Amount, item);
        AdvanceAfter(d, at);
    }

    /// <summary>The bureau records that a department never answered (after its long deadline), so the case can go on.</summary>
    public void RecordNoAnswer(Department d, string actor, DateTimeOffset at, string reason)
    {
        var task = Task(d);
        if (!task.IsOverdue(at.LocalDay()))
            throw new PreventionException("task_not_overdue", $"{Departments.Name(d).Zh}的任务尚未逾期", $"{Departments.Name(d).En}'s task is not overdue");
        Answer(d, AnswerKind.NoAnswer, null, 0, actor, at, reason);
    }

    public decimal TotalGrants => Tasks.Where(t => t.Answer is { } a && AnswerKinds.IsGrant(a.Kind)).Sum(t => t.Answer!.Amount);

    /// <summary>Burden after the departments' grants (never below zero).</summary>
    public decimal RemainingBurden => Math.Max(0, ReasonableBurden - TotalGrants);

    /// <summary>What the charity federation would pay: the part of the remaining burden over the line (100%, 二.(三)).</summary>
    public decimal OverLine => Math.Max(0, RemainingBurden - Line);

    public void BureauReview(bool approve, string actor, DateTimeOffset at, string reason)
    {
        Require(CaseStage.AwaitingBureauReview);
        RequireAudit(actor, reason);
        Add("bureau_review", actor, at, (approve ? "初审通过：" : "初审不通过：") + reason, amount: OverLine);
        Stage = approve ? CaseStage.AwaitingTaskforce : Reject(actor, at, reason);
    }

    public void TaskforceDecision(bool approve, string actor, DateTimeOffset at, string reason)
    {
        Require(CaseStage.AwaitingTaskforce);
        RequireAudit(actor, reason);
        if (approve) ApprovedAmount = OverLine;
        Add("taskforce_decision", actor, at, (approve ? "专班讨论通过：" : "专班讨论不通过：") + reason, amount: ApprovedAmount);
        Stage = approve ? CaseStage.AwaitingPublicNotice : Reject(actor, at, reason);
    }

    /// <summary>Public notice for <paramref name="days"/> calendar days from <paramref name="start"/> (inclusive), or working days if asked.</summary>
    public void StartPublicNotice(DateOnly start, int days, bool workingDays, string actor, DateTimeOffset at, string reason)
    {
        Require(CaseStage.AwaitingPublicNotice);
        RequireAudit(actor, reason);
        if (days < 1) throw new ArgumentOutOfRangeException(nameof(days));
        NoticeStart = start;
        // start counts as the first day of the notice
        NoticeEnd = workingDays ? _cal.AddWorkdays(_cal.OnOrNextWorkday(start), days - 1) : start.AddDays(days - 1);
        Add("public_notice_started", actor, at, $"{reason}（公示期 {start:yyyy-MM-dd} 至 {NoticeEnd:yyyy-MM-dd}）", amount: ApprovedAmount);
        Stage = CaseStage.InPublicNotice;
    }

    public Objection RecordObjection(string objector, string content, DateTimeOffset at)
    {
        Require(CaseStage.InPublicNotice);
        if (at.LocalDay() < NoticeStart || at.LocalDay() > NoticeEnd)
            throw new PreventionException("objection_outside_notice", $"异议须在公示期内（{NoticeStart:yyyy-MM-dd} 至 {NoticeEnd:yyyy-MM-dd}）提出",
                $"objections are taken during the notice period ({NoticeStart:yyyy-MM-dd}..{NoticeEnd:yyyy-MM-dd})");
        var o = new Objection(_objections.Count + 1, objector, content, at);
        _objections.Add(o);
        Add("objection_recorded", objector, at, content);
        return o;
    }

    /// <summary>An upheld objection ends the case; a dismissed one stops blocking it. Either way the reason is recorded.</summary>
    public void ResolveObjection(int id, bool upheld, string actor, DateTimeOffset at, string reason)
    {
        Require(CaseStage.InPublicNotice);
        RequireAudit(actor, reason);
        var o = _objections.SingleOrDefault(x => x.Id == id)
            ?? throw new PreventionException("objection_not_found", $"无此异议：{id}", $"no objection {id}");
        o.Upheld = upheld;
        o.Resolution = reason;
        Add("objection_resolved", actor, at, (upheld ? "异议成立：" : "异议不成立：") + reason);
        if (upheld) Stage = Reject(actor, at, reason);
    }

    /// <summary>Closes the notice after its last day. An objection not yet resolved blocks ("经社会公示无异议").</summary>
    public void ClosePublicNotice(string actor, DateTimeOffset at, string reason)
    {
        Require(CaseStage.InPublicNotice);
        RequireAudit(actor, reason);
        if (at.LocalDay() <= NoticeEnd)
            throw new PreventionException("notice_not_over", $"公示期至 {NoticeEnd:yyyy-MM-dd} 届满，尚不能结束", $"the notice runs until {NoticeEnd:yyyy-MM-dd}");
        var open = _objections.Where(o => o.Upheld is null).ToArray();
        if (open.Length > 0)
            throw new PreventionException("notice_objection_pending", $"公示期内有 {open.Length} 条异议尚未处理，不能拨付",
                $"{open.Length} objection(s) raised during the notice are unresolved; payment is blocked");
        Add("public_notice_closed", actor, at, reason);
        Stage = CaseStage.AwaitingPayment;
    }

    public PaymentInstruction InstructPayment(string actor, DateTimeOffset at, string reason)
    {
        Require(CaseStage.AwaitingPayment);
        RequireAudit(actor, reason);
        Payment = new PaymentInstruction(CaseId, HouseholdId, ApprovedAmount!.Value, Department.CharityFederation, actor, at, reason);
        Add("payment_instruction", actor, at, reason, Department.CharityFederation, Payment.Amount);
        Stage = CaseStage.PaymentInstructed;
        return Payment;
    }

    public static Bilingual StageName(CaseStage s) => s switch
    {
        CaseStage.DepartmentsInProgress => new("梯次减负中", "departments answering"),
        CaseStage.ResolvedByDepartments => new("梯次减负后未超过标准，已结案", "resolved by the departments"),
        CaseStage.AwaitingBureauReview => new("待医保局初审", "awaiting bureau review"),
        CaseStage.AwaitingTaskforce => new("待工作专班讨论", "awaiting task-force decision"),
        CaseStage.AwaitingPublicNotice => new("待社会公示", "awaiting public notice"),
        CaseStage.InPublicNotice => new("公示中", "in public notice"),
        CaseStage.AwaitingPayment => new("公示无异议，待慈善总会拨付", "awaiting payment by the charity federation"),
        CaseStage.PaymentInstructed => new("已下达拨付指令", "payment instructed"),
        _ => new("未通过", "rejected"),
    };

    private void AdvanceAfter(Department answered, DateTimeOffset at)
    {
        // 依次: ask the next department after the one that answered. One the bureau opened in parallel and that has
        // answered is passed over; one it opened that is still open carries the chain on when it answers.
        foreach (var next in Steps.Departments.SkipWhile(x => x != answered).Skip(1))
        {
            if (_tasks[next].State == TaskState.Answered) continue;
            if (_tasks[next].State == TaskState.Waiting) AskTask(next, "system", at, $"{Departments.Name(answered).Zh}已反馈，依次推送");
            break;
        }
        if (_tasks.Values.All(t => t.State == TaskState.Answered))
        {
            Add("departments_completed", "system", at, $"各部门反馈完毕：补助合计 {TotalGrants:0.00} 元，剩余合理负担 {RemainingBurden:0.00} 元，标准 {Line:0.00} 元", amount: RemainingBurden);
            if (OverLine > 0) Stage = CaseStage.AwaitingBureauReview;
            else
            {
                Stage = CaseStage.ResolvedByDepartments;
                Add("resolved_by_departments", "system", at, "梯次减负后家庭合理医疗费用负担未超过标准");
            }
        }
    }

    private void AskTask(Department d, string actor, DateTimeOffset at, string reason)
    {
        _tasks[d].Ask(at.LocalDay(), _cal);
        var t = _tasks[d];
        Add("asked", actor, at, $"{reason}（不符合/已享受于 {t.ShortDue:yyyy-MM-dd} 前反馈，拟补助于 {t.LongDue:yyyy-MM-dd} 前反馈）", d);
    }

    private CaseStage Reject(string actor, DateTimeOffset at, string reason)
    {
        Add("rejected", actor, at, reason);
        return CaseStage.Rejected;
    }

    private void Require(CaseStage s)
    {
        if (Stage != s)
            throw new PreventionException("case_wrong_stage", $"案件 {CaseId} 当前为“{StageName(Stage).Zh}”，不能进行此操作（需“{StageName(s).Zh}”）",
                $"case {CaseId} is '{StageName(Stage).En}', this step needs '{StageName(s).En}'");
    }

    private static void RequireAudit(string actor, string reason)
    {
        if (string.IsNullOrWhiteSpace(actor) || string.IsNullOrWhiteSpace(reason))
            throw new PreventionException("audit_fields_missing", "每一步须注明经办人和理由", "every step needs an actor and a reason");
    }

    private void Add(string kind, string actor, DateTimeOffset at, string reason, Department? d = null, decimal? amount = null, string? item = null) =>
        _events.Add(new CaseEvent(_events.Count + 1, kind, actor, at, reason, d, amount, item));
}

internal static class DateTimeOffsetExtensions
{
    /// <summary>The calendar date at the offset the caller gave (China: +08:00).</summary>
    public static DateOnly LocalDay(this DateTimeOffset t) => DateOnly.FromDateTime(t.DateTime);
}
