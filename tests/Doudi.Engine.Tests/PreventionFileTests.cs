using Doudi.Policy.Loading;
using Doudi.Policy.Prevention;
using Doudi.Policy.Vocabulary;

namespace Doudi.Engine.Tests;

/// <summary>
/// Monitoring, premium and relief files are read by the policy loader with its checks: file and line, unknown keys,
/// dates, citations; each belongs to a policy file and takes its region from it.
/// </summary>
public sealed class PreventionFileTests
{
    private const string Policy = """
        id: test-2024
        region: testland
        title: 测试办法
        document: 测试〔2024〕1号
        period: { from: 2024-01-01, to: 2024-12-31 }
        cite: 测试〔2024〕1号 第九条
        clauses:
          - cite: 第一条
            text: 低保对象按80%救助。
            set:
              objects: [subsistence]
              assistance.scheme.inpatient: inpatient
              assistance.inpatient.ratio.subsistence: 0.80
              assistance.inpatient.limits: []
        """;

    private const string Monitoring = """
        policy: test-2024
        cite: 测试〔2024〕1号 第二条
        rules:
          - id: burden
            cite: 测试〔2024〕1号 第二条
            text: 个人负担5000元以上纳入监测
            applies_to: { assistance_object: true }
            measure: personal_burden
            comparison: at_least
            threshold: 5000
        """;

    private static PolicyLoadResult Load(params (string File, string Text)[] files) => PolicyLoader.LoadTexts([("p/test-2024.yaml", Policy), .. files]);

    [Fact]
    public void TheShippedDefinitionsLoadAndBelongToTheirRegions()
    {
        var c = Repo.Catalog();
        Assert.Equal(["fuyang-2023", "jiande-2024", "pengshui-2023", "wenzhou-2022"], c.Monitoring.Select(m => m.Id).Order());
        Assert.Equal("jiande", c.MonitoringOn("jiande", new DateOnly(2024, 3, 1))!.Region);
        Assert.Null(c.MonitoringOn("jiande", new DateOnly(2024, 2, 29))); // monitoring starts with the document (2024-03-01)
        // wenzhou-2022 amends wenzhou-2020: its premium rules speak from 2022 (what PremiumEndpoints.PolicyFor hard-coded).
        Assert.Equal("wenzhou-2020", c.PremiumOn("wenzhou", new DateOnly(2021, 12, 1))!.Id);
        Assert.Equal("wenzhou-2022", c.PremiumOn("wenzhou", new DateOnly(2022, 1, 1))!.Id);
        Assert.Null(c.PremiumOn("jiande", new DateOnly(2024, 6, 1))); // 建政办函〔2024〕4号 says nothing of premiums
        Assert.Equal([RunKind.SpecialAssistance, RunKind.BurdenCap], c.ReliefFor("fuyang", 2023)!.Jobs.Select(j => j.Kind));
        Assert.Equal("jiande_household_cap", c.ReliefFor("jiande", 2023)!.Jobs.Single().Code);
        Assert.Null(c.ReliefFor("pengshui", 2024));
    }

    [Fact]
    public void AGoodMonitoringFileTakesItsRegionAndPeriodFromThePolicy()
    {
        var r = Load(("p/monitoring/test-2024.yaml", Monitoring));
        Assert.True(r.Ok, string.Join("\n", r.Errors));
        var m = r.Catalog!.MonitoringFor("testland", 2024)!;
        Assert.Equal(("testland", "测试〔2024〕1号", new DateOnly(2024, 1, 1)), (m.Region, m.Document, m.From));
        Assert.Equal(5000m, m.Rules.Single().Threshold.Fixed);
    }

