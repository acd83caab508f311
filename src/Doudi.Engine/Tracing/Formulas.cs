namespace Doudi.Engine.Tracing;

/// <summary>
/// The formula vocabulary of trace steps: each step names one of these, and <c>doudi verify</c> recomputes the step's
/// amount with it. Mechanism only (no parameter value lives here: ratios, lines and limits are inputs the step carries
/// from its clause). Add a formula here rather than reusing one whose input names would mislead a reader.
/// </summary>
/// <remarks>
/// Inputs named like a field of the result that holds the step (<c>criticalIllness</c>, <c>assistance</c>, <c>tilted</c>,
/// <c>supplementary</c>, <c>specialAssistance</c>, <c>capRelief</c>…) must equal that field: <c>verify</c> checks it,
/// which ties the steps of one result together.
/// </remarks>
public static class Formulas
{
    // ---- decisions: nothing paid, for the reason the step's clause and text give -------------------------------------

    /// <summary>A step that pays nothing and needs no number (no identity, excluded by a flag, not in scope…).</summary>
    public static readonly TraceFormula None = new("none", "0", []);

    /// <summary>The policy in force and how many identities could be used on the date (I-2 keeps the best one).</summary>
    public static readonly TraceFormula PolicyInForce = new("policy_in_force", "0", ["identities"]);

    /// <summary>
    /// The identity a bill is settled under, with its dates as yyyymmdd numbers (99991231: not revoked): recognised, and
    /// per-bill benefits from / to (I-1).
    /// </summary>
    public static readonly TraceFormula IdentityDates = new("identity_dates", "0", ["recognized", "effectiveFrom", "effectiveTo"],
        "recognized <= effectiveFrom and effectiveFrom <= effectiveTo");

    /// <summary>A look-back window (I-15) with its dates as yyyymmdd numbers: that many months before recognition up to the day before the identity takes effect.</summary>
    public static readonly TraceFormula LookBackDates = new("lookback_dates", "0", ["months", "recognized", "windowStart", "windowEnd"],
        "windowStart < recognized and windowStart <= windowEnd");

    /// <summary>Nothing paid because a value is below a line.</summary>
    public static readonly TraceFormula BelowLine = new("below_line", "0", ["value", "line"], "value < line");

    /// <summary>Nothing paid because a value does not exceed a threshold.</summary>
    public static readonly TraceFormula NotAbove = new("not_above", "0", ["value", "threshold"], "value <= threshold");

    /// <summary>Nothing paid because the hospital's level is below the scheme's minimum.</summary>
    public static readonly TraceFormula BelowLevel = new("below_level", "0", ["level", "minLevel"], "level < minLevel");

    /// <summary>The conditions of a scheme hold: the hospital's level reaches the minimum and the single-stay cost exceeds the threshold (pengshui 其他疾病).</summary>
    public static readonly TraceFormula Qualifies = new("qualifies", "0", ["level", "minLevel", "value", "threshold"], "level >= minLevel and value > threshold");

    /// <summary>A line reached: the rule applies (the amount follows in the next step).</summary>
    public static readonly TraceFormula AtLeastLine = new("at_least_line", "0", ["value", "line"], "value >= line");

    /// <summary>An input is at least a minimum (a hospital level).</summary>
    public static readonly TraceFormula AtLeastLevel = new("at_least_level", "0", ["level", "minLevel"], "level >= minLevel");

    /// <summary>A value exceeds a threshold.</summary>
    public static readonly TraceFormula Above = new("above", "0", ["value", "threshold"], "value > threshold");

    // ---- amounts taken as given ---------------------------------------------------------------------------------------

    /// <summary>An amount paid by the upstream settlement, taken as it is.</summary>
    public static readonly TraceFormula Upstream = new("upstream_paid", "paid", ["paid"]);

    // ---- per-bill tiers -----------------------------------------------------------------------------------------------

    /// <summary>The assistance base (I-5): in-policy cost less basic insurance, critical illness and the supplementary insurance settled before assistance (0 when it comes after).</summary>
    public static readonly TraceFormula AssistanceBase = new("assistance_base",
        "max(0, inPolicy - basicPaid - criticalIllness - supplementaryBefore)", ["inPolicy", "basicPaid", "criticalIllness", "supplementaryBefore"]);

