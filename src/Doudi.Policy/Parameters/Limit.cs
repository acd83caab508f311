using System.Globalization;

namespace Doudi.Policy.Parameters;

/// <summary>
/// An amount that may be <c>unlimited</c> (the text removes the limit) or <c>missing</c> (the text leaves
/// the number to local rules: I-10, I-11). A missing value is never read as zero: using one is an error.
/// </summary>
public readonly record struct Limit(decimal Amount, bool Unlimited, bool Missing)
{
    public static Limit Of(decimal amount) => new(amount, false, false);
    public static readonly Limit None = new(0, true, false);
    public static readonly Limit Unknown = new(0, false, true);

    public override string ToString() => Unlimited ? "unlimited" : Missing ? "missing" : Amount.ToString(CultureInfo.InvariantCulture);
}