    [Theory]
    [InlineData("threshold: 5000", "threshhold: 5000", 10, "unknown key 'threshhold'")]
    [InlineData("threshold: 5000", "threshold: lots", 10, "'threshold'")]
    [InlineData("measure: personal_burden", "measure: wealth", 8, "'measure'")]
    public void ABadRuleIsRefusedWithItsLine(string good, string bad, int line, string message)
    {
        var r = Load(("p/monitoring/test-2024.yaml", Monitoring.Replace(good, bad)));
        Assert.Null(r.Catalog);
        var e = Assert.Single(r.Errors, e => e.Message.Contains(message, StringComparison.Ordinal));
        Assert.Equal(("p/monitoring/test-2024.yaml", line), (e.File, e.Line));
    }

    [Fact]
    public void ARuleWithoutCitationAFileOfAnUnknownPolicyAndDatesOutsideThePolicyAreRefused()
    {
        var noCite = Load(("p/monitoring/test-2024.yaml", Monitoring.Replace("    cite: 测试〔2024〕1号 第二条\n    text", "    text")));
        Assert.Contains(noCite.Errors, e => e.Line == 4 && e.Message.Contains("citation", StringComparison.Ordinal));
        var unknown = Load(("p/monitoring/x.yaml", Monitoring.Replace("policy: test-2024", "policy: nowhere-2024")));
        Assert.Contains(unknown.Errors, e => e.File == "p/monitoring/x.yaml" && e.Line == 1 && e.Message.Contains("unknown policy 'nowhere-2024'", StringComparison.Ordinal));
        var outside = Load(("p/relief/test-2024.yaml", """
            policy: test-2024
            period: { from: 2023-06-01 }
            cite: 测试〔2024〕1号 第三条
            runs:
              - { kind: burden_cap, fund: charity, cite: 第三条, text: 封顶 }
            """));
        Assert.Contains(outside.Errors, e => e.Message.Contains("outside the policy's period", StringComparison.Ordinal));
        var badDate = Load(("p/premium/test-2024.yaml", """
            policy: test-2024
            period: { from: 2024-02-30 }
            cite: 测试〔2024〕1号 第四条
            phase_out_keeps: false
            phase_out_cite: 第四条
            timing_cite: 第四条
            list_due_day: 5
            list_due_cite: 第四条
            rules:
              - { item: resident_basic, categories: [subsistence], share: 1, cite: 第四条 }
            """));
        var e = Assert.Single(badDate.Errors);
        Assert.Equal(2, e.Line);
        Assert.Null(badDate.Catalog);
    }

    [Fact]
    public void TwoUnrelatedDefinitionsOfOneKindInForceAtOnceAreRefused()
    {
        const string other = """
            id: other-2024
            region: testland
            title: 另一办法
            document: 测试〔2024〕2号
            period: { from: 2024-01-01, to: 2024-12-31 }
            cite: 测试〔2024〕2号
            clauses:
              - cite: 第一条
                text: 倾斜救助50%。
                set:
                  tilted.ratio: 0.5
            """;
        var r = PolicyLoader.LoadTexts([("p/test-2024.yaml", Policy), ("p/other-2024.yaml", other),
            ("p/monitoring/a.yaml", Monitoring), ("p/monitoring/b.yaml", Monitoring.Replace("policy: test-2024", "policy: other-2024"))]);
        Assert.Null(r.Catalog);
        Assert.True(r.Errors.Any(e => e.Message.Contains("neither policy amends the other", StringComparison.Ordinal)), string.Join("\n", r.Errors));
    }

    private const string Funds = """
        policy: test-2024
        cite: 测试〔2024〕1号 第五条
        funds:
          - fund: charity
            fiscal_share:
              at_most: 1/3
              cite: 测试〔2024〕1号 第五条
              text: 财政资金补助占比原则上不超过1/3
        """;

    private const string PostHoc = """
        policy: test-2024
        cite: 测试〔2024〕1号 第六条
        text: 未能一站式结算的，可申请事后救助
        documents:
          cite: 测试〔2024〕1号 第六条
          text: 提供身份证、医疗费用发票
          list: [id_card, medical_invoice]
        """;

