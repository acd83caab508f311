namespace Doudi.Server.Storage;

/// <summary>
/// Text in the order the databases sort it: by Unicode code point, as SQLite's BINARY collation (UTF-8 bytes) and
/// PostgreSQL's C / C.UTF-8 collations do. <see cref="string.CompareOrdinal(string, string)"/> compares UTF-16 code units,
/// which differs from code point order only where a surrogate pair (U+10000 and above) meets a character of U+E000–U+FFFF;
/// this comparer corrects that case, so rows sorted in C# come in the order an <c>ORDER BY</c> would give.
/// </summary>
public sealed class CodePointOrder : IComparer<string>
{
    public static readonly CodePointOrder Instance = new();

    public static int Compare(string? a, string? b)
    {
        if (ReferenceEquals(a, b)) return 0;
        if (a is null) return -1;
        if (b is null) return 1;
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            int x = a[i], y = b[i];
            if (x == y) continue;
            // Surrogates (D800–DFFF) stand for code points above FFFF: move them above E000–FFFF.
            if (x >= 0xD800 && y >= 0xD800) { x = Shift(x); y = Shift(y); }
            return x - y;
        }
        return a.Length - b.Length;
    }

    private static int Shift(int c) => c >= 0xE000 ? c - 0x800 : c + 0x2000;

    int IComparer<string>.Compare(string? a, string? b) => Compare(a, b);
}
