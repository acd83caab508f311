using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Reduction;
using Departments = Doudi.Prevention.Reduction.Departments;

namespace Doudi.Server.Prevention.Reduction;

/// <summary>What the bureau (and auditors) see of a case, and what a department sees: its own task only.</summary>
public static class ReductionViews
{
    public static ReductionCaseView Full(CaseHeader h, ReductionCase rc, DateOnly asOf, string? cite) => new(
        rc.CaseId, h.Region, rc.HouseholdId, rc.CostYear, cite, Codes.ToCode(rc.Stage), ReductionCase.StageName(rc.Stage).Zh, ReductionCase.StageName(rc.Stage).En,
        rc.ReasonableBurden, rc.Line, rc.TotalGrants, rc.RemainingBurden, rc.OverLine, rc.ApprovedAmount, rc.NoticeStart, rc.NoticeEnd, h.Origin, h.CreatedAt, h.CreatedBy,
        rc.Tasks.Select(t => Task(t, asOf)).ToList(),
        rc.Objections.Select(o => new ObjectionView(o.Id, o.Objector, o.Content, o.At, o.Upheld, o.Resolution)).ToList(),
        rc.Payment is { } p ? new PaymentInstructionView(Codes.ToCode(p.Payer), p.Amount, p.Actor, p.At, p.Reason) : null,
        rc.Events.Select(e => new CaseEventView(e.Seq, e.Kind, e.Actor, e.At, e.Reason, e.Department is { } d ? Codes.ToCode(d) : null, e.Amount, e.Item)).ToList());

    public static TaskView Task(DepartmentTask t, DateOnly asOf) => new(
        Codes.ToCode(t.Department), Departments.Name(t.Department).Zh, Codes.ToCode(t.State), t.AskedOn, t.ShortDue, t.LongDue, t.DeadlineProvisional,
        t.PastShortDeadline(asOf), t.IsOverdue(asOf), t.Status(asOf).Zh, t.Status(asOf).En, Answer(t.Answer));

    public static OwnTaskView Own(DepartmentTaskView v) => new(
        v.CaseId, v.HouseholdId, v.CostYear, v.ReasonableBurden, v.Line, Codes.ToCode(v.Department), Departments.Name(v.Department).Zh, Codes.ToCode(v.State),
        v.AskedOn, v.ShortDue, v.LongDue, v.PastShortDeadline, v.Overdue, v.StatusZh, v.StatusEn, Answer(v.OwnAnswer));

    private static AnswerView? Answer(DepartmentAnswer? a) =>
        a is null ? null : new(Codes.ToCode(a.Kind), AnswerKinds.Name(a.Kind).Zh, a.Item, a.Amount, a.Actor, a.At, a.Reason, a.Late);
}
