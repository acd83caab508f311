namespace Doudi.Analysis.Reconciliation;

/// <summary>One step of a bill's trace, as text a reader can check (the engine's step, rule, arithmetic and interpretation).</summary>
public sealed record TraceLine(string Step, decimal Amount, string Rule, string Detail, string? Interpretation);

/// <summary>
/// A bill where the platform paid other than the policy gives: <see cref="Difference"/> = due − paid, positive to pay
/// (应补), negative to recover (应退). <see cref="Trace"/> explains the amount due. <see cref="Emergency"/> is the bill's
/// emergency (紧急情况, given or from med_type 13/24), which can change the amount due (P-8): last, so that the fields
/// published before it keep their places, and false in items stored before it existed.
/// </summary>
public sealed record BillDifference(string SetlId, string Person, string? Name, string? Township, string? Institution, string? InstitutionName,
    DateOnly Date, string Kind, string? Category, decimal Paid, decimal Due, decimal Difference, bool InRegistry, long Line, IReadOnlyList<TraceLine> Trace,
    bool Emergency = false)
{
    public string Direction => Difference > 0 ? "to_pay" : "to_recover";
}

/// <summary>A person's year: what the platform paid and what is due over all the person's bills, and the differences both ways.</summary>
public sealed record PersonDifference(string Person, string? Name, string? Township, int Bills, int Differing, decimal Paid, decimal Due, decimal ToPay, decimal ToRecover)
{
    public decimal Net => ToPay - ToRecover;
}

/// <summary>Totals of a township or an institution.</summary>
public sealed record GroupTotal(string Key, string? Name, int Bills, decimal Paid, decimal Due, int Underpaid, decimal ToPay, int Overpaid, decimal ToRecover);

public sealed class ReconciliationReport
{
    public required string Region { get; init; }
    public required string Profile { get; init; }
    public required string Source { get; init; }
    public int Bills { get; set; }
    public int Persons { get; set; }
    public decimal Paid { get; set; }
    public decimal Due { get; set; }
    public decimal ToPay { get; set; }
    public decimal ToRecover { get; set; }
    /// <summary>Bills of persons the registry does not know (nothing is due to them).</summary>
    public int NotInRegistry { get; set; }
    public List<BillDifference> Underpaid { get; } = [];
    public List<BillDifference> Overpaid { get; } = [];
    public List<PersonDifference> PersonsDiffering { get; } = [];
    public List<GroupTotal> ByTownship { get; } = [];
    public List<GroupTotal> ByInstitution { get; } = [];
    /// <summary>What the comparison does and does not cover, for the reader of the report.</summary>
    public List<string> Notes { get; } = [];
}
