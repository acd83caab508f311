using Doudi.Policy.Prevention;
using Doudi.Prevention.Common;

namespace Doudi.Prevention.PostHoc;

public enum PostHocState { Submitted, ReturnedForDocuments, TownshipApproved, CountyApproved, Paid, Rejected }

public sealed record PostHocStep(string Kind, string Actor, DateTimeOffset At, string Reason);

/// <summary>
/// Post-hoc assistance (事后救助) when one-stop settlement was impossible (wenzhou's procedure): filed at the
/// street/township office with the documents of the region's checklist (policies/posthoc/) → township preliminary review
/// (complete, true, eligible) → county medical-insurance office review → payment, or rejection with reasons at either review.
/// </summary>
public sealed class PostHocApplication
{
    public static Bilingual DocumentName(PostHocDocument d) => d switch
    {
        PostHocDocument.IdCard => new("身份证", "identity card"),
        PostHocDocument.SocialSecurityCard => new("社会保障·市民卡", "social-security citizen card"),
        PostHocDocument.MedicalInvoice => new("医疗费用发票", "medical invoices"),
        PostHocDocument.DischargeRecord => new("出院记录", "discharge record"),
        _ => new("医疗明细清单", "itemised bill"),
    };

    private readonly HashSet<PostHocDocument> _documents;
    private readonly List<PostHocStep> _steps = new();

    public string Id { get; }
    public string PersonId { get; }
    public string Township { get; }
    public decimal ClaimedAmount { get; }
    public PostHocState State { get; private set; } = PostHocState.Submitted;
    public decimal? PaidAmount { get; private set; }
    public IReadOnlyList<string> RejectionReasons { get; private set; } = [];
    public IReadOnlyList<PostHocStep> Steps => _steps;
    /// <summary>The clause of the region's post-hoc rule the application follows.</summary>
    public string Cite { get; init; } = "";
    /// <summary>The documents the region's post-hoc rule asks for.</summary>
    public IReadOnlyList<PostHocDocument> Checklist { get; }
    public IReadOnlyCollection<PostHocDocument> Documents => _documents;
    public IReadOnlyList<PostHocDocument> MissingDocuments => Checklist.Where(d => !_documents.Contains(d)).ToArray();

    public PostHocApplication(string id, string personId, string township, decimal claimedAmount, IReadOnlyList<PostHocDocument> checklist,
        IEnumerable<PostHocDocument> documents, string actor, DateTimeOffset at)
    {
        Id = id; PersonId = personId; Township = township; ClaimedAmount = claimedAmount; Checklist = checklist;
        _documents = documents.ToHashSet();
        _steps.Add(new PostHocStep("submitted", actor, at, $"提交材料：{string.Join("、", _documents.Select(d => DocumentName(d).Zh))}"));
    }

    /// <summary>Adds documents after a return; the application goes back to the township's queue.</summary>
    public void Supplement(IEnumerable<PostHocDocument> documents, string actor, DateTimeOffset at)
    {
        Require(PostHocState.ReturnedForDocuments);
        var added = documents.Where(_documents.Add).ToArray();
        _steps.Add(new PostHocStep("supplemented", actor, at, $"补充材料：{string.Join("、", added.Select(d => DocumentName(d).Zh))}"));
        State = PostHocState.Submitted;
    }

    /// <summary>
    /// Township preliminary review (初审). Missing documents return the application for completion; untrue
    /// material or ineligibility rejects it with the reasons. All three checks passed → goes to the county.
    /// </summary>
    public void TownshipReview(bool materialTrue, bool eligible, IReadOnlyList<string> reasons, string actor, DateTimeOffset at)
    {
        Require(PostHocState.Submitted);
        if (MissingDocuments.Count > 0)
        {
            var missing = string.Join("、", MissingDocuments.Select(d => DocumentName(d).Zh));
            _steps.Add(new PostHocStep("returned_for_documents", actor, at, $"材料不齐全，缺少：{missing}"));
            State = PostHocState.ReturnedForDocuments;
            return;
        }
        if (!materialTrue || !eligible)
        {
            RejectWith(reasons, (!materialTrue ? "材料不真实" : "不符合救助条件"), actor, at, "township_rejected");
            return;
        }
        _steps.Add(new PostHocStep("township_approved", actor, at, "材料齐全、真实且符合救助条件，提交医保经办机构复核"));
        State = PostHocState.TownshipApproved;
    }

    /// <summary>County medical-insurance office review (复核): approves an amount or rejects with reasons.</summary>
    public void CountyReview(bool approve, decimal approvedAmount, IReadOnlyList<string> reasons, string actor, DateTimeOffset at)
    {
        Require(PostHocState.TownshipApproved);
        if (!approve) { RejectWith(reasons, "复核不通过", actor, at, "county_rejected"); return; }
        if (approvedAmount <= 0)
            throw new PreventionException("posthoc_amount_invalid", "复核通过须核定救助金额", "an approval needs an assistance amount");
        PaidAmount = Money.Round(approvedAmount);
        _steps.Add(new PostHocStep("county_approved", actor, at, $"复核通过，核定救助金额 {PaidAmount:0.00} 元"));
        State = PostHocState.CountyApproved;
    }

    public void RecordPayment(string actor, DateTimeOffset at, string reference)
    {
        Require(PostHocState.CountyApproved);
        _steps.Add(new PostHocStep("paid", actor, at, $"已支付 {PaidAmount:0.00} 元（{reference}）"));
        State = PostHocState.Paid;
    }

    /// <summary>Where the application stands, in words the applicant can read (Chinese; English on request).</summary>
    public Bilingual StatusForApplicant() => State switch
    {
        PostHocState.Submitted => new($"您的事后医疗救助申请已受理，正在由{Township}进行初审。",
            $"Your post-hoc assistance application was received and is under preliminary review at {Township}."),
        PostHocState.ReturnedForDocuments => new($"您的申请材料不齐全，请到{Township}补充：{string.Join("、", MissingDocuments.Select(d => DocumentName(d).Zh))}。",
            $"Your application is incomplete; please bring to {Township}: {string.Join(", ", MissingDocuments.Select(d => DocumentName(d).En))}."),
        PostHocState.TownshipApproved => new("您的申请已通过街道（乡镇）初审，正在由医保经办机构复核。",
            "Your application passed the township review and is being reviewed by the medical-insurance office."),
        PostHocState.CountyApproved => new($"您的申请已复核通过，核定救助金额 {PaidAmount:0.00} 元，正在安排支付。",
            $"Your application was approved for {PaidAmount:0.00} yuan; payment is being arranged."),
        PostHocState.Paid => new($"救助金 {PaidAmount:0.00} 元已支付。", $"The assistance of {PaidAmount:0.00} yuan has been paid."),
        _ => new($"很抱歉，您的申请未通过。原因：{string.Join("；", RejectionReasons)}。",
            $"Sorry, your application was not approved. Reasons: {string.Join("; ", RejectionReasons)}."),
    };

    private void RejectWith(IReadOnlyList<string> reasons, string fallback, string actor, DateTimeOffset at, string kind)
    {
        // A rejection without a reason is not allowed: the applicant must be told why.
        RejectionReasons = reasons.Where(r => !string.IsNullOrWhiteSpace(r)).DefaultIfEmpty(fallback).ToArray();
        _steps.Add(new PostHocStep(kind, actor, at, string.Join("；", RejectionReasons)));
        State = PostHocState.Rejected;
    }

    private void Require(PostHocState s)
    {
        if (State != s)
            throw new InvalidTransitionException($"事后救助申请 {Id}", State.ToString(), s.ToString());
    }
}
