using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Doudi.Engine.Tests;

/// <summary>
/// Every clause text a policy file quotes stands in its seed (policies/seeds/): the quoted words, in order, with
/// "……" where words are left out. Whitespace, line breaks, the seeds' markdown marks and full-/half-width forms
/// aside, nothing else may differ, so a reader can find each clause in the document it cites. Quotations in
/// “…” inside a citation (e.g. <c>二.3“2022年起”</c>) are checked the same way. A clause's seed is that of the
/// document its <c>source</c> (or its citation's document number) names, else the file's own.
/// </summary>
public sealed partial class SeedQuoteTests
{
    private static readonly string Seeds = Path.Combine(Repo.Policies, "seeds");

    /// <summary>Folders whose texts are not quotations: proposals (reforms), labelled samples, a bureau's own values.</summary>
    private static readonly string[] NotQuoting = ["reforms", "samples", "local", "seeds"];

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(Repo.Policies, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var rel = Path.GetRelativePath(Repo.Policies, f);
            if (rel == "interpretations.yaml" || NotQuoting.Any(d => rel.StartsWith(d + Path.DirectorySeparatorChar, StringComparison.Ordinal))) continue;
            data.Add(rel);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_quoted_text_stands_in_the_seed(string file)
    {
        var root = Load(Path.Combine(Repo.Policies, file));
        var own = Value(root, "seed") ?? (Value(root, "policy") is { } policy ? Main.Value.SeedOf[policy] : null);
        Assert.True(own is not null, $"{file}: names neither its seed ('seed') nor its policy ('policy')");
        var problems = new List<string>();
        Walk(file, root, own!, problems);
        Assert.True(problems.Count == 0, $"{file}:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void Every_policy_file_names_a_seed_that_is_in_the_repository()
    {
        Assert.Equal(5, Directory.EnumerateFiles(Seeds, "*.txt").Count());
        foreach (var (id, seed) in Main.Value.SeedOf)
            Assert.True(File.Exists(Path.Combine(Seeds, seed)), $"{id}: seed {seed} is not in policies/seeds");
    }

    /// <summary>The checker itself: a true quotation passes, a paraphrase or a changed figure is caught.</summary>
    [Theory]
    [InlineData("第一类救助对象实行无起点救助，个人自负部分由医疗救助资金全额解决；", true)]
    [InlineData("第一类救助对象实行无起点救助，个人自负部分由医疗救助资金全额解决。", false)]
    [InlineData("本市户籍（见义勇为人员除外）的下列城乡居民可享受医疗救助：……（二）第二类：最低生活保障家庭成员；", true)]
    [InlineData("第二类、第三类和第五类救助对象实行无起点救助，个人自负部分按80%救助，全年每人累计救助金封顶线10万元；", true)]
    [InlineData("第二类、第三类和第五类救助对象实行无起点救助，个人自负部分按85%救助", false)]
    [InlineData("第一类特困供养人员；第二类最低生活保障家庭成员", false)]
    [InlineData("全年每人累计救助金封顶线10万元……第一类救助对象实行无起点救助", false)]
    public void The_check_tells_a_quotation_from_a_paraphrase(string quote, bool stands)
    {
        var seed = SeedText("002_84a3dc50eec4772f.txt");
        Assert.Equal(stands, Missing(quote, seed) is null);
    }

    private static void Walk(string file, YamlNode node, string seed, List<string> problems)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var here = SeedHere(map) ?? seed;
                foreach (var (k, v) in map.Children)
                {
                    var key = ((YamlScalarNode)k).Value!;
                    if (v is YamlScalarNode { Value: { } s })
                    {
                        if (key == "text" && Missing(s, SeedText(here)) is { } gone)
                            problems.Add($"  line {v.Start.Line}: text not in {here}: '{gone}'\n    in: {s}");
                        else if (key == "cite" || key.EndsWith("_cite", StringComparison.Ordinal))
                        {
                            var citeSeed = SeedOfCite(s) ?? here;
                            foreach (Match m in Quoted().Matches(s))
                                if (Missing(m.Groups[1].Value, SeedText(citeSeed)) is { } q)
                                    problems.Add($"  line {v.Start.Line}: quotation in '{key}' not in {citeSeed}: '{q}'");
                            // An article a citation names (第八条) is an article of the document it cites.
                            foreach (Match m in Article().Matches(s))
                                if (!SeedText(citeSeed).Contains(m.Value, StringComparison.Ordinal))
                                    problems.Add($"  line {v.Start.Line}: '{key}' names {m.Value}, which {citeSeed} does not have");
                        }
                    }
                    else Walk(file, v, here, problems);
                }
                break;
            case YamlSequenceNode seq:
                foreach (var item in seq.Children) Walk(file, item, seed, problems);
                break;
        }
    }

    /// <summary>The seed a mapping quotes when it names another document: its <c>source</c>, or its citation's document number.</summary>
    private static string? SeedHere(YamlMappingNode map) =>
        Value(map, "source") is { } source ? Main.Value.SeedOfDocument[source]
        : Value(map, "cite") is { } cite ? SeedOfCite(cite) : null;

    private static string? SeedOfCite(string cite)
    {
        foreach (var (document, seed) in Main.Value.SeedOfDocument)
            if (cite.StartsWith(document, StringComparison.Ordinal)) return seed;
        return null;
    }

    /// <summary>The first piece of <paramref name="quote"/> (split at "……") not found in order in the seed, or null.</summary>
    private static string? Missing(string quote, string seed)
    {
        int at = 0;
        foreach (var piece in Ellipsis().Split(quote))
        {
            var p = Normal(piece);
            if (p.Length == 0) continue;
            int found = seed.IndexOf(p, at, StringComparison.Ordinal);
            if (found < 0) return piece;
            at = found + p.Length;
        }
        return null;
    }

    private static readonly Dictionary<string, string> SeedTexts = new();

    private static string SeedText(string seed)
    {
        lock (SeedTexts)
        {
            if (SeedTexts.TryGetValue(seed, out var t)) return t;
            var raw = File.ReadAllText(Path.Combine(Seeds, seed));
            // The seeds were converted to markdown: headings, list dashes, rules and bold marks are not the document's words.
            raw = MarkdownMarks().Replace(raw, "").Replace("**", "");
            return SeedTexts[seed] = Normal(raw);
        }
    }

    private static string Normal(string s)
    {
        // Full-width forms fold to their ASCII twins (the repository runs with invariant globalization, where
        // string.Normalize leaves non-ASCII text alone), so "（一）" and "(一)" read the same.
        var b = new StringBuilder(s.Length);
        foreach (var c in s)
            if (!char.IsWhiteSpace(c)) b.Append(c is >= '\uFF01' and <= '\uFF5E' ? (char)(c - 0xFEE0) : c);
        return b.ToString();
    }

    private sealed record MainFiles(Dictionary<string, string> SeedOf, Dictionary<string, string> SeedOfDocument);

    private static readonly Lazy<MainFiles> Main = new(() =>
    {
        var seedOf = new Dictionary<string, string>();
        var byDocument = new Dictionary<string, string>();
        foreach (var f in Directory.EnumerateFiles(Repo.Policies, "*.yaml"))
        {
            if (Path.GetFileName(f) == "interpretations.yaml") continue;
            var root = Load(f);
            if (Value(root, "id") is not { } id || Value(root, "seed") is not { } seed) continue;
            seedOf[id] = seed;
            if (Value(root, "document") is { } document) byDocument[document] = seed;
        }
        return new MainFiles(seedOf, byDocument);
    });

    private static YamlMappingNode Load(string path)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(path));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static string? Value(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlScalarNode { Value: { } s } ? s : null;

    [GeneratedRegex(@"…+|\.{3,}")]
    private static partial Regex Ellipsis();

    [GeneratedRegex("第[一二三四五六七八九十]+条")]
    private static partial Regex Article();

    [GeneratedRegex("“([^”]+)”")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"(?m)^[ \t]*(#+|-{3,}|-)[ \t]*")]
    private static partial Regex MarkdownMarks();
}
