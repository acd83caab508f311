using System.Collections.Concurrent;
using System.Text;

namespace Doudi.Server.Storage;

/// <summary>
/// PostgreSQL: a SQL text written with <c>@name</c> parameters, split into its statements with positional placeholders
/// (<c>$1</c>…), worked out once per text and cached. Npgsql re-parses a command's text for <c>@name</c> placeholders and
/// semicolons on every execution (a one-stop settlement's write statement is several kB: ≈ 5 % of the server's CPU);
/// with positional parameters in an <c>NpgsqlBatch</c> it sends the statements as they are. The rules are Npgsql's own
/// (its <c>SqlQueryParser</c>): a placeholder is <c>@</c> or <c>:</c> (not doubled) followed by letters, digits, <c>_</c> or
/// <c>.</c>, outside quoted text, quoted names, dollar quotes and comments; a semicolon outside parentheses ends a statement;
/// each statement numbers its placeholders from 1 in the order of first use. The rest of the code keeps writing <c>@name</c>.
/// </summary>
internal sealed class PositionalSql
{
    /// <summary>One statement: its text with <c>$n</c> placeholders, and the parameter name of each <c>$n</c> (n = index + 1).</summary>
    internal sealed record Statement(string Text, string[] Names);

    public Statement[] Statements { get; }

    private PositionalSql(Statement[] statements) => Statements = statements;

    /// <summary>The binding last worked out: the argument names it was for and, per statement, the argument of each <c>$n</c>.</summary>
    private sealed record Binding(string[] ArgNames, int[][] Slots);
    private Binding? _last;

    /// <summary>
    /// Per statement, the index in <paramref name="args"/> of each <c>$n</c>'s value (Npgsql's match: the exact name, else
    /// ignoring case; the first of repeated names); null when a placeholder has no value (Npgsql would leave its text as
    /// written: the caller then lets Npgsql parse the text). A call site passes the same names each time: reused.
    /// </summary>
    public int[][]? Slots((string Name, object? Value)[] args)
    {
        if (_last is { } b && b.ArgNames.Length == args.Length)
        {
            var same = true;
            for (var i = 0; i < args.Length && same; i++) same = string.Equals(b.ArgNames[i], args[i].Name, StringComparison.Ordinal);
            if (same) return b.Slots;
        }
        // Dictionaries, not scans: a bulk statement has thousands of parameters.
        var exact = new Dictionary<string, int>(args.Length, StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++) exact.TryAdd(args[i].Name, i);
        Dictionary<string, int>? folded = null;
        var slots = new int[Statements.Length][];
        for (var s = 0; s < Statements.Length; s++)
        {
            var names = Statements[s].Names;
            slots[s] = new int[names.Length];
            for (var n = 0; n < names.Length; n++)
            {
                if (!exact.TryGetValue(names[n], out var at))
                {
                    if (folded is null)
                    {
                        folded = new Dictionary<string, int>(args.Length, StringComparer.OrdinalIgnoreCase);
                        for (var i = 0; i < args.Length; i++) folded.TryAdd(args[i].Name, i);
                    }
                    if (!folded.TryGetValue(names[n], out at)) return null;
                }
                slots[s][n] = at;
            }
        }
        _last = new Binding(args.Select(a => a.Name).ToArray(), slots);
        return slots;
    }

    // Bounded: texts that vary without end (a list's length in an IN (…), a bulk statement's rows) stop being cached once
    // it is full, and long texts (bulk statements, whose text changes with each chunk) are never kept; both are then
    // translated on each use, as Npgsql would parse them anyway.
    private const int MaxCached = 1024;
    private const int MaxCachedLength = 16 * 1024;
    private static readonly ConcurrentDictionary<string, PositionalSql?> Cache = new(StringComparer.Ordinal);

    /// <summary>The translation of <paramref name="sql"/> (cached), or null when it cannot be made (unterminated quote or comment).</summary>
    public static PositionalSql? Of(string sql)
    {
        if (Cache.TryGetValue(sql, out var known)) return known;
        var made = Translate(sql);
        if (sql.Length <= MaxCachedLength && Cache.Count < MaxCached) Cache.TryAdd(sql, made);
        return made;
    }

