namespace Doudi.Engine.Tracing;

/// <summary>
/// Dates as step inputs: a number yyyymmdd (20230105), so that a program comparing dates compares numbers, and 0 for
/// "none". Rendered in a detail by the <c>{n:d}</c> placeholder as 2023-01-05.
/// </summary>
public static class TraceDates
{
    public static decimal Number(DateOnly? date) => date is { } d ? d.Year * 10000 + d.Month * 100 + d.Day : 0m;

    public static bool TryFormat(decimal value, Span<char> destination, out int written)
    {
        written = 0;
        if (value < 0m || value > 99991231m || decimal.Truncate(value) != value) return false;
        int n = (int)value;
        if (n == 0)
        {
            if (destination.IsEmpty) return false;
            destination[0] = '—';
            written = 1;
            return true;
        }
        if (destination.Length < 10) return false;
        int y = n / 10000, m = n / 100 % 100, d = n % 100;
        destination[0] = (char)('0' + y / 1000); destination[1] = (char)('0' + y / 100 % 10);
        destination[2] = (char)('0' + y / 10 % 10); destination[3] = (char)('0' + y % 10);
        destination[4] = '-'; destination[5] = (char)('0' + m / 10); destination[6] = (char)('0' + m % 10);
        destination[7] = '-'; destination[8] = (char)('0' + d / 10); destination[9] = (char)('0' + d % 10);
        written = 10;
        return true;
    }

    public static bool TryFormat(decimal value, Span<byte> destination, out int written)
    {
        Span<char> chars = stackalloc char[10];
        written = 0;
        if (!TryFormat(value, chars, out int n)) return false;
        return System.Text.Encoding.UTF8.TryGetBytes(chars[..n], destination, out written);
    }
}
