using Doudi.Policy.Vocabulary;

namespace Doudi.Engine.Cases;

// The case file: who the people are, which identities they held when, and their bills.
// These are plain records: reading them from JSON and validating them is done at the edge (Doudi.Cases).

public sealed record Identity(Category Category, DateOnly Recognized, DateOnly? Revoked, bool ForMedicalSpending = false);

public sealed record Person(string Id, string Household, InsuranceType Insurance, IReadOnlyList<Identity> Identities);

public sealed record Item(ItemKind Kind, ItemClass Class, bool InCatalog, decimal Amount);

public sealed record Bill
{
    public required string Id { get; init; }
    public required string Person { get; init; }
    /// <summary>Settlement date (inpatient: discharge date), I-1.</summary>
    public required DateOnly Date { get; init; }
    public required BillKind Kind { get; init; }
    public required decimal Total { get; init; }
    public required decimal InPolicy { get; init; }
    public required decimal BasicPaid { get; init; }
    /// <summary>Null: the engine settles critical illness itself from the policy's parameters.</summary>
    public decimal? CriticalPaid { get; init; }
    public decimal SupplementaryPaid { get; init; }
    /// <summary>Non-null: the upstream system already paid medical assistance; the engine takes it as is.</summary>
    public decimal? AssistancePaid { get; init; }
    /// <summary>Out-of-catalogue cost that the expert panel admitted as reasonable (fuyang 二.4, I-14).</summary>
    public decimal ReasonableOutOfPolicy { get; init; }
    public bool SpecialDisease { get; init; }
    /// <summary>0 to 3, 0 ungraded; null when the bill does not say (refused where the policy reads it, P-9).</summary>
    public int? HospitalLevel { get; init; }
    public bool Designated { get; init; } = true;
    /// <summary>Treated in an emergency (紧急情况): lifts the non-designated exclusion where the policy says so (wenzhou-2020 第十四条（二）, P-8).</summary>
    public bool Emergency { get; init; }
    public bool Referred { get; init; }
    public bool WithinCity { get; init; } = true;
    public Exclusion Excluded { get; init; }
    public IReadOnlyList<Item> Items { get; init; } = [];
}

public sealed record CaseFile(string Region, IReadOnlyList<Person> Persons, IReadOnlyList<Bill> Bills);
