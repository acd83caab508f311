using Doudi.Prevention.Common;
using Doudi.Prevention.PostHoc;

namespace Doudi.Prevention.Tests.PostHoc;

public class PostHocApplicationTests
{
    private static readonly DateTimeOffset T = new(2023, 3, 1, 9, 0, 0, TimeSpan.FromHours(8));
    private static PostHocApplication New(params DocumentKind[] docs) =>
        new("PH-1", "p1", "五马街道", 8000m, docs.Length == 0 ? PostHocApplication.Checklist : docs, "窗口 陈", T);

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
        var a = New(DocumentKind.IdCard, DocumentKind.SocialSecurityCard, DocumentKind.MedicalInvoice);
        a.TownshipReview(true, true, [], "五马街道 陈", T.AddDays(1));
        Assert.Equal(PostHocState.ReturnedForDocuments, a.State);
        Assert.Equal("您的申请材料不齐全，请到五马街道补充：出院记录、医疗明细清单。", a.StatusForApplicant().Zh);
        Assert.Contains("discharge record", a.StatusForApplicant().En);
        a.Supplement([DocumentKind.DischargeRecord, DocumentKind.ItemisedBill], "窗口 陈", T.AddDays(3));
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