    [Fact]
    public void Fund_and_post_hoc_files_are_read_with_their_citations_and_a_region_without_them_has_none()
    {
        var r = Load(("p/funds/test-2024.yaml", Funds), ("p/posthoc/test-2024.yaml", PostHoc));
        Assert.True(r.Ok, string.Join("\n", r.Errors));
        var cap = r.Catalog!.FundsOn("testland", new DateOnly(2024, 6, 1))!.Of(Fund.Charity)!.FiscalShare!;
        Assert.Equal((1, 3, "测试〔2024〕1号 第五条"), (cap.Numerator, cap.Denominator, cap.Clause.Cite));
        Assert.Null(r.Catalog.FundsOn("testland", new DateOnly(2024, 6, 1))!.Of(Fund.MedicalAssistance));
        var postHoc = r.Catalog.PostHocOn("testland", new DateOnly(2024, 6, 1))!;
        Assert.Equal([PostHocDocument.IdCard, PostHocDocument.MedicalInvoice], postHoc.Documents);
        Assert.Null(Load().Catalog!.PostHocOn("testland", new DateOnly(2024, 6, 1)));
        Assert.Null(Load().Catalog!.FundsOn("testland", new DateOnly(2024, 6, 1)));
    }

    [Theory]
    [InlineData("funds", "at_most: 1/3", "at_most: 0.33", 6, "'fiscal_share.at_most'")]
    [InlineData("funds", "      cite: 测试〔2024〕1号 第五条\n      text:", "      text:", 6, "has no citation")]
    [InlineData("funds", "fund: charity", "fund: piggy_bank", 4, "'fund'")]
    [InlineData("posthoc", "list: [id_card, medical_invoice]", "list: [id_card, photo]", 7, "invalid entry 'photo'")]
    [InlineData("posthoc", "text: 提供身份证", "txt: 提供身份证", 6, "unknown key 'txt'")]
    public void A_bad_fund_or_post_hoc_file_is_refused_with_its_line(string kind, string good, string bad, int line, string message)
    {
        var file = $"p/{kind}/test-2024.yaml";
        var text = (kind == "funds" ? Funds : PostHoc).Replace(good, bad);
        Assert.NotEqual(kind == "funds" ? Funds : PostHoc, text);
        var r = Load((file, text));
        Assert.Null(r.Catalog);
        var e = Assert.Single(r.Errors, e => e.Message.Contains(message, StringComparison.Ordinal));
        Assert.Equal((file, line), (e.File, e.Line));
    }

    [Fact]
    public void Only_the_household_cap_names_a_reduction_procedure()
    {
        Assert.Equal("建政办函〔2024〕4号 三.(四)", Repo.Catalog().ReliefFor("jiande", 2024)!.Jobs.Single().Reduction!.Cite);
        Assert.All(Repo.Catalog().ReliefFor("fuyang", 2023)!.Jobs, j => Assert.Null(j.Reduction));
    }

    private const string Relief = """
        policy: test-2024
        cite: 测试〔2024〕1号 第六条
        runs:
          - kind: household_cap
            fund: charity
            cite: 测试〔2024〕1号 第六条
            text: 家庭负担超过标准的部分兜底
            reduction:
              cite: 测试〔2024〕1号 第七条
              text: 各部门依次反馈
              departments: [civil_affairs, red_cross]
              answer_within:
                cite: 测试〔2024〕1号 第七条
                text: 不符合的2个工作日内反馈，符合的5个工作日内反馈
                not_eligible_or_granted: 2
                will_grant: 5
        """;

