using Doudi.Policy.Prevention;
using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Monitoring;

namespace Doudi.Prevention.Tests.Monitoring;

public class MonitoringTests
{
    // SAMPLE figures made up for the tests (not published statistics): round numbers so the thresholds are easy to check.
    private const string SampleStats = """
        regions:
          fuyang:
            years:
              2022:
                urban_disposable_income: { value: 80000, source: SAMPLE }
                rural_net_income: { value: 40000, source: SAMPLE }
                average_enterprise_pension: { value: 45000, source: SAMPLE }
          jiande:
            years:
              2023:
                urban_disposable_income: { value: 70000, source: SAMPLE }
                rural_disposable_income: { value: 40000, source: SAMPLE }
        """;

    private static readonly RegionalStatistics Sample = RegionalStatistics.Parse(SampleStats);
    private static readonly MonitoringPolicy Fuyang = RepoPolicies.Monitoring("fuyang-2023");
    private static readonly MonitoringPolicy Jiande = RepoPolicies.Monitoring("jiande-2024");

    private static PersonYear P(InsuranceType ins, bool obj, decimal inPolicy = 0, decimal burden = 0, decimal cash = 0, int year = 2023) =>
        new("p1", "h1", year, ins, obj, inPolicy, burden, cash);

    private static string[] Fired(MonitoringPolicy pol, PersonYear p, RegionalStatistics? s = null)
    {
        var r = MonitoringEvaluator.Evaluate(pol, s ?? Sample, p).ThrowIfProblems();
        return r.Triggered.Select(t => t.RuleId).ToArray();
    }

    [Theory]
    [InlineData("5000.00", true)]   // 富政办〔2022〕21号 二.1: "5000元及以上" — ≥ 5,000 is in
    [InlineData("4999.99", false)]
    public void Fuyang_assistance_object_in_policy_burden_of_5000_or_more(string amount, bool fires)
    {
        var got = Fired(Fuyang, P(InsuranceType.Resident, true, inPolicy: decimal.Parse(amount), burden: 90000m));
        // An assistance object is measured by the in-policy rule only ("其他参保人员实行分类监测"): a personal burden of
        // 90,000 (far over the resident line 24,000) adds nothing.
        Assert.Equal(fires ? new[] { "assistance_object_in_policy_burden" } : Array.Empty<string>(), got);
    }

    [Theory]
    // employee in service: 80,000 × 60% = 48,000, strictly more than ("超过")
    [InlineData(InsuranceType.Employee, "48000.00", false)]
    [InlineData(InsuranceType.Employee, "48000.01", true)]
    // retiree: average enterprise pension 45,000 × 100%
    [InlineData(InsuranceType.Retiree, "45000.00", false)]
    [InlineData(InsuranceType.Retiree, "45000.01", true)]
    // resident (incl. children): rural net income 40,000 × 60% = 24,000
    [InlineData(InsuranceType.Resident, "24000.00", false)]
    [InlineData(InsuranceType.Resident, "24000.01", true)]
    public void Fuyang_other_insured_by_class(InsuranceType ins, string burden, bool fires)
    {
        var r = MonitoringEvaluator.Evaluate(Fuyang, Sample, P(ins, false, burden: decimal.Parse(burden))).ThrowIfProblems();
        Assert.Equal(fires ? 1 : 0, r.Triggered.Count);
        if (fires)
        {
            var t = r.Triggered[0];
            Assert.Equal(decimal.Parse(burden) - 0.01m, t.Threshold);
            Assert.Contains("富政办〔2022〕21号 二.1", t.Cite);
            Assert.Contains("2022", t.ThresholdBasisZh); // "上年度": the 2022 figure for the 2023 year
        }
    }

    [Fact]
    public void Jiande_assistance_object_cash_20000_inclusive_and_resident_line_both_fire()
    {
        // cash payment 20,000 ≥ 20,000 ("2万元以上（含）"); personal burden 40,000.01 > rural disposable income 40,000.
        var got = Fired(Jiande, P(InsuranceType.Resident, true, cash: 20000m, burden: 40000.01m, year: 2024));
        Assert.Equal(new[] { "assistance_object_cash_payment", "resident_burden" }, got);
        Assert.Empty(Fired(Jiande, P(InsuranceType.Resident, true, cash: 19999.99m, burden: 40000m, year: 2024)));
    }

    [Fact]
    public void Jiande_employee_and_retiree_use_urban_income()
    {
        // 2023 urban disposable income 70,000 × 100%
        Assert.Equal(new[] { "employee_burden" }, Fired(Jiande, P(InsuranceType.Retiree, false, burden: 70000.01m, year: 2024)));
        Assert.Empty(Fired(Jiande, P(InsuranceType.Employee, false, burden: 70000m, year: 2024)));
    }

    [Fact]
    public void A_missing_statistic_is_an_error_naming_region_year_and_statistic_never_zero()
    {
        // The shipped statistics file does not know Fuyang's 2022 figure. A personal burden of 1 yuan would fire
        // against a zero threshold; instead the rule is reported as not evaluable.
        var r = MonitoringEvaluator.Evaluate(Fuyang, RegionalStatistics.BuiltIn(), P(InsuranceType.Employee, false, burden: 1m));
        Assert.Empty(r.Triggered);
        var e = Assert.IsType<MissingStatisticException>(Assert.Single(r.Problems));
        Assert.Equal(("fuyang", 2022, Statistic.UrbanDisposableIncome), (e.Region, e.Year, e.Statistic));
        Assert.Contains("fuyang 2022", e.Message);
        Assert.Contains("城镇居民人均可支配收入", e.Message);
        Assert.Throws<MissingStatisticException>(() => r.ThrowIfProblems());
    }

    [Fact]
    public void Fixed_threshold_rules_still_run_when_statistics_are_missing()
    {
        var r = MonitoringEvaluator.Evaluate(Fuyang, RegionalStatistics.BuiltIn(), P(InsuranceType.Employee, true, inPolicy: 6000m));
        Assert.Equal("assistance_object_in_policy_burden", Assert.Single(r.Triggered).RuleId);
        Assert.Empty(r.Problems);
    }

    [Theory]
    [InlineData("wenzhou-2022", "difficult_groups_burden")]
    [InlineData("pengshui-2023", "assistance_object_burden")]
    public void Policies_without_a_number_have_the_rule_with_a_missing_threshold(string policy, string rule)
    {
        var pol = RepoPolicies.Monitoring(policy);
        var r = MonitoringEvaluator.Evaluate(pol, Sample, P(InsuranceType.Resident, true, burden: 100000m, year: 2024));
        var e = Assert.IsType<MissingParameterException>(Assert.Single(r.Problems));
        Assert.Equal((policy, rule), (e.Policy, e.Rule));
        Assert.Empty(r.Triggered);
    }

    [Fact]
    public void Years_before_the_document_are_not_monitored()
    {
        var r = MonitoringEvaluator.Evaluate(Fuyang, Sample, P(InsuranceType.Resident, true, inPolicy: 9000m, year: 2022));
        Assert.False(r.InForce);
        Assert.Empty(r.Triggered);
    }

    [Fact]
    public void Every_rule_cites_document_and_article()
    {
        foreach (var policy in RepoPolicies.Catalog.Monitoring)
            foreach (var rule in policy.Rules)
                Assert.Matches(@"〔20\d\d〕\d+号 [一二三四五六七八九十]", rule.Cite);
    }
}
