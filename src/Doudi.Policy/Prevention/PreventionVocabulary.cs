namespace Doudi.Policy.Prevention;

// Glossary codes of the prevention definition files (policies/monitoring, policies/premium, policies/relief).
// Like the settlement vocabulary they are mechanism: which total a rule measures, which run a year-end job is.

/// <summary>Which year total a monitoring rule looks at (POLICIES.md glossary and I-14).</summary>
public enum Measure { InPolicyPersonalBurden, PersonalBurden, CashPayment }

public enum Comparison { AtLeast, GreaterThan }

/// <summary>Statistics the monitoring thresholds are shares of (data/statistics/regional-statistics.yaml).</summary>
public enum Statistic { UrbanDisposableIncome, RuralDisposableIncome, RuralNetIncome, AverageEnterprisePension }

/// <summary>The insurance whose individual contribution is subsidised.</summary>
public enum PremiumItem { ResidentBasic, Supplementary }

/// <summary>Resident insurance tier (一档 / 二档). <see cref="Any"/> in a rule matches both.</summary>
public enum InsuranceTier { Tier1, Tier2, Any }

public enum ContributionBasis { OwnContribution, Tier1Contribution }

/// <summary>
/// The year-end jobs, named by what they do (the engine's annual rules), not by the region whose document first had
/// them: which regions run which job, from which fund, is in each region's relief file.
/// </summary>
public enum RunKind
{
    HouseholdCap,       // household reasonable cost above the household line (household.line.*)
    SpecialAssistance,  // special assistance over the reasonable burden (special.*)
    BurdenCap,          // personal reasonable burden above the cap (cap.personal)
    Resolution,         // personal burden above the resolution threshold (resolution.*)
    Supplementary,      // retroactive differences (I-15), run by the engine
}

/// <summary>The funds a payment may come from.</summary>
public enum Fund { MedicalAssistance, Charity }

public static class RunKinds
{
    /// <summary>
    /// Reads a run kind: its code (<c>household_cap</c>) or a code published before kinds were generic, which ends with
    /// it (<c>xxx_household_cap</c>; each relief file names the code it publishes).
    /// </summary>
    public static bool TryParse(string? code, out RunKind kind)
    {
        kind = default;
        if (code is null) return false;
        if (Vocabulary.Codes.TryParse(code, out kind)) return true;
        foreach (var k in Enum.GetValues<RunKind>())
            if (code.EndsWith("_" + Vocabulary.Codes.ToCode(k), StringComparison.Ordinal)) { kind = k; return true; }
        return false;
    }

    /// <summary>Whether a year-end job pays households (the household line) rather than persons.</summary>
    public static bool PaysHouseholds(RunKind kind) => kind == RunKind.HouseholdCap;
}
