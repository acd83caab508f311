namespace Doudi.Server.Prevention.Reduction;

/// <summary><c>POST /api/reduction-cases</c>: open the case of a household over its line, from the latest year-end result of its cost year.</summary>
public sealed record OpenCaseRequest(string Household, int CostYear, string? Reason = null);

/// <summary>A department's answer: not_eligible, already_granted or will_grant (a grant with its item and amount).</summary>
public sealed record AnswerRequest(string Kind, string Reason, string? Item = null, decimal? Amount = null);

public sealed record ReasonRequest(string Reason);

public sealed record ParallelRequest(IReadOnlyList<string> Departments, string Reason);

public sealed record ApprovalRequest(bool Approve, string Reason);

/// <summary>Public notice from <see cref="Start"/> for <see cref="Days"/> calendar days (working days if <see cref="WorkingDays"/>).</summary>
public sealed record PublicNoticeRequest(DateOnly Start, int Days, string Reason, bool? WorkingDays = null);

public sealed record ObjectionRequest(string Objector, string Content);

public sealed record ObjectionResolutionRequest(bool Upheld, string Reason);

public sealed record ReductionPaymentRequest(string Reference);

public sealed record AnswerView(string Kind, string KindName, string? Item, decimal Amount, string Actor, DateTimeOffset At, string Reason, bool Late);

/// <summary>A department's task in a case, as the bureau sees it.</summary>
public sealed record TaskView(string Department, string DepartmentName, string State, DateOnly? AskedOn, DateOnly? ShortDue, DateOnly? LongDue,
    bool DeadlineProvisional, bool PastShortDeadline, bool Overdue, string Status, string StatusEn, AnswerView? Answer);

public sealed record ObjectionView(int Id, string Objector, string Content, DateTimeOffset At, bool? Upheld, string? Resolution);

public sealed record PaymentInstructionView(string Payer, decimal Amount, string Actor, DateTimeOffset At, string Reason);

public sealed record CaseEventView(int Seq, string Kind, string Actor, DateTimeOffset At, string Reason, string? Department, decimal? Amount, string? Item);

/// <summary>A case as the bureau and auditors see it; <see cref="Cite"/> is the procedure's clause (the region's household-cap job's <c>reduction</c>).</summary>
public sealed record ReductionCaseView(string Id, string Region, string Household, int CostYear, string? Cite, string Stage, string StageName, string StageNameEn,
    decimal ReasonableBurden, decimal Line, decimal TotalGrants, decimal RemainingBurden, decimal OverLine, decimal? ApprovedAmount, DateOnly? NoticeStart,
    DateOnly? NoticeEnd, string Origin, DateTimeOffset CreatedAt, string CreatedBy, IReadOnlyList<TaskView> Tasks, IReadOnlyList<ObjectionView> Objections,
    PaymentInstructionView? Payment, IReadOnlyList<CaseEventView> Events);

/// <summary>What a department sees of a case: its own task only.</summary>
public sealed record OwnTaskView(string CaseId, string Household, int CostYear, decimal ReasonableBurden, decimal Line, string Department, string DepartmentName,
    string State, DateOnly? AskedOn, DateOnly? ShortDue, DateOnly? LongDue, bool PastShortDeadline, bool Overdue, string Status, string StatusEn, AnswerView? Answer);

public sealed record DepartmentTaskList(string Department, DateOnly AsOf, IReadOnlyList<OwnTaskView> Items);

public sealed record OverdueTask(string CaseId, string Department, string DepartmentName, DateOnly Due);

public sealed record OverdueList(DateOnly AsOf, IReadOnlyList<OverdueTask> Items);

public sealed record PaidView(string Id, decimal Amount, DateOnly PaidOn, string CreatedBy);

public sealed record PaymentInstructionItem(string CaseId, string Region, string Household, int CostYear, decimal Amount, string InstructedBy,
    DateTimeOffset InstructedAt, string Reason, PaidView? Paid);

public sealed record PaymentInstructionList(IReadOnlyList<PaymentInstructionItem> Items);
