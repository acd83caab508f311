using Doudi.Policy.Vocabulary;

namespace Doudi.Policy.Parameters;

public enum ValueType { Ratio, Amount, Limit, Int, Bool, Choice, ChoiceList, Name, NameList }

/// <summary>One kind of parameter: a dotted key pattern and the type of its value.</summary>
/// <remarks>Placeholders: {kind} a bill kind, {category} a glossary category, {name} a scheme or limit name.</remarks>
public sealed record ParameterKind(string Pattern, ValueType Type, string Meaning, IReadOnlyList<string>? Choices = null)
{
    internal readonly string[] Segments = Pattern.Split('.');
}

/// <summary>
/// The vocabulary of policy files: every key the engine's mechanism reads. A key that is not here is
/// rejected by the loader, so a typo never silently becomes "no rule".
/// </summary>
public static class ParameterSchema
{
    private static readonly string[] Kinds = Codes.All<BillKind>().ToArray();
    private static readonly string[] Categories = Codes.All<Category>().ToArray();

    public static readonly IReadOnlyList<ParameterKind> All =
    [
        new("objects", ValueType.ChoiceList, "assistance-object categories of the policy", Categories),
        new("identity.effective", ValueType.Choice, "when a recognised identity starts (I-1)", ["next_month"]),
        new("supplementary.position", ValueType.Choice, "supplementary insurance before or after assistance (I-5)", ["before_assistance", "after_assistance"]),
        new("exclusions", ValueType.ChoiceList, "bills outside assistance", Codes.All<Exclusion>().Where(c => c != "none").ToArray()),
        new("exclusions.emergencyExcepted", ValueType.ChoiceList, "exclusions that do not apply to a bill treated in an emergency (P-8)", Codes.All<Exclusion>().Where(c => c != "none").ToArray()),
        new("referral.outOfCity", ValueType.Choice, "treatment outside the city", ["local_standard", "requires_referral"]),

        new("assistance.upstream", ValueType.Choice, "medical assistance is paid upstream and arrives on the bill", ["required"]),
        new("assistance.scheme.{kind}", ValueType.Name, "assistance scheme for a bill kind (or none)"),
        new("assistance.specialDiseaseScheme.{kind}", ValueType.Name, "assistance scheme for a special-disease bill of a kind (or none)"),
        new("assistance.{name}.ratio.{category}", ValueType.Ratio, "assistance ratio of a scheme for a category"),
        new("assistance.{name}.limits", ValueType.NameList, "annual limits a scheme counts against"),
        new("assistance.{name}.minHospitalLevel", ValueType.Int, "lowest hospital level a scheme accepts"),
        new("assistance.{name}.inPolicyAbove", ValueType.Amount, "single-stay in-policy cost the scheme needs to exceed"),
        new("limit.{name}.{category}", ValueType.Limit, "annual limit of assistance paid per person"),

        new("lookback.months", ValueType.Int, "look-back window before recognition for medical spending (I-15)"),
        new("lookback.schemes", ValueType.NameList, "schemes whose bills the look-back covers"),
        new("lookback.categories", ValueType.ChoiceList, "categories whose recognition for medical spending reaches back (absent: every category)", Categories),
        new("lookback.ratio", ValueType.Ratio, "look-back ratio (absent: the category's ratio)"),
        new("lookback.deduction", ValueType.Limit, "household affordability deducted from the window's base (I-10)"),

        new("critical.deductible", ValueType.Limit, "critical-illness annual deductible (I-11)"),
        new("critical.ratio", ValueType.Ratio, "critical-illness payment ratio (I-11)"),
        new("critical.cap", ValueType.Limit, "critical-illness annual cap (I-11)"),
        new("critical.preference.{category}.deductibleFactor", ValueType.Ratio, "factor applied to the deductible"),
        new("critical.preference.{category}.ratioBonus", ValueType.Ratio, "points added to the ratio"),
        new("critical.preference.{category}.ratioFloor", ValueType.Ratio, "lowest ratio"),
        new("critical.preference.{category}.noCap", ValueType.Bool, "no critical-illness cap"),

        new("tilted.line.{category}", ValueType.Amount, "single-visit remainder a tilted assistance needs to reach (I-6)"),
        new("tilted.ratio", ValueType.Ratio, "tilted assistance ratio"),
        new("tilted.limit", ValueType.Limit, "tilted assistance annual limit"),
        new("tilted.kinds", ValueType.ChoiceList, "bill kinds in scope of tilted assistance (I-20)", Kinds),
        new("tilted.requires", ValueType.ChoiceList, "conditions of tilted assistance (I-16, I-19)", ["referred", "within_city"]),

        new("special.threshold", ValueType.Amount, "annual reasonable burden that makes special assistance due (I-8)"),
        new("special.ratio.{category}", ValueType.Ratio, "special assistance ratio"),
        new("special.limit", ValueType.Limit, "special assistance annual limit"),
        new("cap.personal", ValueType.Limit, "annual cap of a person's reasonable burden"),
        new("resolution.threshold", ValueType.Amount, "personal burden above which the county resolves the excess"),
        new("resolution.requires", ValueType.ChoiceList, "conditions of the resolution", ["referred"]),

        new("household.line.{category}", ValueType.Amount, "household line of previous-year reasonable cost (I-12)"),
        new("negativeList.classes", ValueType.ChoiceList, "item classes that are never reasonable", Codes.All<ItemClass>().Where(c => c != "none").ToArray()),
        new("negativeList.drugThreshold", ValueType.Amount, "annual drug cost above which the excess is not reasonable (I-9)"),
        new("negativeList.consumableThreshold", ValueType.Amount, "annual consumable cost above which the excess is not reasonable (I-9)"),
        new("negativeList.thresholdScope", ValueType.Choice, "whose annual total the thresholds compare (I-22)", ["person", "household"]),
        new("negativeList.itemShare", ValueType.Choice, "the personal share of a listed item inside the catalogue (I-23)", ["in_policy_remainder"]),
        new("household.members", ValueType.Choice, "which members' bills a household year counts (I-25)", ["all"]),
    ];

    /// <summary>Finds the kind of a key, or explains why the key is not known.</summary>
    public static ParameterKind? Match(string key, out string? why)
    {
        var parts = key.Split('.');
        why = null;
        foreach (var kind in All)
        {
            if (kind.Segments.Length != parts.Length) continue;
            bool ok = true;
            for (int i = 0; i < parts.Length && ok; i++)
            {
                ok = kind.Segments[i] switch
                {
                    "{kind}" => Kinds.Contains(parts[i]),
                    "{category}" => Categories.Contains(parts[i]),
                    "{name}" => IsName(parts[i]) && !IsReserved(parts[i]),
                    var literal => literal == parts[i],
                };
            }
            if (ok) return kind;
        }
        why = $"未知参数 unknown parameter '{key}'";
        return null;
    }

    private static bool IsReserved(string s) => s is "scheme" or "specialDiseaseScheme" or "upstream";

    public static bool IsName(string s) => s.Length > 0 && char.IsAsciiLetterLower(s[0]) && s.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');
}
