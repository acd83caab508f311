namespace Doudi.Policy.Prevention;

/// <summary>
/// A region's rules on its funds (policies/funds/*.yaml): a cap on the fiscal share of a fund's income and the duty to
/// disclose a fund's books. A fund whose region's file sets no such rule is not checked against one.
/// </summary>
public sealed record FundPolicy(string Id, string Region, string Document, DateOnly From, DateOnly To, string Cite, IReadOnlyList<FundRule> Funds)
{
    public string File { get; init; } = "";

    public FundRule? Of(Fund fund) => Funds.FirstOrDefault(f => f.Fund == fund);
}

/// <summary>The rules on one fund: at most <see cref="FiscalShare"/> of the money raised may be fiscal; its books are disclosed (<see cref="Disclosure"/>).</summary>
public sealed record FundRule(Fund Fund, FiscalShareLimit? FiscalShare, CitedText? Disclosure);

/// <summary>Fiscal money at most <see cref="Numerator"/>/<see cref="Denominator"/> of the money raised (kept as a fraction: no rounding of one third).</summary>
public sealed record FiscalShareLimit(int Numerator, int Denominator, CitedText Clause)
{
    public string Fraction => $"{Numerator}/{Denominator}";
}

/// <summary>
/// A region's post-hoc assistance (policies/posthoc/*.yaml): the procedure for bills one-stop settlement could not
/// settle, and the documents an application needs.
/// </summary>
public sealed record PostHocPolicy(string Id, string Region, string Document, DateOnly From, DateOnly To, CitedText Procedure, CitedText DocumentsClause,
    IReadOnlyList<PostHocDocument> Documents)
{
    public string File { get; init; } = "";
}

/// <summary>Documents a post-hoc applicant may hand in (glossary codes; which ones a region asks for is in its file).</summary>
public enum PostHocDocument { IdCard, SocialSecurityCard, MedicalInvoice, DischargeRecord, ItemisedBill }
