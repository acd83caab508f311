namespace Doudi.Prevention.Common;

/// <summary>A label shown to people: Simplified Chinese first (the reader is Chinese staff or a citizen), English beside it.</summary>
public sealed record Bilingual(string Zh, string En)
{
    public override string ToString() => Zh;
    public string In(string lang) => lang.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? En : Zh;
}

/// <summary>Money rounding used everywhere in this library: 0.01 yuan, half away from zero (POLICIES.md I-4).</summary>
public static class Money
{
    public static decimal Round(decimal amount) => Math.Round(amount, 2, MidpointRounding.AwayFromZero);
}