    /// <summary>A ratio of a base, rounded to the fen (I-4).</summary>
    public static readonly TraceFormula RatioOfBase = new("ratio_of_base", "round2(ratio * base)", ["ratio", "base"]);

    /// <summary>A ratio of the part of a value above a line, rounded to the fen (pengshui tilted assistance, I-6).</summary>
    public static readonly TraceFormula RatioOfExcess = new("ratio_of_excess", "round2(ratio * (value - line))", ["ratio", "value", "line"], "value >= line");

    /// <summary>
    /// Critical illness settled by the engine: the ratio of the part of this bill's base above what remains of the
    /// annual deductible, rounded to the fen.
    /// </summary>
    public static readonly TraceFormula CriticalBand = new("critical_band",
        "round2(ratio * (max(0, before + base - deductible) - max(0, before - deductible)))", ["deductible", "before", "base", "ratio"]);

    /// <summary>An annual limit cuts what is due to what is left of it (I-3).</summary>
    public static readonly TraceFormula LimitLeft = new("limit_left", "max(0, limit - used)", ["limit", "used", "due"], "due > max(0, limit - used)");

    /// <summary>A look-back deduction (I-10): what is left of the affordability amount, at most the base.</summary>
    public static readonly TraceFormula DeductionLeft = new("deduction_left", "min(base, max(0, affordability - used))", ["affordability", "used", "base"]);

    /// <summary>A deduction without a ceiling takes the whole base.</summary>
    public static readonly TraceFormula WholeBase = new("whole_base", "base", ["base"]);

    /// <summary>I-24: assistance due less what the upstream settlement paid (positive: to pay; negative: to recover).</summary>
    public static readonly TraceFormula AssistanceDifference = new("assistance_difference",
        "assistanceDue - assistanceUpstream", ["assistanceDue", "assistanceUpstream"]);

    /// <summary>A bill's personal burden (I-14): total less every tier's payment.</summary>
    public static readonly TraceFormula PersonalBurden = new("personal_burden",
        "total - basicPaid - criticalIllness - assistance - tilted - supplementary",
        ["total", "basicPaid", "criticalIllness", "assistance", "tilted", "supplementary"]);

    // ---- year-end rules -----------------------------------------------------------------------------------------------

    /// <summary>A value capped at a limit.</summary>
    public static readonly TraceFormula Capped = new("capped", "min(value, limit)", ["value", "limit"], "value > limit");

    /// <summary>The part of a value above a line (0 when below).</summary>
    public static readonly TraceFormula ExcessOverLine = new("excess_over_line", "max(0, value - line)", ["value", "line"]);

    /// <summary>The part of the reasonable burden left after special assistance that is above the cap (fuyang's cap, I-14).</summary>
    public static readonly TraceFormula CapExcess = new("cap_excess",
        "max(0, reasonable - specialAssistance - cap)", ["reasonable", "specialAssistance", "cap"]);

    /// <summary>A person's year: the bills' personal burden less the year-end payments.</summary>
    public static readonly TraceFormula AnnualBurden = new("annual_burden",
        "burden - specialAssistance - capRelief", ["burden", "specialAssistance", "capRelief"]);

    /// <summary>A total carried as it is: the sum of the amounts the step's basis lists (see <see cref="TraceBasis"/>).</summary>
    public static readonly TraceFormula Total = new("total", "total", ["total"]);

    /// <summary>Two amounts added up (the shares of fuyang's special assistance, one per ratio, P-5).</summary>
    public static readonly TraceFormula SumOfTwo = new("sum_of_two", "first + second", ["first", "second"]);

    /// <summary>A value less what is taken out of it.</summary>
    public static readonly TraceFormula Less = new("less", "value - deducted", ["value", "deducted"]);

    /// <summary>Jiande's negative list (I-9): listed items plus the parts of the drug and consumable totals above their thresholds.</summary>
    public static readonly TraceFormula NegativeList = new("negative_list",
        "listed + drugExcess + consumableExcess", ["listed", "drugExcess", "drugTotal", "consumableExcess", "consumableTotal"]);

    /// <summary>Every formula, by name: what <c>verify</c> evaluates.</summary>
    public static IReadOnlyDictionary<string, TraceFormula> ByName { get; } = typeof(Formulas)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.FieldType == typeof(TraceFormula))
        .Select(f => (TraceFormula)f.GetValue(null)!)
        .ToDictionary(f => f.Name, StringComparer.Ordinal);
}
