using Doudi.Policy.Loading;

namespace Doudi.Engine.Tests;

/// <summary>
/// The loader rejects each kind of bad policy file with the file and the line of the problem, and builds no
/// catalog from a set that has any problem.
/// </summary>
public sealed class PolicyLoaderTests
{
    private const string Head = """
        id: test-2024
        region: testland
        title: 测试办法
        document: 测试〔2024〕1号
        period: { from: 2024-01-01, to: 2024-12-31 }
        cite: 测试〔2024〕1号 第九条
        clauses:
        """;

    private const string GoodClause = """
          - cite: 第一条
            text: 低保对象按80%救助，年度限额10万元。
            set:
              objects: [subsistence]
              assistance.scheme.inpatient: inpatient
              assistance.inpatient.ratio.subsistence: 0.80
              assistance.inpatient.limits: [annual]
              limit.annual.subsistence: 100000
        """;

    /// <summary>A file of <see cref="Head"/> and clauses; the first clause starts on line 8.</summary>
    private static string Doc(params string[] clauses) => Head + "\n" + string.Join("\n", clauses) + "\n";

    private static PolicyLoadResult Load(params (string File, string Text)[] files) => PolicyLoader.LoadTexts(files);

    private static PolicyError Single(PolicyLoadResult r)
    {
        Assert.Null(r.Catalog);
        return Assert.Single(r.Errors);
    }

    [Fact]
    public void TheShippedPoliciesLoad()
    {
        var r = PolicyLoader.LoadDirectory(Repo.Policies, Path.Combine(Repo.Policies, "samples"));
        Assert.True(r.Ok, string.Join("\n", r.Errors));
        Assert.Equal(["fuyang", "jiande", "pengshui", "wenzhou"], r.Catalog!.Regions);
    }

    [Fact]
    public void AGoodFileLoads()
    {
        var r = Load(("t.yaml", Head + "\n" + GoodClause));
        Assert.True(r.Ok, string.Join("\n", r.Errors));
        Assert.Equal("test-2024", r.Catalog!.Find("testland", new DateOnly(2024, 6, 1))!.PolicyId);
        Assert.Null(r.Catalog.Find("testland", new DateOnly(2025, 1, 1)));
    }

    [Fact]
    public void UnknownTopLevelKey()
    {
        var e = Single(Load(("t.yaml", "colour: blue\n" + Head + "\n" + GoodClause)));
        Assert.Equal(("t.yaml", 1), (e.File, e.Line));
        Assert.Contains("colour", e.Message);
    }

    [Fact]
    public void UnknownParameterKey()
    {
        var text = Doc(GoodClause + "\n      assistance.inpatient.ratioo.subsistence: 0.8");
        var e = Single(Load(("t.yaml", text)));
        Assert.Equal(16, e.Line);  // the line of the misspelt key
        Assert.Contains("assistance.inpatient.ratioo.subsistence", e.Message);
    }

    [Fact]
    public void UnknownCategoryInAParameterKey()
    {
        var text = Doc(GoodClause + "\n      limit.annual.millionaire: 5");
        var e = Single(Load(("t.yaml", text)));
        Assert.Equal(16, e.Line);
        Assert.Contains("limit.annual.millionaire", e.Message);
    }

    [Theory]
    [InlineData("1.2")]
    [InlineData("-0.1")]
    [InlineData("eighty")]
    public void RatioOutsideZeroToOne(string ratio)
    {
        var e = Single(Load(("t.yaml", Head + "\n" + GoodClause.Replace("ratio.subsistence: 0.80", "ratio.subsistence: " + ratio))));
        Assert.Equal(13, e.Line);
        Assert.Contains("between 0 and 1", e.Message);
    }

    [Fact]
    public void MissingCitation()
    {
        var e = Single(Load(("t.yaml", Head + "\n" + GoodClause.Replace("  - cite: 第一条\n    text:", "  - text:"))));
        Assert.Equal(8, e.Line);
        Assert.Contains("citation", e.Message);
    }

