using System.Text;
using System.Text.RegularExpressions;

namespace Doudi.Cli.Tests.Probes;

/// <summary>
/// A careless or hostile user's files against <c>doudi settle</c> and <c>doudi verify</c>: each malformation of a good
/// case file (or result file) exits 2, prints nothing on stdout and writes no output file, and every line on stderr
/// names its place — a JSON path (<c>bills[0].kind</c>, <c>$</c>) or a file — with no stack trace. Generated from one good
/// file by mutations, so a new reader path is probed by the same list.
/// </summary>
public sealed class MalformedFileProbes
{
    static MalformedFileProbes() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static string Example()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Doudi.slnx"))) return File.ReadAllText(Path.Combine(dir.FullName, "examples", "fuyang-2023-household.json"));
        throw new InvalidOperationException("repository root not found");
    }

    private static string Replace(string text, string from, string to)
    {
        Assert.Contains(from, text); // the mutation must change the file, or the probe proves nothing
        var at = text.IndexOf(from, StringComparison.Ordinal);
        return text[..at] + to + text[(at + from.Length)..];
    }

    /// <summary>Each malformation as bytes, with a piece of the place its message must name.</summary>
    public static IEnumerable<object[]> Malformations()
    {
        var good = Example();
        byte[] U(string s) => Encoding.UTF8.GetBytes(s);
        var bill = "\"kind\": \"inpatient\",";
        var cases = new (string Name, byte[] Bytes, string Place)[]
        {
            ("unknown field", U(Replace(good, bill, bill + " \"knid\": \"inpatient\",")), "bills[0].knid"),
            ("unknown top-level field", U(Replace(good, "\"region\": \"fuyang\",", "\"region\": \"fuyang\", \"regoin\": \"x\",")), "regoin"),
            ("duplicate key", U(Replace(good, bill, bill + " \"kind\": \"outpatient\",")), "bills[0].kind"),
            ("duplicate person key", U(Replace(good, "\"household\": \"h1\",", "\"household\": \"h1\", \"household\": \"h2\",")), "persons[0].household"),
            ("control character escaped", U(Replace(good, "\"id\": \"b1\"", "\"id\": \"b\\u00011\"")), "bills[0].id"),
            ("raw control character", U(Replace(good, "\"id\": \"b1\"", "\"id\": \"b\u00011\"")), "bills[0]"),
            ("NUL byte", U(Replace(good, "\"id\": \"b1\"", "\"id\": \"b\u00001\"")), "bills[0]"),
            ("bidi override", U(Replace(good, "\"id\": \"b1\"", "\"id\": \"b\u202E1\"")), "bills[0].id"),
            ("zero-width space", U(Replace(good, "\"person\": \"p1\"", "\"person\": \"p\u200B1\"")), "bills[0].person"),
            ("line separator", U(Replace(good, "\"id\": \"b1\"", "\"id\": \"b\u20281\"")), "bills[0].id"),
            ("truncated", U(good[..(good.Length / 2)]), "line"),
            ("truncated inside a string", U(good[..(good.IndexOf("\"inpatient", StringComparison.Ordinal) + 4)]), "line"),
            ("trailing garbage", U(good + "\n{}"), "line"),
            ("comment", U("// case\n" + good), "line 1"),
            ("trailing comma", U(Replace(good, "\"hospitalLevel\": 3, \"referred\": true }", "\"hospitalLevel\": 3, \"referred\": true, }")), "line"),
            ("NaN literal", U(Replace(good, "\"total\": 120000", "\"total\": NaN")), "line"),
            ("1e309", U(Replace(good, "\"total\": 120000", "\"total\": 1e309")), "bills[0].total"),
            ("NaN string", U(Replace(good, "\"total\": 120000", "\"total\": \"NaN\"")), "bills[0].total"),
            ("negative", U(Replace(good, "\"total\": 120000", "\"total\": -120000")), "bills[0].total"),
            ("three decimals", U(Replace(good, "\"total\": 120000", "\"total\": 120000.001")), "bills[0].total"),
            ("amount as object", U(Replace(good, "\"total\": 120000", "\"total\": {\"yuan\": 120000}")), "bills[0].total"),
            ("bills as object", U(Replace(good, "\"bills\": [", "\"bills\": {\"x\": [") + "}"), "bills"),
            ("date 2023-02-30", U(Replace(good, "\"2023-04-01\"", "\"2023-02-30\"")), "bills[0].date"),
            ("date 2023-13-01", U(Replace(good, "\"2023-04-01\"", "\"2023-13-01\"")), "bills[0].date"),
            ("date with a time zone", U(Replace(good, "\"2023-04-01\"", "\"2023-04-01T00:00:00Z\"")), "bills[0].date"),
            ("date as number", U(Replace(good, "\"2023-04-01\"", "20230401")), "bills[0].date"),
            ("unknown person", U(Replace(good, "\"person\": \"p1\"", "\"person\": \"p9\"")), "bills[0].person"),
            ("over-long id", U(Replace(good, "\"id\": \"b1\"", $"\"id\": \"{new string('b', 100_000)}\"")), "bills[0].id"),
            ("deep nesting", U(new string('[', 100_000) + new string(']', 100_000)), "$"),
            ("array root", U("[]"), "$"),
            ("empty", [], "$"),
            ("only a BOM", [0xEF, 0xBB, 0xBF], "$"),
            ("UTF-16", Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(good)).ToArray(), "$"),
            ("GBK text", Encoding.GetEncoding("GB18030").GetBytes(Replace(good, "\"id\": \"b1\"", "\"id\": \"张三的住院单\"")), "bills[0]"),
            ("invalid UTF-8", U(good).Select((b, i) => i == U(good).Length / 3 ? (byte)0xFF : b).ToArray(), ""),
        };
        return cases.Select(c => new object[] { c.Name, c.Bytes, c.Place });
    }

    /// <summary>A line starts with its place: <c>$</c>, a JSON path (<c>bills[0].kind</c>, <c>a["odd key"]</c>) or a file.</summary>
    private static readonly Regex Place = new(@"^(\$|[A-Za-z_]\w*(\[\d+\]|\[""[^""]*""\]|\.\w+)*|.+\.json(:\d+)?)(:|\s)");

    [Theory]
    [MemberData(nameof(Malformations))]
    public void A_malformed_case_file_exits_2_with_its_place_named_and_nothing_printed_or_written(string name, byte[] bytes, string place)
    {
        using var cli = new CliRunner();
        var input = cli.PathOf("case.json");
        File.WriteAllBytes(input, bytes);
        var output = cli.PathOf("result.json");
        foreach (var args in new[] { new[] { "settle", input }, ["settle", input, "-o", output], ["settle", input, "--format", "csv"], ["settle", input, "--trace", "compact"] })
        {
            var (code, stdout, stderr) = cli.Run(args);
            Assert.True(code == 2, $"{name} ({string.Join(' ', args.Skip(2))}): exit {code}\n{string.Join('\n', stderr)}");
            Assert.Equal("", stdout);
            Assert.False(File.Exists(output), $"{name}: an output file was written");
            Assert.NotEmpty(stderr);
            Assert.All(stderr, line => Assert.DoesNotContain("   at ", line));
            Assert.All(stderr, line => Assert.DoesNotContain("内部错误", line));
            Assert.True(stderr.All(l => Place.IsMatch(l) || l.StartsWith("doudi:", StringComparison.Ordinal)), $"{name}: a line names no place:\n{string.Join('\n', stderr)}");
            Assert.True(stderr.Any(l => l.Contains(place, StringComparison.Ordinal)), $"{name}: {place} not named:\n{string.Join('\n', stderr)}");
        }
    }

    [Theory]
    [InlineData("CRLF line ends", "\r\n")]
    [InlineData("LF line ends", "\n")]
    public void Line_ends_and_a_byte_order_mark_do_not_change_the_result(string name, string newline)
    {
        using var cli = new CliRunner();
        var good = Example();
        File.WriteAllText(cli.PathOf("plain.json"), good);
        File.WriteAllBytes(cli.PathOf("variant.json"), [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(good.ReplaceLineEndings(newline))]);
        var plain = cli.Run("settle", cli.PathOf("plain.json"));
        var variant = cli.Run("settle", cli.PathOf("variant.json"));
        Assert.True(plain.Code == 0 && variant.Code == 0, name + string.Join('\n', variant.Err));
        Assert.Equal(plain.Out, variant.Out);
    }

    [Theory]
    [InlineData("not JSON", "{\"bills\": [", 2)]
    [InlineData("an array", "[]", 2)]
    [InlineData("duplicate key", "{\"bills\": [], \"bills\": []}", 2)]
    [InlineData("a case file, not a result", "{\"region\": \"fuyang\", \"persons\": [], \"bills\": []}", 1)]
    public void Verify_refuses_a_malformed_result_file_naming_the_file_and_place_with_nothing_on_stdout(string name, string text, int exit)
    {
        using var cli = new CliRunner();
        var path = cli.File("result.json", text);
        var (code, stdout, stderr) = cli.Run("verify", path);
        Assert.True(code == exit, $"{name}: exit {code}\n{string.Join('\n', stderr)}");
        Assert.Equal("", stdout);
        Assert.NotEmpty(stderr);
        Assert.StartsWith(path + ": ", stderr[0]);
        Assert.All(stderr, line => Assert.DoesNotContain("   at ", line));
    }
}
