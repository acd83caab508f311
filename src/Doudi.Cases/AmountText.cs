using System.Globalization;

namespace Doudi.Cases;

/// <summary>
/// Yuan amounts as JSON numbers: at most two decimals, trailing zeros dropped (3200, 3200.5, 0.01),
/// never an exponent, so a reader in any language gets the exact decimal back.
/// </summary>
public static class AmountText
{
    private const string Pattern = "0.##";

    public static bool HasAtMostTwoDecimals(decimal amount) => amount.Scale <= 2 || decimal.Round(amount, 2) == amount;

    public static string Format(decimal amount) => Normalize(amount).ToString(Pattern, CultureInfo.InvariantCulture);

    /// <summary>Writes the amount as UTF-8; the caller has checked <see cref="HasAtMostTwoDecimals"/> (the pattern would round).</summary>
    public static bool TryFormat(decimal amount, Span<byte> utf8, out int written)
    {
        // With at most two decimals, "0.##" is the value without its trailing zeros in the general format, which is
        // far cheaper than a custom pattern; anything else keeps the pattern.
        var plain = Doudi.Engine.Tracing.DecimalText.Normalize(Normalize(amount));
        return plain.Scale <= 2
            ? plain.TryFormat(utf8, out written, default, CultureInfo.InvariantCulture)
            : Normalize(amount).TryFormat(utf8, out written, Pattern, CultureInfo.InvariantCulture);
    }

    // decimal keeps a sign on zero (-0.00); an amount of nothing is written as 0.
    private static decimal Normalize(decimal amount) => amount == 0m ? 0m : amount;
}
