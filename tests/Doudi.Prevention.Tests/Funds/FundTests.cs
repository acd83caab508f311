using Doudi.Policy.Prevention;
using Doudi.Prevention.Common;
using Doudi.Prevention.Funds;

namespace Doudi.Prevention.Tests.Funds;

public class FundTests
{
    private static DateOnly D(string s) => DateOnly.Parse(s);

    private static FundLedger Warmheart()
    {
        var f = new FundLedger("jiande-nuanxin", "建德市病贫无忧暖心基金", FundKind.Charity);
        f.Income(D("2024-03-01"), FundSource.Donation, 400000m, "惠民保承保公司捐赠");
        f.Income(D("2024-03-10"), FundSource.Donation, 200000m, "村集体、医药机构捐赠");
        f.Income(D("2024-04-01"), FundSource.FiscalBudget, 300000m, "市财政补助");
        return f;
    }

    /// <summary>jiande's cap, as policies/funds/jiande-2024.yaml sets it.</summary>
    private static FiscalShareLimit Jiande => RepoPolicies.Catalog.FundsOn("jiande", D("2024-04-30"))!.Of(Fund.Charity)!.FiscalShare!;

    [Fact]
    public void The_fiscal_share_cap_is_jiandes_alone_from_its_file()
    {
        Assert.Equal(("1/3", "建政办函〔2024〕4号 三.(三)"), (Jiande.Fraction, Jiande.Clause.Cite));
        // No other region's files cap a fund's fiscal share: the cap is not applied to them.
        foreach (var region in new[] { "fuyang", "wenzhou", "pengshui" })
            Assert.Null(RepoPolicies.Catalog.FundsOn(region, D("2024-04-30"))?.Of(Fund.Charity)?.FiscalShare);
    }

    [Fact]
    public void Fiscal_money_at_most_one_third_of_the_warm_heart_fund()
    {
        var f = Warmheart();
        // fiscal 300,000 of 900,000 raised = exactly 1/3 → within ("不超过")
        var ok = FiscalShareCheck.For(f, D("2024-04-30"), Jiande);
        Assert.Equal((300000m, 900000m, true), (ok.Fiscal, ok.Raised, ok.WithinLimit));
        Assert.Contains("33.33%", ok.MessageZh);
        // one more yuan of fiscal money: 300,001 × 3 = 900,003 > 900,001 → over
        f.Income(D("2024-05-01"), FundSource.TransferPayment, 1m, "转移支付");
        var over = FiscalShareCheck.For(f, D("2024-05-01"), Jiande);
        Assert.False(over.WithinLimit);
        Assert.Contains("超过1/3（建政办函〔2024〕4号 三.(三)）", over.MessageZh);
        // carry-over and interest: carry-over is not new money, interest counts as raised
        var g = new FundLedger("g", "暖心基金", FundKind.Charity);
        g.Income(D("2025-01-01"), FundSource.CarryOver, 1000000m, "2024年结余");
        g.Income(D("2025-02-01"), FundSource.FiscalBudget, 100m, "财政");
        g.Income(D("2025-02-01"), FundSource.Interest, 200m, "利息");
        Assert.True(FiscalShareCheck.For(g, D("2025-12-31"), Jiande).WithinLimit);   // 100 × 3 = 300 ≤ 300
        Assert.Equal(300m, FiscalShareCheck.For(g, D("2025-12-31"), Jiande).Raised);
    }

    [Fact]
    public void Payments_cannot_overdraw()
    {
        var f = Warmheart();
        f.Pay(D("2024-11-09"), 10000m, "JD-2024-001", "梯次减负后兜底拨付");
        Assert.Equal(890000m, f.BalanceAt(D("2024-11-09"))); // 900,000 − 10,000
        Assert.Equal("fund_overdrawn", Assert.Throws<PreventionException>(() => f.Pay(D("2024-03-05"), 400001m, "x", "超额")).Code);
    }

    [Fact]
    public void Disclosure_report_for_a_period_by_source()
    {
        var f = new FundLedger("wz-ma", "温州市医疗救助资金", FundKind.MedicalAssistance);
        f.Income(D("2023-01-01"), FundSource.CarryOver, 50000m, "2022年结余");
        f.Income(D("2023-01-15"), FundSource.FiscalBudget, 1000000m, "市级预算");
        f.Income(D("2023-02-10"), FundSource.HigherTransfer, 300000m, "省级下拨");
        f.Pay(D("2023-02-20"), 120000m, "batch-1", "一站式结算救助");
        f.Income(D("2023-03-31"), FundSource.Interest, 1234.56m, "利息");
        f.Pay(D("2023-04-02"), 80000m, "batch-2", "事后救助");
        var r = DisclosureReport.Build(f, D("2023-02-01"), D("2023-03-31")) with
            { Cite = RepoPolicies.Catalog.FundsOn("wenzhou", D("2023-03-31"))!.Of(Fund.MedicalAssistance)!.Disclosure!.Cite };
        Assert.Equal(1050000m, r.OpeningBalance);          // 50,000 + 1,000,000
        Assert.Equal(301234.56m, r.TotalIncome);          // 300,000 + 1,234.56
        Assert.Equal((1, 120000m), (r.PaymentCount, r.TotalPayments));
        Assert.Equal(1231234.56m, r.ClosingBalance);      // 1,050,000 + 301,234.56 − 120,000
        var text = r.ToText();
        Assert.Contains("上级下拨：300000.00 元", text);
        Assert.Contains("本期支出：120000.00 元（1 笔）", text);
        Assert.DoesNotContain("batch-1", text); // payees are not disclosed
        Assert.EndsWith("依据：温政办〔2020〕78号 第十八条", text);
        // Without a disclosure clause in the region's files the report names none.
        Assert.DoesNotContain("依据", (r with { Cite = null }).ToText());
    }
}
