using Doudi.Policy.Periods;

namespace Doudi.Engine.Tracing;

/// <summary>
/// The engine's general mechanisms whose interpretation is decided once for every policy: their steps cite the I-n the
/// register gives (<c>mechanisms:</c> in policies/interpretations.yaml), so the number is data, not code.
/// </summary>
internal static class Mechanisms
{
    /// <summary>Annual limits fill in settlement order (I-3).</summary>
    public const string LimitOrder = "limit_order";
    /// <summary>Per-bill rounding to the fen, limits after rounding (I-4).</summary>
    public const string Rounding = "rounding";
    /// <summary>What the personal burden is, per bill and per year (I-14).</summary>
    public const string PersonalBurden = "personal_burden";

    public static string? Interpretation(this PolicyPeriod period, string mechanism) => period.Interpretations.ForMechanism(mechanism);
}
