using Doudi.Policy.Prevention;
using Doudi.Prevention.Common;
using Doudi.Prevention.PostHoc;

namespace Doudi.Prevention.Tests.PostHoc;

public class PostHocApplicationTests
{
    private static readonly DateTimeOffset T = new(2023, 3, 1, 9, 0, 0, TimeSpan.FromHours(8));
    /// <summary>wenzhou's checklist, as policies/posthoc/wenzhou-2020.yaml sets it.</summary>
    private static IReadOnlyList<PostHocDocument> Checklist => RepoPolicies.Catalog.PostHocOn("wenzhou", DateOnly.FromDateTime(T.DateTime))!.Documents;

    private static PostHocApplication New(params PostHocDocument[] docs) =>
        new("PH-1", "p1", "五马街道", 8000m, Checklist, docs.Length == 0 ? Checklist : docs, "窗口 陈", T);

    [Fact]
    public void Post_hoc_assistance_is_wenzhou_2020s_alone_from_its_file()
    {
        var rule = RepoPolicies.Catalog.PostHocOn("wenzhou", new DateOnly(2023, 3, 1))!;
        Assert.Equal("温政办〔2020〕78号 第二十二条", rule.Procedure.Cite);
        Assert.Equal(5, rule.Documents.Count);
        // The document expired on 2023-11-30; its 第二十二条 is carried forward under wenzhou-2022 to 2025-12-31 (P-2);
        // the other regions' files set none.
        var carried = RepoPolicies.Catalog.PostHocOn("wenzhou", new DateOnly(2023, 12, 1))!;
        Assert.Equal(("wenzhou-2022", 5), (carried.Id, carried.Documents.Count));
        Assert.Null(RepoPolicies.Catalog.PostHocOn("wenzhou", new DateOnly(2026, 1, 1)));
        foreach (var region in new[] { "fuyang", "jiande", "pengshui" })
            Assert.Null(RepoPolicies.Catalog.PostHocOn(region, new DateOnly(2024, 3, 1)));
    }

    [Fact]
    public void Complete_true_eligible_goes_to_county_and_is_paid()
    {
        var a = New();
        a.TownshipReview(true, true, [], "五马街道 陈", T.AddDays(2));
        Assert.Contains("医保经办机构复核", a.StatusForApplicant().Zh);
        // 第八条 cat 2 (低保) 80% of an in-policy base of 6,250 = 5,000 (hand-computed by the reviewer, passed in)
        a.CountyReview(true, 5000m, [], "鹿城医保 林", T.AddDays(5));
        a.RecordPayment("鹿城医保 林", T.AddDays(7), "转账 20230308-01");
        Assert.Equal(PostHocState.Paid, a.State);
        Assert.Equal("救助金 5000.00 元已支付。", a.StatusForApplicant().Zh);
        Assert.Equal(new[] { "submitted", "township_approved", "county_approved", "paid" }, a.Steps.Select(s => s.Kind));
    }

    [Fact]
    public void Missing_documents_are_named_and_can_be_supplemented()
    {
        var a = New(PostHocDocument.IdCard, PostHocDocument.SocialSecurityCard, PostHocDocument.MedicalInvoice);
        a.TownshipReview(true, true, [], "五马街道 陈", T.AddDays(1));
        Assert.Equal(PostHocState.ReturnedForDocuments, a.State);
        Assert.Equal("您的申请材料不齐全，请到五马街道补充：出院记录、医疗明细清单。", a.StatusForApplicant().Zh);
        Assert.Contains("discharge record", a.StatusForApplicant().En);
        a.Supplement([PostHocDocument.DischargeRecord, PostHocDocument.ItemisedBill], "窗口 陈", T.AddDays(3));
        a.TownshipReview(true, true, [], "五马街道 陈", T.AddDays(4));
        Assert.Equal(PostHocState.TownshipApproved, a.State);
    }

    [Fact]
    public void Rejections_carry_reasons_the_applicant_reads()
    {
        var a = New();
        a.TownshipReview(true, false, ["就医机构非定点医药机构（第十四条）"], "五马街道 陈", T);
        Assert.Equal(PostHocState.Rejected, a.State);
        Assert.Equal("很抱歉，您的申请未通过。原因：就医机构非定点医药机构（第十四条）。", a.StatusForApplicant().Zh);

        var b = New();
        b.TownshipReview(true, true, [], "五马街道 陈", T);
        b.CountyReview(false, 0, [], "鹿城医保 林", T.AddDays(3));
        Assert.Equal(new[] { "复核不通过" }, b.RejectionReasons); // never a rejection without a reason
        Assert.Throws<InvalidTransitionException>(() => b.RecordPayment("鹿城医保 林", T.AddDays(4), "x"));
    }

    [Fact]
    public void The_county_cannot_review_before_the_township()
    {
        var a = New();
        Assert.Throws<InvalidTransitionException>(() => a.CountyReview(true, 100m, [], "鹿城医保", T));
        a.TownshipReview(true, true, [], "五马街道 陈", T);
        Assert.Equal("posthoc_amount_invalid", Assert.Throws<PreventionException>(() => a.CountyReview(true, 0m, [], "鹿城医保", T)).Code);
    }
}
