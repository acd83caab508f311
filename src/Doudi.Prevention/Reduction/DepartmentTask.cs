using Doudi.Prevention.Common;

namespace Doudi.Prevention.Reduction;

public enum TaskState { Waiting, Asked, Answered }

public sealed record DepartmentAnswer(AnswerKind Kind, string? Item, decimal Amount, string Actor, DateTimeOffset At, string Reason, bool Late);

/// <summary>
/// One department's task in a case. When asked, it gets two deadlines: 3 working days for "not eligible" or
/// "already granted", 7 working days for "will grant" (三.(四)). Which one applies is known only from the answer, so
/// an open task is "past the short deadline" after 3 and overdue after 7 working days.
/// </summary>
public sealed class DepartmentTask
{
    public const int ShortDays = 3, LongDays = 7;

    public Department Department { get; }
    public TaskState State { get; internal set; } = TaskState.Waiting;
    public DateOnly? AskedOn { get; private set; }
    public DateOnly? ShortDue { get; private set; }
    public DateOnly? LongDue { get; private set; }
    public bool DeadlineProvisional { get; private set; }
    public DepartmentAnswer? Answer { get; internal set; }

    internal DepartmentTask(Department d) => Department = d;

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

    /// <summary>Unanswered past the 3-working-day deadline: only a "will grant" answer can still be on time.</summary>
    public bool PastShortDeadline(DateOnly asOf) => State == TaskState.Asked && asOf > ShortDue;

    /// <summary>Unanswered past the 7-working-day deadline: no answer can be on time any more.</summary>
    public bool IsOverdue(DateOnly asOf) => State == TaskState.Asked && asOf > LongDue;

    public Bilingual Status(DateOnly asOf) => State switch
    {
        TaskState.Waiting => new("待前序部门反馈", "waiting for the previous department"),
        TaskState.Answered => new($"已反馈：{AnswerKinds.Name(Answer!.Kind).Zh}" + (Answer.Late ? "（逾期）" : ""),
                                  $"answered: {AnswerKinds.Name(Answer.Kind).En}" + (Answer.Late ? " (late)" : "")),
        _ when IsOverdue(asOf) => new($"已逾期（应于 {LongDue:yyyy-MM-dd} 前反馈）", $"overdue (due {LongDue:yyyy-MM-dd})"),
        _ when PastShortDeadline(asOf) => new($"已超过3个工作日（{ShortDue:yyyy-MM-dd}），仅可答复符合条件拟补助，截止 {LongDue:yyyy-MM-dd}",
                                             $"past 3 working days ({ShortDue:yyyy-MM-dd}); only 'will grant' still on time, due {LongDue:yyyy-MM-dd}"),
        _ => new($"待反馈（不符合/已享受：{ShortDue:yyyy-MM-dd} 前；拟补助：{LongDue:yyyy-MM-dd} 前）",
                 $"open (not eligible / already granted by {ShortDue:yyyy-MM-dd}; will grant by {LongDue:yyyy-MM-dd})"),
    };
}
