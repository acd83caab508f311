namespace Doudi.Synthetic;

/// <summary>Random draws used by the generator (all from a seeded <see cref="Random"/>, so the output is reproducible).</summary>
internal static class Draw
{
    public static int Weighted(Random rng, ReadOnlySpan<int> weights)
    {
        int total = 0;
        foreach (int w in weights) total += w;
        int r = rng.Next(total);
        for (int i = 0; i < weights.Length; i++)
        {
            if (r < weights[i]) return i;
            r -= weights[i];
        }
        return weights.Length - 1;
    }

    public static int Weighted(Random rng, ReadOnlySpan<double> weights)
    {
        double total = 0;
        foreach (double w in weights) total += w;
        double r = rng.NextDouble() * total;
        for (int i = 0; i < weights.Length; i++)
        {
            if (r < weights[i]) return i;
            r -= weights[i];
        }
        return weights.Length - 1;
    }

    /// <summary>Log-uniform amount in fen between two yuan bounds: many small bills, a long tail.</summary>
    public static long Fen(Random rng, double minYuan, double maxYuan) =>
        (long)(Math.Exp(Math.Log(minYuan) + (Math.Log(maxYuan) - Math.Log(minYuan)) * rng.NextDouble()) * 100);

    /// <summary>Poisson count (Knuth for small means, a rounded normal above 30).</summary>
    public static int Poisson(Random rng, double mean)
    {
        if (mean <= 0) return 0;
        if (mean > 30)
        {
            double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
            double z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            return Math.Max(0, (int)Math.Round(mean + z * Math.Sqrt(mean)));
        }
        double l = Math.Exp(-mean), p = 1;
        int k = 0;
        do { k++; p *= rng.NextDouble(); } while (p > l);
        return k - 1;
    }

    /// <summary>A generator for one purpose of one unit (household, person…), independent of every other draw.</summary>
    /// <remarks>Not <see cref="HashCode"/>: it is randomised per process. SplitMix64 mixes the three numbers the same way everywhere.</remarks>
    public static Random For(int seed, int unit, int purpose)
    {
        ulong z = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ (ulong)(uint)unit << 20 ^ (ulong)(uint)purpose;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return new Random((int)(z & 0x7fffffff));
    }
}
