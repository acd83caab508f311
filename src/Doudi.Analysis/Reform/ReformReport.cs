namespace Doudi.Analysis.Reform;

/// <summary>A tier's total paid before and after the reform.</summary>
public sealed record TierChange(string Tier, string Name, decimal Before, decimal After)
{
    public decimal Change => After - Before;
}

/// <summary>A fund's total: the tiers it pays.</summary>
public sealed record FundChange(string Fund, string Name, IReadOnlyList<string> Tiers, decimal Before, decimal After)
{
    public decimal Change => After - Before;
}

/// <summary>
/// A person's year before and after: <see cref="Benefit"/> is everything the person-level tiers pay on the person's
/// bills and year (critical illness where the engine settles it, assistance, tilted, special assistance, the personal
/// cap); <see cref="Burden"/> is the personal burden after them (I-14).
/// </summary>
public sealed record PersonChange(string Person, string Household, int Year, string Category, string Township, int Decile,
    decimal BenefitBefore, decimal BenefitAfter, decimal BurdenBefore, decimal BurdenAfter)
{
    public decimal Change => BenefitAfter - BenefitBefore;
}

/// <summary>A household's year: its members' person-level changes plus the household tier (jiande's household cap).</summary>
public sealed record HouseholdChange(string Household, int Year, decimal BenefitBefore, decimal BenefitAfter, decimal HouseholdReliefBefore,
    decimal HouseholdReliefAfter, decimal BurdenBefore, decimal BurdenAfter, bool MonitoredBefore, bool MonitoredAfter)
{
    public decimal Change => BenefitAfter + HouseholdReliefAfter - BenefitBefore - HouseholdReliefBefore;
}

/// <summary>How many are better off, worse off or unchanged, and by how much.</summary>
public sealed record Outcome(int BetterOff, decimal Gained, int WorseOff, decimal Lost, int Unchanged);

/// <summary>A group (category, township, decile of personal burden before the reform).</summary>
public sealed record GroupChange(string Key, int Persons, decimal BenefitBefore, decimal BenefitAfter, decimal BurdenBefore, decimal BurdenAfter, int BetterOff, int WorseOff)
{
    public decimal Change => BenefitAfter - BenefitBefore;
}

/// <summary>综合保障率 (share of the total cost paid by all tiers) and 个人负担率 (share left to the persons).</summary>
public sealed record Rates(decimal TotalCost, decimal PersonalBurden, decimal CoverageRate, decimal BurdenRate);

public sealed class ReformReport
{
    public const string StaticNote =
        "静态测算：假定就医行为、名册和上游支付不因政策调整而改变，只重算本案例的单据与年度规则 static estimate: the same persons, identities, bills and upstream payments, settled under both policies; no change of behaviour is modelled";

    public required string Region { get; init; }
    public required string Reform { get; init; }
    public required string ReformTitle { get; init; }
    public required string ReformFile { get; init; }
    public required IReadOnlyList<string> Amends { get; init; }
    public string Method { get; } = StaticNote;
    public int Bills { get; set; }
    public int PersonYears { get; set; }
    public int HouseholdYears { get; set; }
    public decimal CostBefore { get; set; }
    public decimal CostAfter { get; set; }
    public decimal CostChange => CostAfter - CostBefore;
    public List<TierChange> Tiers { get; } = [];
    public List<FundChange> Funds { get; } = [];
    public required Outcome Persons { get; set; }
    public required Outcome Households { get; set; }
    public required Rates Before { get; set; }
    public required Rates After { get; set; }
    public List<GroupChange> ByCategory { get; } = [];
    public List<GroupChange> ByTownship { get; } = [];
    public List<GroupChange> ByDecile { get; } = [];
    /// <summary>Households with a member in the monitoring pool (预警监测) before and not after, or after and not before.</summary>
    public List<HouseholdChange> LeavingMonitoring { get; } = [];
    public List<HouseholdChange> EnteringMonitoring { get; } = [];
    public string? MonitoringPolicy { get; set; }
    public List<PersonChange> PersonChanges { get; } = [];
    public List<HouseholdChange> HouseholdChanges { get; } = [];
    public List<string> Notes { get; } = [];
}
