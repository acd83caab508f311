namespace Doudi.Server.Registry;

/// <summary>
/// Resident identity card numbers (公民身份号码, GB 11643-1999): 17 digits and a check character
/// (ISO 7064 MOD 11-2; 'X' stands for 10), with a plausible date of birth in characters 7–14.
/// </summary>
public static class ChineseId
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckChars = "10X98765432";

    public static readonly Api.Text Invalid = new("身份证号无效（18 位，校验位不符或出生日期不对）", "not a valid ID number (18 characters, check digit and birth date)");

    public static char CheckChar(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++) sum += (first17[i] - '0') * Weights[i];
        return CheckChars[sum % 11];
    }

    public static bool IsValid(string? id)
    {
        if (id is null || id.Length != 18) return false;
        for (var i = 0; i < 17; i++) if (id[i] is < '0' or > '9') return false;
        if (char.ToUpperInvariant(id[17]) != CheckChar(id.AsSpan(0, 17))) return false;
        return DateOnly.TryParseExact(id.AsSpan(6, 8), "yyyyMMdd", out var birth) && birth.Year >= 1900
            && birth <= DateOnly.FromDateTime(DateTime.UtcNow.Add(Api.Timestamps.ChinaStandardTime));
    }

    /// <summary>Trimmed, with the check character 'x' in upper case: how ID numbers are stored and compared everywhere.</summary>
    public static string Normalize(string id) => id.Trim().ToUpperInvariant();

    /// <summary>Shaped like an ID number (17 digits and a digit or X/x), whether or not it is valid.</summary>
    public static bool LooksLikeIdNumber(string? key)
    {
        if (key is null) return false;
        var k = key.Trim();
        if (k.Length != 18) return false;
        for (var i = 0; i < 17; i++) if (k[i] is < '0' or > '9') return false;
        return k[17] is (>= '0' and <= '9') or 'X' or 'x';
    }

    /// <summary>
    /// A person key (our id, the national psn_no, or an ID number) as looked up: an ID-number-shaped key is normalised
    /// (lower-case x → X), so 3303…123x and 3303…123X find the same person.
    /// </summary>
    public static string NormalizeKey(string key) => LooksLikeIdNumber(key) ? Normalize(key) : key.Trim();

    /// <summary>Builds a valid number from a 6-digit area code, a birth date and a 3-digit sequence (demo and test data).</summary>
    public static string Make(string area, DateOnly birth, int sequence)
    {
        var first17 = $"{area}{birth:yyyyMMdd}{sequence % 1000:D3}";
        return first17 + CheckChar(first17);
    }
}
