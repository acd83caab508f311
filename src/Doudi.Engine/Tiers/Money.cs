namespace Doudi.Engine.Tiers;

public static class Money
{
    /// <summary>I-4: every amount paid by a tier is rounded to 0.01 yuan, half away from zero, on each bill.</summary>
    public static decimal Round(decimal amount) => Math.Round(amount, 2, MidpointRounding.AwayFromZero);

    public static decimal Pct(decimal ratio) => ratio * 100m;
}