    private static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c == '_' || c == '.';
    private static bool IsLetter(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z';
    private static bool IsIdentifier(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_' or '$' or >= (char)128 and <= (char)255;
    private static bool IsTagStart(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or '_' or >= (char)128 and <= (char)255;
    private static bool IsTagChar(char c) => IsTagStart(c) || c is >= '0' and <= '9';

    internal static PositionalSql? Translate(string sql)
    {
        var statements = new List<Statement>();
        var text = new StringBuilder(sql.Length);
        var names = new List<string>();
        var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        var parens = 0;
        var last = '\0';
        var i = 0;
        void EndStatement()
        {
            if (text.ToString().Trim().Length > 0) statements.Add(new Statement(text.ToString(), names.ToArray()));
            text.Clear();
            names.Clear();
            numbers.Clear();
        }
        while (i < sql.Length)
        {
            var c = sql[i];
            switch (c)
            {
                case '\'':
                {
                    // E'…' (backslash escapes) when the quote follows an E that is not the end of a longer word.
                    var escaped = i > 0 && sql[i - 1] is 'e' or 'E' && (i < 2 || !IsLetter(sql[i - 2]));
                    var end = QuotedEnd(sql, i + 1, escaped);
                    if (end < 0) return null;
                    text.Append(sql, i, end - i);
                    i = end; last = '\0';
                    continue;
                }
                case '"':
                {
                    var end = sql.IndexOf('"', i + 1);
                    if (end < 0) return null;
                    text.Append(sql, i, end + 1 - i);
                    i = end + 1; last = '\0';
                    continue;
                }
                case '$' when !IsIdentifier(last) && i + 1 < sql.Length && (sql[i + 1] == '$' || IsTagStart(sql[i + 1])):
                {
                    var tagEnd = i + 1;
                    while (tagEnd < sql.Length && sql[tagEnd] != '$' && IsTagChar(sql[tagEnd])) tagEnd++;
                    if (tagEnd < sql.Length && sql[tagEnd] == '$')
                    {
                        var tag = sql.Substring(i, tagEnd + 1 - i);
                        var close = sql.IndexOf(tag, tagEnd + 1, StringComparison.Ordinal);
                        if (close < 0) return null;
                        var end = close + tag.Length;
                        text.Append(sql, i, end - i);
                        i = end; last = '\0';
                        continue;
                    }
                    break;
                }
                case '-' when i + 1 < sql.Length && sql[i + 1] == '-':
                {
                    var end = sql.IndexOfAny(['\r', '\n'], i);
                    end = end < 0 ? sql.Length : end;
                    text.Append(sql, i, end - i);
                    i = end; last = '\0';
                    continue;
                }
                case '/' when i + 1 < sql.Length && sql[i + 1] == '*':
                {
                    var end = BlockCommentEnd(sql, i);
                    if (end < 0) return null;
                    text.Append(sql, i, end - i);
                    i = end; last = '\0';
                    continue;
                }
                case '@' or ':' when last != c && i + 1 < sql.Length && IsNameChar(sql[i + 1]):
                {
                    var end = i + 1;
                    while (end < sql.Length && IsNameChar(sql[end])) end++;
                    var name = sql.Substring(i + 1, end - i - 1);
                    if (!numbers.TryGetValue(name, out var n)) { names.Add(name); n = numbers[name] = names.Count; }
                    text.Append('$').Append(n);
                    last = sql[end - 1];
                    i = end;
                    continue;
                }
                case '(': parens++; break;
                case ')': parens--; break;
                case ';' when parens == 0:
                    EndStatement();
                    i++; last = ';';
                    while (i < sql.Length && char.IsWhiteSpace(sql[i])) i++; // as Npgsql: the next statement starts at its first word
                    continue;
            }
            text.Append(c);
            last = c;
            i++;
        }
        EndStatement();
        return statements.Count == 0 ? null : new PositionalSql(statements.ToArray());
    }

    /// <summary>The index after the closing quote of a quoted text starting at <paramref name="from"/>, or -1.</summary>
    private static int QuotedEnd(string sql, int from, bool escaped)
    {
        for (var i = from; i < sql.Length; i++)
        {
            if (escaped && sql[i] == '\\') { i++; continue; }
            if (sql[i] != '\'') continue;
            if (i + 1 < sql.Length && sql[i + 1] == '\'') { i++; continue; } // '' inside the text
            return i + 1;
        }
        return -1;
    }

    /// <summary>The index after a (nested) block comment starting at <paramref name="from"/>, or -1.</summary>
    private static int BlockCommentEnd(string sql, int from)
    {
        var depth = 0;
        for (var i = from; i + 1 < sql.Length; i++)
        {
            if (sql[i] == '/' && sql[i + 1] == '*') { depth++; i++; }
            else if (sql[i] == '*' && sql[i + 1] == '/') { depth--; i++; if (depth == 0) return i + 1; }
        }
        return -1;
    }
}
