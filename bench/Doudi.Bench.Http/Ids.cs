namespace Doudi.Bench.Http;

/// <summary>Valid made-up ID numbers (GB 11643 check character).</summary>
public static class Ids
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    public static string Make(string area, DateOnly birth, int seq)
    {
        var s = $"{area}{birth:yyyyMMdd}{seq % 1000:D3}";
        var sum = 0;
        for (var i = 0; i < 17; i++) sum += (s[i] - '0') * Weights[i];
        return s + "10X98765432"[sum % 11];
    }
}
