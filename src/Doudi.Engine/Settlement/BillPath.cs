namespace Doudi.Engine.Settlement;

/// <summary>
/// The JSON path of the bill being settled (<c>bills[3]</c>, or a fixed prefix such as <c>bill</c>), made into text
/// only when a problem is reported: a million bills that settle cleanly cost no path strings.
/// </summary>
internal readonly struct BillPath
{
    private readonly string? _prefix;
    private readonly int _index;

    private BillPath(string? prefix, int index) { _prefix = prefix; _index = index; }

    /// <summary>The path <c>bills[index]</c> of a bill in a case file.</summary>
    public static BillPath InCase(int index) => new(null, index);

    /// <summary>A fixed path, e.g. <c>bill</c> for a bill settled on its own.</summary>
    public static BillPath Fixed(string path) => new(path, -1);

    public override string ToString() => _prefix ?? $"bills[{_index}]";

    public static implicit operator string(BillPath path) => path.ToString();

    public static string operator +(BillPath path, string suffix) => path.ToString() + suffix;
}
