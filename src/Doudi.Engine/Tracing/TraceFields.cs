namespace Doudi.Engine.Tracing;

/// <summary>
/// Which trace steps give which amount of a result: <c>doudi verify</c> checks each field against its steps, so a
/// result's amounts follow from its trace and not only from the engine's word. A step name that sets a field must be
/// listed here; a new field of a result gets its line here.
/// </summary>
public static class TraceFields
{
    /// <param name="Field">the result field (camelCase, as written)</param>
    /// <param name="Steps">the step names that set it</param>
    /// <param name="Sum">true: the field is the sum of those steps' amounts; false: the amount of the last of them</param>
    /// <remarks>With no such step in the trace, the field must be 0.</remarks>
    public sealed record FromSteps(string Field, string[] Steps, bool Sum = false);

    /// <param name="Field">the person-year field</param>
    /// <param name="BillField">the bill field summed over the person's bills of the year</param>
    public sealed record FromBills(string Field, string BillField);

    public static readonly FromSteps[] Bill =
    [
        new("criticalIllness", ["critical_illness", "critical_illness_cap"]),
        new("assistanceBase", ["assistance_base"]),
        new("assistance", ["assistance", "assistance_limit"]),
        new("tilted", ["tilted", "tilted_limit"]),
        new("personalBurden", ["personal_burden"]),
        // I-24, only on a bill with assistance paid upstream under a policy that computes its own (absent otherwise).
        new("assistanceDifference", ["assistance_difference"]),
    ];

    public static readonly FromSteps[] Person =
    [
        new("specialAssistance", ["special_assistance", "special_assistance_limit"]),
        new("capRelief", ["cap_relief", "resolution"], Sum: true),
        new("personalBurden", ["personal_burden"]),
    ];

    public static readonly FromBills[] PersonFromBills =
    [
        new("assistance", "assistance"),
        new("tilted", "tilted"),
    ];

    public static readonly FromSteps[] Household =
    [
        new("reasonableBurden", ["household_burden"]),
        new("capRelief", ["cap_relief"]),
    ];
}
