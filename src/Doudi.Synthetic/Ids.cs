namespace Doudi.Synthetic;

/// <summary>
/// Synthetic ID numbers (居民身份证号码): 18 characters with a valid check digit (GB 11643) and birth date, so the
/// server accepts them, but an area code beginning with 9, which no real area has: they can never be a real person's.
/// Unique per person index: the area and sequence digits are the index.
/// </summary>
internal static class Ids
{
    private static readonly int[] Factors = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckChars = "10X98765432";

    public static string Make(int index, DateOnly birth)
    {
        var first17 = $"9{index / 1000 % 100000:D5}{birth:yyyyMMdd}{index % 1000:D3}";
        int sum = 0;
        for (int i = 0; i < 17; i++) sum += (first17[i] - '0') * Factors[i];
        return first17 + CheckChars[sum % 11];
    }
}