    [Fact]
    public void A_reduction_procedure_names_its_departments_in_order_and_its_deadlines_in_the_file()
    {
        var steps = Repo.Catalog().ReliefFor("jiande", 2024)!.Jobs.Single().ReductionSteps!;
        // 建政办函〔2024〕4号 三.(四): 市总工会、退役军人事务、残联、卫生健康、教育、妇联、农业农村、民政、红十字会、慈善总会 依次; 三个/七个工作日.
        Assert.Equal([Department.TradeUnion, Department.VeteransAffairs, Department.DisabledFederation, Department.Health, Department.Education,
            Department.WomensFederation, Department.AgricultureRural, Department.CivilAffairs, Department.RedCross, Department.CharityFederation], steps.Departments);
        Assert.Equal((3, 7, "建政办函〔2024〕4号 三.(四)"), (steps.ShortDays, steps.LongDays, steps.Deadlines.Cite));
        // A county's own file: its own departments, order and deadlines, no code.
        var r = Load(("p/relief/test-2024.yaml", Relief));
        Assert.True(r.Ok, string.Join("\n", r.Errors));
        var own = r.Catalog!.ReliefFor("testland", 2024)!.Jobs.Single().ReductionSteps!;
        Assert.Equal([Department.CivilAffairs, Department.RedCross], own.Departments);
        Assert.Equal((2, 5), (own.ShortDays, own.LongDays));
    }

    [Theory]
    [InlineData("departments: [civil_affairs, red_cross]", "departments: [civil_affairs, tax_office]", 11, "'reduction.departments'")]
    [InlineData("departments: [civil_affairs, red_cross]", "departments: [red_cross, red_cross]", 11, "duplicate department 'red_cross'")]
    [InlineData("departments: [civil_affairs, red_cross]", "departments: []", 11, "non-empty list")]
    [InlineData("      departments: [civil_affairs, red_cross]\n", "", 9, "missing 'departments'")]
    [InlineData("will_grant: 5", "will_grant: 1", 13, "must not be longer than 'will_grant'")]
    [InlineData("will_grant: 5", "will_grant: 5.5", 16, "'answer_within.will_grant'")]
    [InlineData("not_eligible_or_granted: 2", "not_eligible_or_granted: 0", 15, "'answer_within.not_eligible_or_granted'")]
    [InlineData("not_eligible_or_granted: 2", "short: 2", 15, "unknown key 'short'")]
    [InlineData("        text: 不符合的2个工作日内反馈，符合的5个工作日内反馈\n", "", 13, "missing 'text'")]
    public void A_bad_reduction_procedure_is_refused_with_its_line(string good, string bad, int line, string message)
    {
        var text = Relief.Replace(good, bad);
        Assert.NotEqual(Relief, text);
        var r = Load(("p/relief/test-2024.yaml", text));
        Assert.Null(r.Catalog);
        var e = Assert.Single(r.Errors, e => e.Message.Contains(message, StringComparison.Ordinal));
        Assert.Equal(("p/relief/test-2024.yaml", line), (e.File, e.Line));
    }

    private const string Targets = """
        policy: test-2024
        cite: 测试〔2024〕1号 第一条
        targets:
          - measure: coverage_rate
            comparison: at_least
            value: 0.85
            cite: 测试〔2024〕1号 第一条
            text: 综合保障率达到85%以上
        """;

    [Fact]
    public void Plan_targets_are_read_by_the_policy_loader_with_its_checks()
    {
        var r = Load(("p/targets/test-2024.yaml", Targets));
        Assert.True(r.Ok, string.Join("\n", r.Errors));
        var t = Assert.Single(r.Catalog!.TargetsFor("testland", 2024)!.Targets);
        Assert.Equal((TargetMeasure.CoverageRate, TargetComparison.AtLeast, 0.85m), (t.Measure, t.Comparison, t.Value));
        Assert.Equal(3, Repo.Catalog().TargetsFor("fuyang", 2023)!.Targets.Count);
        foreach (var (good, bad, line, message) in new[]
        {
            ("value: 0.85", "value: 85", 6, "share between 0 and 1"),
            ("comparison: at_least", "comparison: above", 5, "'comparison'"),
            ("text: 综合", "txt: 综合", 8, "unknown key 'txt'"),
        })
        {
            var bd = Load(("p/targets/test-2024.yaml", Targets.Replace(good, bad)));
            Assert.Null(bd.Catalog);
            var e = Assert.Single(bd.Errors, e => e.Message.Contains(message, StringComparison.Ordinal));
            Assert.Equal(("p/targets/test-2024.yaml", line), (e.File, e.Line));
        }
    }
}
