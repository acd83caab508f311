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

    /// <summary>Every name used, for the check that each has a value (else Npgsql would leave the text as written: the caller falls back to it).</summary>
    public string[] AllNames { get; }

    private PositionalSql(Statement[] statements)
    {
        Statements = statements;
        AllNames = statements.SelectMany(s => s.Names).Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>True when every placeholder has a value among <paramref name="args"/> (Npgsql's match: the exact name, else ignoring case).</summary>
    public bool AllNamesIn((string Name, object? Value)[] args)
    {
        foreach (var name in AllNames) if (IndexOf(args, name) < 0) return false;
        return true;
    }

    /// <summary>The binding last worked out: the argument names it was for and, per statement, the argument of each <c>$n</c>.</summary>
    private sealed record Binding(string[] ArgNames, int[][] Slots);
    private Binding? _last;

    /// <summary>Per statement, the index in <paramref name="args"/> of each <c>$n</c>'s value (a call site passes the same names each time: reused).</summary>
    public int[][] Slots((string Name, object? Value)[] args)
    {
        if (_last is { } b && b.ArgNames.Length == args.Length)
        {
            var same = true;
            for (var i = 0; i < args.Length && same; i++) same = string.Equals(b.ArgNames[i], args[i].Name, StringComparison.Ordinal);
            if (same) return b.Slots;
        }
        var slots = Statements.Select(s => s.Names.Select(n => IndexOf(args, n)).ToArray()).ToArray();
        _last = new Binding(args.Select(a => a.Name).ToArray(), slots);
        return slots;
    }

    private static int IndexOf((string Name, object? Value)[] args, string name)
    {
        for (var i = 0; i < args.Length; i++) if (string.Equals(args[i].Name, name, StringComparison.Ordinal)) return i;
        for (var i = 0; i < args.Length; i++) if (string.Equals(args[i].Name, name, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    // Bounded: texts that vary without end (a list's length in an IN (…)) stop being cached once it is full; they are
    // then translated on each use, as Npgsql would parse them anyway.
    private const int MaxCached = 4096;
    private static readonly ConcurrentDictionary<string, PositionalSql?> Cache = new(StringComparer.Ordinal);

    /// <summary>The translation of <paramref name="sql"/> (cached), or null when it cannot be made (unterminated quote or comment).</summary>
    public static PositionalSql? Of(string sql)
    {
        if (Cache.TryGetValue(sql, out var known)) return known;
        var made = Translate(sql);
        if (Cache.Count < MaxCached) Cache.TryAdd(sql, made);
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
        var parens = 0;
        var last = '\0';
        var i = 0;
        void EndStatement()
        {
            if (text.ToString().Trim().Length > 0) statements.Add(new Statement(text.ToString(), names.ToArray()));
            text.Clear();
            names.Clear();
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
                    var n = names.IndexOf(name);
                    if (n < 0) { names.Add(name); n = names.Count - 1; }
                    text.Append('$').Append(n + 1);
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
