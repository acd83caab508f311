namespace Doudi.Engine.Tracing;

/// <summary>
/// What an annual step adds up: the bills (or the members' person-years) it looked at, each with the amount of
/// <see cref="Field"/> it took from that result, and for those left out the reason. <c>verify</c> checks every
/// counted entry against the result it names and that the counted amounts add up to <see cref="TotalInput"/>.
/// </summary>
/// <remarks>Year-end steps only (one per person-year or household-year), so a list here costs nothing per bill.</remarks>
public sealed class TraceBasis
{
    public TraceBasis(TraceBasisOf of, string field, string totalInput)
    {
        Of = of; Field = field; TotalInput = totalInput;
    }

    /// <summary>Whether the entries are bills (by bill id) or person-years (by person id, in the step's year).</summary>
    public TraceBasisOf Of { get; }

    /// <summary>The result field each entry's amount is (camelCase as in the result: <c>personalBurden</c>, <c>reasonableBurden</c>).</summary>
    public string Field { get; }

    /// <summary>The name of the step's input that is the sum of the counted entries (set before the step is made; a step never changes).</summary>
    public string TotalInput { get; set; }

    public List<TraceBasisEntry> Entries { get; } = [];

    /// <param name="detail">what the reader sees of the entry (how its amount is made up), or null</param>
    public TraceBasis Count(string id, decimal amount, string? detail = null)
    {
        Entries.Add(new(id, amount, null, detail));
        return this;
    }

    /// <summary>An entry looked at and left out: <paramref name="reason"/> is a code (<c>excluded</c>, <c>not_referred</c>,
    /// <c>outside_years</c>…), <paramref name="detail"/> the text a reader sees (may be null).</summary>
    public TraceBasis Leave(string id, decimal amount, string reason, string? detail = null)
    {
        Entries.Add(new(id, amount, reason, detail));
        return this;
    }
}

public enum TraceBasisOf { Bills, Persons }

/// <param name="Reason">null when counted; otherwise why it was left out (a code)</param>
public sealed record TraceBasisEntry(string Id, decimal Amount, string? Reason, string? Detail)
{
    public bool Counted => Reason is null;
}
