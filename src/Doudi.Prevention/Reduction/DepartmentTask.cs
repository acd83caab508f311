using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Common;

namespace Doudi.Prevention.Reduction;

public enum TaskState { Waiting, Asked, Answered }

public sealed record DepartmentAnswer(AnswerKind Kind, string? Item, decimal Amount, string Actor, DateTimeOffset At, string Reason, bool Late);

/// <summary>
/// One department's task in a case. When asked, it gets two deadlines in working days, both from the region's policy
/// file (<c>reduction.answer_within</c>): the short one for "not eligible" or "already granted", the long one for
/// "will grant". Which one applies is known only from the answer, so an open task is "past the short deadline" after
/// the short one and overdue after the long one.
/// </summary>
public sealed class DepartmentTask
{
    public int ShortDays { get; }
    public int LongDays { get; }

    public Department Department { get; }
    public TaskState State { get; internal set; } = TaskState.Waiting;
    public DateOnly? AskedOn { get; private set; }
    public DateOnly? ShortDue { get; private set; }
    public DateOnly? LongDue { get; private set; }
    public bool DeadlineProvisional { get; private set; }
    public DepartmentAnswer? Answer { get; internal set; }

    internal DepartmentTask(Department d, int shortDays, int longDays) => (Department, ShortDays, LongDays) = (d, shortDays, longDays);

    internal void Ask(DateOnly on, Calendar.WorkdayCalendar cal)
    {
        State = TaskState.Asked;
        AskedOn = on;
        var s = cal.WorkdayDeadline(on, ShortDays);
        var l = cal.WorkdayDeadline(on, LongDays);
        ShortDue = s.Date;
        LongDue = l.Date;
        DeadlineProvisional = s.Provisional || l.Provisional;
    }

    public DateOnly? DueFor(AnswerKind k) => k is AnswerKind.WillGrant ? LongDue : ShortDue;

    /// <summary>Unanswered past the short deadline: only a "will grant" answer can still be on time.</summary>
    public bool PastShortDeadline(DateOnly asOf) => State == TaskState.Asked && asOf > ShortDue;

    /// <summary>Unanswered past the long deadline: no answer can be on time any more.</summary>
    public bool IsOverdue(DateOnly asOf) => State == TaskState.Asked && asOf > LongDue;

    public Bilingual Status(DateOnly asOf) => State switch
    {
        TaskState.Waiting => new("待前序部门反馈", "waiting for the previous department"),
        TaskState.Answered => new($"已反馈：{AnswerKinds.Name(Answer!.Kind).Zh}" + (Answer.Late ? "（逾期）" : ""),
                                  $"answered: {AnswerKinds.Name(Answer.Kind).En}" + (Answer.Late ? " (late)" : "")),
        _ when IsOverdue(asOf) => new($"已逾期（应于 {LongDue:yyyy-MM-dd} 前反馈）", $"overdue (due {LongDue:yyyy-MM-dd})"),
        _ when PastShortDeadline(asOf) => new($"已超过{ShortDays}个工作日（{ShortDue:yyyy-MM-dd}），仅可答复符合条件拟补助，截止 {LongDue:yyyy-MM-dd}",
                                             $"past {ShortDays} working days ({ShortDue:yyyy-MM-dd}); only 'will grant' still on time, due {LongDue:yyyy-MM-dd}"),
        _ => new($"待反馈（不符合/已享受：{ShortDue:yyyy-MM-dd} 前；拟补助：{LongDue:yyyy-MM-dd} 前）",
                 $"open (not eligible / already granted by {ShortDue:yyyy-MM-dd}; will grant by {LongDue:yyyy-MM-dd})"),
    };
}
