using Doudi.Policy.Vocabulary;
namespace Doudi.Prevention.Reduction;

/// <summary>
/// One auditable step of a reduction case: what happened, who did it, when, and why. Kinds are stable codes:
/// opened, asked, answered, departments_completed, resolved_by_departments, bureau_review, taskforce_decision,
/// public_notice_started, objection_recorded, objection_resolved, public_notice_closed, payment_instruction, rejected.
/// </summary>
public sealed record CaseEvent(
    int Seq, string Kind, string Actor, DateTimeOffset At, string Reason,
    Department? Department = null, decimal? Amount = null, string? Item = null);

public sealed record Objection(int Id, string Objector, string Content, DateTimeOffset At)
{
    public bool? Upheld { get; internal set; }
    public string? Resolution { get; internal set; }
}

/// <summary>The instruction to the charity federation to pay the household (the last step of the region's reduction clause).</summary>
public sealed record PaymentInstruction(string CaseId, string HouseholdId, decimal Amount, Department Payer, string Actor, DateTimeOffset At, string Reason);
