using Doudi.Policy.Vocabulary;

namespace Doudi.Server.Registry;

public sealed record IdentityRecord(long Id, string PersonId, Category Category, string Department, DateOnly Recognized, DateOnly? Revoked,
    bool ForMedicalSpending, string? SourceBatch, string? EndedBatch)
{
    /// <summary>I-1: recognised on day d of month M → effective from day 1 of M+1.</summary>
    public DateOnly EffectiveFrom => Effective.From(Recognized);
    /// <summary>I-1: revoked in month M → effective to the last day of M.</summary>
    public DateOnly? EffectiveTo => Revoked is { } r ? Effective.To(r) : null;
}

public static class Effective
{
    public static DateOnly From(DateOnly recognized) => new DateOnly(recognized.Year, recognized.Month, 1).AddMonths(1);
    public static DateOnly To(DateOnly revoked) => new DateOnly(revoked.Year, revoked.Month, 1).AddMonths(1).AddDays(-1);
}

public sealed record PersonRecord(string Id, string IdNumber, string? PsnNo, string Name, string Household, InsuranceType Insurance, string Region, string? Township)
{
    /// <summary>Resident insurance tier (一档/二档) where recorded: the premium-subsidy lists take it (issue 9).</summary>
    public Doudi.Policy.Prevention.InsuranceTier? Tier { get; init; }
}

public sealed record IdentityView(long Id, string Category, string Department, DateOnly Recognized, DateOnly? Revoked,
    DateOnly EffectiveFrom, DateOnly? EffectiveTo, bool ForMedicalSpending, string? SourceBatch, string? EndedBatch);

public sealed record PersonView(string Id, string IdNumber, string? PsnNo, string Name, string Household, string Insurance, string Region,
    string? Township, IReadOnlyList<IdentityView>? Identities)
{
    /// <summary>tier1 / tier2, or null when not recorded.</summary>
    public string? InsuranceTier { get; init; }
}

public static class Views
{
    public static IdentityView View(IdentityRecord i) => new(i.Id, Codes.ToCode(i.Category), i.Department, i.Recognized, i.Revoked,
        i.EffectiveFrom, i.EffectiveTo, i.ForMedicalSpending, i.SourceBatch, i.EndedBatch);

    public static PersonView View(PersonRecord p, Security.Actor actor, IReadOnlyList<IdentityRecord>? identities) =>
        new(p.Id, Security.IdMasking.For(actor, p.IdNumber), p.PsnNo, p.Name, p.Household, Codes.ToCode(p.Insurance), p.Region, p.Township,
            identities?.Select(View).ToList())
        { InsuranceTier = p.Tier is { } t ? Codes.ToCode(t) : null };
}
