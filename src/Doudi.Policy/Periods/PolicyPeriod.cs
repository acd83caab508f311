using Doudi.Policy.Parameters;
using Doudi.Policy.Vocabulary;

namespace Doudi.Policy.Periods;

/// <summary>
/// The parameters of one region over a stretch of bill dates in which none of them changes, compiled into
/// typed fields (arrays indexed by category or kind) so that settling a bill looks nothing up by name.
/// Every value keeps its citation.
/// </summary>
public sealed class PolicyPeriod
{
    public required string Region { get; init; }
    /// <summary>The policy reported on bills: the top document in force (wenzhou-2022 over wenzhou-2020).</summary>
    public required string PolicyId { get; init; }
    public required IReadOnlyList<string> Layers { get; init; }
    /// <summary>Document number of <see cref="PolicyId"/>, e.g. 富政办〔2022〕21号.</summary>
    public required string Document { get; init; }
    public required DateOnly From { get; init; }
    public required DateOnly To { get; init; }
    /// <summary>The top document's own period clause (its <c>cite</c>: the article that puts it in force).</summary>
    public required Citation Cite { get; init; }

    /// <summary>Everything in force, by key, for <c>policy show</c>.</summary>
    public required IReadOnlyDictionary<string, (object Value, Citation Cite)> Parameters { get; init; }

    /// <summary>The register the period's files were checked against: the I-n of the engine's general mechanisms (I-3, I-4, I-14).</summary>
    public Loading.InterpretationRegister Interpretations { get; internal set; } = Loading.InterpretationRegister.Empty;

    public Citation?[] Objects { get; } = new Citation?[Codes.CategoryCount];
    public Citation? IdentityNextMonth { get; set; }
    /// <summary>
    /// What an identity trace step cites, per category: who is an object and, where the policy has one, when an
    /// identity takes effect (wenzhou-2020 第二十三条, I-1) — composed once here so a bill allocates nothing.
    /// </summary>
    public string?[] IdentityRule { get; } = new string?[Codes.CategoryCount];
    public Cited<bool>? SupplementaryBeforeAssistance { get; set; }
    public Citation?[] Exclusions { get; } = new Citation?[Enum.GetValues<Exclusion>().Length];
    public Citation? OutOfCityNeedsReferral { get; set; }
    /// <summary>Exclusions an emergency lifts (wenzhou-2020 第十四条（二）"紧急情况除外", P-8), by exclusion.</summary>
    public Citation?[] EmergencyExcepted { get; } = new Citation?[Enum.GetValues<Exclusion>().Length];
    /// <summary>Treatment outside the city, referred or filed, is settled at the local standards (wenzhou-2020 第二十四条, P-6).</summary>
    public Citation? OutOfCityLocalStandard { get; set; }
    public Citation? UpstreamAssistance { get; set; }

    public Cited<Scheme?>?[] SchemeByKind { get; } = new Cited<Scheme?>?[Codes.BillKindCount];
    public Cited<Scheme?>?[] SpecialDiseaseSchemeByKind { get; } = new Cited<Scheme?>?[Codes.BillKindCount];

    public Lookback? Lookback { get; set; }
    public CriticalIllness? Critical { get; set; }
    public Tilted? Tilted { get; set; }
    public Special? Special { get; set; }
    public Cited<Limit>? PersonalCap { get; set; }
    public Resolution? Resolution { get; set; }
    public Household? Household { get; set; }

    public bool IsObject(Category c) => Objects[(int)c] is not null;

    /// <summary>
    /// The clause that orders the tiers (the one placing supplementary insurance before or after assistance, I-5:
    /// wenzhou-2020 第七条, wenzhou-2022 三.10–11, fuyang 二.3, jiande 二.2, pengshui 二.（三）.1): what a bill's
    /// personal burden and an upstream tier's payment cite. Falls back to the period's own clause.
    /// </summary>
    public Citation TiersCite => SupplementaryBeforeAssistance?.Cite ?? Cite;
}

/// <summary>An assistance scheme: a ratio per category and the annual limits it counts against.</summary>
public sealed class Scheme(string name)
{
    public string Name { get; } = name;
    public Cited<decimal>?[] Ratio { get; } = new Cited<decimal>?[Codes.CategoryCount];
    public IReadOnlyList<Bucket> Limits { get; set; } = [];
    public Citation? LimitsCite { get; set; }
    public Cited<int>? MinHospitalLevel { get; set; }
    public Cited<decimal>? InPolicyAbove { get; set; }
}

/// <summary>An annual limit on assistance paid per person; several schemes may share one.</summary>
public sealed class Bucket(string name)
{
    public string Name { get; } = name;
    public string LedgerKey { get; } = "limit." + name;
    public Cited<Limit>?[] ByCategory { get; } = new Cited<Limit>?[Codes.CategoryCount];
}

public sealed class Lookback
{
    public required Cited<int> Months { get; init; }
    public required IReadOnlySet<string> Schemes { get; init; }
    /// <summary>The categories whose recognition for medical spending reaches back (null: every category).</summary>
    public IReadOnlySet<Category>? Categories { get; init; }
    public Cited<decimal>? Ratio { get; init; }
    public Cited<Limit>? Deduction { get; init; }
}

public sealed class CriticalIllness
{
    public Cited<Limit>? Deductible { get; init; }
    public Cited<decimal>? Ratio { get; init; }
    public Cited<Limit>? Cap { get; init; }
    public CriticalPreference?[] Preference { get; } = new CriticalPreference?[Codes.CategoryCount];
}

public sealed class CriticalPreference
{
    public Cited<decimal>? DeductibleFactor { get; set; }
    public Cited<decimal>? RatioBonus { get; set; }
    public Cited<decimal>? RatioFloor { get; set; }
    public Cited<bool>? NoCap { get; set; }
}

public sealed class Tilted
{
    public Cited<decimal>?[] Line { get; } = new Cited<decimal>?[Codes.CategoryCount];
    public required Cited<decimal> Ratio { get; init; }
    public required Cited<Limit> Limit { get; init; }
    public required bool[] Kinds { get; init; }
    public Citation? KindsCite { get; init; }
    public Citation? NeedsReferral { get; init; }
    public Citation? NeedsWithinCity { get; init; }
}

public sealed class Special
{
    public required Cited<decimal> Threshold { get; init; }
    public Cited<decimal>?[] Ratio { get; } = new Cited<decimal>?[Codes.CategoryCount];
    public required Cited<Limit> Limit { get; init; }
}

public sealed class Resolution
{
    public required Cited<decimal> Threshold { get; init; }
    public Citation? NeedsReferral { get; init; }
}

public sealed class Household
{
    public Cited<decimal>?[] Line { get; } = new Cited<decimal>?[Codes.CategoryCount];
    public Cited<IReadOnlySet<ItemClass>>? NegativeClasses { get; init; }
    public Cited<decimal>? DrugThreshold { get; init; }
    public Cited<decimal>? ConsumableThreshold { get; init; }
    public bool ThresholdPerHousehold { get; init; }
    public Citation? ThresholdScopeCite { get; init; }
    /// <summary>The clause that says how a listed item inside the catalogue shares the bill's remainder (I-23).</summary>
    public Citation? ItemShareCite { get; init; }
    /// <summary>The clause that makes the household the unit, every member counting (I-25).</summary>
    public Citation? MembersCite { get; init; }
}
