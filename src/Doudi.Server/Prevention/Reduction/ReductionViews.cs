using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Reduction;
using Departments = Doudi.Prevention.Reduction.Departments;

namespace Doudi.Server.Prevention.Reduction;

/// <summary>What the bureau (and auditors) see of a case, and what a department sees: its own task only.</summary>
public static class ReductionViews
{
    public static object Full(CaseHeader h, ReductionCase rc, DateOnly asOf, string? cite) => new
    {
        id = rc.CaseId, h.Region, household = rc.HouseholdId, costYear = rc.CostYear, cite,
        stage = Codes.ToCode(rc.Stage), stageName = ReductionCase.StageName(rc.Stage).Zh, stageNameEn = ReductionCase.StageName(rc.Stage).En,
        reasonableBurden = rc.ReasonableBurden, line = rc.Line, totalGrants = rc.TotalGrants, remainingBurden = rc.RemainingBurden, overLine = rc.OverLine,
        approvedAmount = rc.ApprovedAmount, noticeStart = rc.NoticeStart, noticeEnd = rc.NoticeEnd, h.Origin, h.CreatedAt, h.CreatedBy,
        tasks = rc.Tasks.Select(t => Task(t, asOf)),
        objections = rc.Objections.Select(o => new { o.Id, o.Objector, o.Content, o.At, o.Upheld, o.Resolution }),
        payment = rc.Payment is { } p ? new { payer = Codes.ToCode(p.Payer), p.Amount, p.Actor, p.At, p.Reason } : null,
        events = rc.Events.Select(e => new { e.Seq, e.Kind, e.Actor, e.At, e.Reason, department = e.Department is { } d ? Codes.ToCode(d) : null, e.Amount, e.Item }),
    };

    public static object Task(DepartmentTask t, DateOnly asOf) => new
    {
        department = Codes.ToCode(t.Department), departmentName = Departments.Name(t.Department).Zh, state = Codes.ToCode(t.State),
        askedOn = t.AskedOn, shortDue = t.ShortDue, longDue = t.LongDue, deadlineProvisional = t.DeadlineProvisional,
        pastShortDeadline = t.PastShortDeadline(asOf), overdue = t.IsOverdue(asOf), status = t.Status(asOf).Zh, statusEn = t.Status(asOf).En,
        answer = t.Answer is { } a ? new { kind = Codes.ToCode(a.Kind), kindName = AnswerKinds.Name(a.Kind).Zh, a.Item, a.Amount, a.Actor, a.At, a.Reason, a.Late } : null,
    };

    public static object Own(DepartmentTaskView v) => new
    {
        caseId = v.CaseId, household = v.HouseholdId, costYear = v.CostYear, reasonableBurden = v.ReasonableBurden, line = v.Line,
        department = Codes.ToCode(v.Department), departmentName = Departments.Name(v.Department).Zh, state = Codes.ToCode(v.State),
        askedOn = v.AskedOn, shortDue = v.ShortDue, longDue = v.LongDue, pastShortDeadline = v.PastShortDeadline, overdue = v.Overdue,
        status = v.StatusZh, statusEn = v.StatusEn,
        answer = v.OwnAnswer is { } a ? new { kind = Codes.ToCode(a.Kind), kindName = AnswerKinds.Name(a.Kind).Zh, a.Item, a.Amount, a.Actor, a.At, a.Reason, a.Late } : null,
    };
}
