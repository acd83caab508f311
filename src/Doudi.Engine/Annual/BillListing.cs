using Doudi.Engine.Tracing;
using Doudi.Policy.Parameters;

namespace Doudi.Engine.Annual;

/// <summary>
/// The year-end steps that list one bill (counted into an annual amount, or left out with the reason): the text names
/// the bill for a reader, the basis names it for <c>doudi verify</c>, which checks the amount against that bill's result.
/// </summary>
internal static class BillListing
{
    /// <param name="field">the bill's result field the amount is (personalBurden, reasonableBurden)</param>
    public static TraceStep Counted(string step, Citation cite, string? interpretation, string billId, string field, decimal amount, string text) =>
        new(step, amount, cite, interpretation, Formulas.Total, Literal(text), amount)
        {
            Basis = new TraceBasis(TraceBasisOf.Bills, field, "total").Count(billId, amount),
        };

    /// <param name="reason">a code: outside_rule_period, no_identity, excluded, not_referred</param>
    public static TraceStep Left(string step, Citation cite, string? interpretation, string billId, string field, decimal amount, string reason, string text) =>
        new(step, 0m, cite, interpretation, Formulas.None, Literal(text))
        {
            Basis = new TraceBasis(TraceBasisOf.Bills, field, "total").Leave(billId, amount, reason),
        };

    /// <summary>Text made of data (ids, dates) as a template: braces in an id must not read as placeholders.</summary>
    public static string Literal(string text) => text.Contains('{') || text.Contains('}') ? text.Replace("{", "{{").Replace("}", "}}") : text;
}
