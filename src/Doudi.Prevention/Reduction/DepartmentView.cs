using Doudi.Policy.Vocabulary;
namespace Doudi.Prevention.Reduction;

/// <summary>What a department sees of a case: its own task only — never another department's answer or grant.</summary>
public sealed record DepartmentTaskView(
    string CaseId, string HouseholdId, int CostYear, decimal ReasonableBurden, decimal Line, Department Department,
    TaskState State, DateOnly? AskedOn, DateOnly? ShortDue, DateOnly? LongDue, bool PastShortDeadline, bool Overdue,
    string StatusZh, string StatusEn, DepartmentAnswer? OwnAnswer);

public static class ReductionQueries
{
    /// <summary>The tasks a department has been asked (waiting tasks stay invisible until it is their turn).</summary>
    public static IReadOnlyList<DepartmentTaskView> TasksFor(IEnumerable<ReductionCase> cases, Department department, DateOnly asOf) =>
        cases.Select(c => (c, t: c.Task(department)))
            .Where(x => x.t.State != TaskState.Waiting)
            .Select(x => new DepartmentTaskView(x.c.CaseId, x.c.HouseholdId, x.c.CostYear, x.c.ReasonableBurden, x.c.Line, department,
                x.t.State, x.t.AskedOn, x.t.ShortDue, x.t.LongDue, x.t.PastShortDeadline(asOf), x.t.IsOverdue(asOf),
                x.t.Status(asOf).Zh, x.t.Status(asOf).En, x.t.Answer))
            .ToArray();

    /// <summary>For the bureau: every unanswered task past its long deadline (the procedure's "will grant" days).</summary>
    public static IReadOnlyList<(string CaseId, Department Department, DateOnly Due)> Overdue(IEnumerable<ReductionCase> cases, DateOnly asOf) =>
        cases.SelectMany(c => c.Tasks.Where(t => t.IsOverdue(asOf)).Select(t => (c.CaseId, t.Department, t.LongDue!.Value))).ToArray();
}
