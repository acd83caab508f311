namespace Doudi.Server.Prevention.PostHoc;

public sealed record ChecklistDocument(string Code, string Name, string NameEn);

/// <summary>The documents a region's post-hoc rule asks for, and its clause (policies/posthoc/).</summary>
public sealed record PostHocChecklist(string Cite, IReadOnlyList<ChecklistDocument> Documents)
{
    public string Region { get; init; } = "";
    public string Policy { get; init; } = "";
    public string Text { get; init; } = "";
}

/// <summary><c>POST /api/posthoc-applications</c>: the person (id, ID number or insurance number), township (default: the person's), documents handed in.</summary>
public sealed record PostHocSubmitRequest(string Person, decimal ClaimedAmount, IReadOnlyList<string> Documents, string? Township = null);

public sealed record PostHocDocumentsRequest(IReadOnlyList<string> Documents);

public sealed record TownshipReviewRequest(bool MaterialTrue, bool Eligible, IReadOnlyList<string>? Reasons = null);

public sealed record CountyReviewRequest(bool Approve, decimal? Amount = null, IReadOnlyList<string>? Reasons = null);

public sealed record PostHocPaymentRequest(string Reference);

public sealed record PostHocStepView(string Kind, string Actor, DateTimeOffset At, string Reason);

/// <summary>A post-hoc application as staff see it.</summary>
public sealed record PostHocView(string Id, string Person, string Region, string Township, decimal ClaimedAmount, string Cite, string State, string Status,
    string StatusEn, IReadOnlyList<string> Documents, IReadOnlyList<string> MissingDocuments, decimal? PaidAmount, IReadOnlyList<string> RejectionReasons,
    IReadOnlyList<PostHocStepView> Steps, DateTimeOffset CreatedAt, string CreatedBy);

public sealed record ApplicantStep(string Kind, string Date);

/// <summary>What the applicant reads with the application number and their ID number (no account).</summary>
public sealed record ApplicantStatus(string Id, string State, string Status, string StatusEn, string Message, IReadOnlyList<string> MissingDocuments,
    decimal? PaidAmount, IReadOnlyList<ApplicantStep> Steps);
