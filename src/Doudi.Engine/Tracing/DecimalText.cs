using System.Globalization;

namespace Doudi.Engine.Tracing;

/// <summary>
/// Decimals as an auditor writes them (no trailing zeros, no exponent), written into a span: writing a million
/// bills' amounts and trace details must not make a string per number.
/// </summary>
public static class DecimalText
{
    /// <summary>
    /// The value with its trailing fractional zeros removed (3200.50 → 3200.5, 12.00 → 12): the same value and scale
    /// as <c>value / 1.0000000000000000000000000000m</c>, which is how <see cref="TraceStep.Show"/> normalises, without the division.
    /// </summary>
    public static decimal Normalize(decimal value)
    {
        int scale = value.Scale;
        if (scale == 0) return value;
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        bool negative = bits[3] < 0;
        if (bits[2] == 0)
        {
            ulong u = ((ulong)(uint)bits[1] << 32) | (uint)bits[0];
            if (u == 0) return decimal.Zero;
            while (scale > 0 && u % 10 == 0) { u /= 10; scale--; }
            return new decimal((int)(uint)u, (int)(uint)(u >> 32), 0, negative, (byte)scale);
        }
        UInt128 w = ((UInt128)(uint)bits[2] << 64) | ((ulong)(uint)bits[1] << 32) | (uint)bits[0];
        while (scale > 0)
        {
            var (q, r) = UInt128.DivRem(w, 10);
            if (r != 0) break;
            w = q;
            scale--;
        }
        return new decimal((int)(uint)w, (int)(uint)(w >> 32), (int)(uint)(w >> 64), negative, (byte)scale);
    }

    /// <summary>Writes <see cref="TraceStep.Show"/>'s text of the value (UTF-16).</summary>
    public static bool TryFormat(decimal value, Span<char> destination, out int written) =>
        Normalize(value).TryFormat(destination, out written, default, CultureInfo.InvariantCulture);

    /// <summary>Writes <see cref="TraceStep.Show"/>'s text of the value (UTF-8).</summary>
    public static bool TryFormat(decimal value, Span<byte> utf8, out int written) =>
        Normalize(value).TryFormat(utf8, out written, default, CultureInfo.InvariantCulture);
}