    [Fact]
    public void MissingDocumentNumber()
    {
        var e = Single(Load(("t.yaml", Head.Replace("document: 测试〔2024〕1号\n", "") + "\n" + GoodClause)));
        Assert.Contains("document", e.Message);
    }

    [Fact]
    public void ImpossibleDate()
    {
        var e = Single(Load(("t.yaml", Head.Replace("to: 2024-12-31", "to: 2024-02-30") + "\n" + GoodClause)));
        Assert.Equal(5, e.Line);
        Assert.Contains("2024-02-30", e.Message);
    }

    [Fact]
    public void OverlappingDateRanges()
    {
        var text = Doc(GoodClause, """
              - cite: 第二条
                text: 下半年调整为85%。
                from: 2024-06-01
                set:
                  assistance.inpatient.ratio.subsistence: 0.85
            """);
        var e = Single(Load(("t.yaml", text)));
        Assert.Equal(20, e.Line);
        Assert.Contains("overlap", e.Message);
    }

    [Fact]
    public void GappedDateRanges()
    {
        var text = Doc(GoodClause.Replace("    text: 低保", "    to: 2024-03-31\n    text: 低保"), """
              - cite: 第二条
                text: 五月起调整为85%。
                from: 2024-05-01
                set:
                  assistance.inpatient.ratio.subsistence: 0.85
            """);
        var errors = Load(("t.yaml", text)).Errors;
        var e = Assert.Single(errors, x => x.Message.Contains("gap"));
        Assert.Equal(21, e.Line);
        Assert.Contains("2024-04-01..2024-04-30", e.Message);
    }

    [Fact]
    public void ClauseOutsideTheFilesPeriod()
    {
        var e = Single(Load(("t.yaml", Head + "\n" + GoodClause.Replace("    text: 低保", "    from: 2023-12-01\n    text: 低保"))));
        Assert.Equal(8, e.Line);
        Assert.Contains("outside the file's period", e.Message);
    }

    [Fact]
    public void RatioWithoutItsLimit()
    {
        var e = Single(Load(("t.yaml", Head + "\n" + GoodClause.Replace("\n      limit.annual.subsistence: 100000", ""))));
        Assert.Equal(13, e.Line);
        Assert.Contains("limit.annual.subsistence", e.Message);
    }

    [Fact]
    public void TwoUnrelatedFilesSetTheSameParameter()
    {
        var other = Head.Replace("id: test-2024", "id: other-2024") + "\n" + GoodClause;
        var errors = Load(("t.yaml", Head + "\n" + GoodClause), ("o.yaml", other)).Errors;
        Assert.Contains(errors, e => e.Message.Contains("neither file amends the other"));
    }

    [Fact]
    public void AnAmendingFileOverridesWhatItAmends()
    {
        var amend = Head.Replace("id: test-2024", "id: test-2024b").Replace("clauses:", "amends: [test-2024]\nclauses:") + """

              - cite: 第二条
                text: 调整为90%。
                set:
                  assistance.inpatient.ratio.subsistence: 0.90
            """;
        var r = Load(("t.yaml", Head + "\n" + GoodClause), ("b.yaml", amend));
        Assert.True(r.Ok, string.Join("\n", r.Errors));
        var period = r.Catalog!.Find("testland", new DateOnly(2024, 3, 1))!;
        Assert.Equal("test-2024b", period.PolicyId);
        Assert.Equal(0.90m, period.SchemeByKind[2]!.Value.Value!.Ratio[1]!.Value.Value);
    }

    [Fact]
    public void BrokenYaml()
    {
        var e = Single(Load(("t.yaml", Head + "\n  - cite: [unclosed\n")));
        Assert.Contains("broken YAML", e.Message);
        Assert.Equal("t.yaml", e.File);
    }

    [Fact]
    public void AmendsAnUnknownPolicy()
    {
        var e = Single(Load(("t.yaml", Head.Replace("clauses:", "amends: [nowhere-1999]\nclauses:") + "\n" + GoodClause)));
        Assert.Contains("nowhere-1999", e.Message);
    }
}
