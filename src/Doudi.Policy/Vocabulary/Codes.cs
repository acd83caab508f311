namespace Doudi.Policy.Vocabulary;

// The glossary codes of shared/policy/POLICIES.md. They are the shared vocabulary of policy files,
// case files and the API; the numbers here are array indexes, never policy values.

/// <summary>Assistance-object categories (救助对象类别).</summary>
public enum Category
{
    Destitute,          // 特困人员
    Subsistence,        // 低保对象
    Marginal,           // 低边 / 低保边缘家庭成员
    MedicalPoverty,     // 因病致贫重病患者 (pengshui)
    RelapsedPoverty,    // 返贫致贫人口 (pengshui)
    AtRiskRural,        // 纳入监测范围的农村易返贫致贫人口 (pengshui)
    EntitledVeteran,    // 重点优抚对象
    SevereDisability,   // 重度残疾人 (1–2 级)
    OtherSpecial,       // 其他特殊困难人员 (wenzhou category 5)
    ChildInDifficulty,  // 困境儿童 (fuyang: premium only)
}

/// <summary>Kinds of bill. Special-disease outpatient and emergency observation are settled as a policy says.</summary>
public enum BillKind { Outpatient, SpecialOutpatient, Inpatient, EmergencyObservation }

/// <summary>Why a bill is outside assistance (wenzhou-2020 第十四条 and equivalents).</summary>
public enum Exclusion { None, WorkInjury, ThirdParty, PublicHealth, Abroad, NonDesignated, OutOfCatalog }

public enum InsuranceType { Employee, Retiree, Resident }

public enum ItemKind { Drug, Consumable, Service }

/// <summary>Item classes named by the jiande negative list (建政办函〔2024〕4号 附件).</summary>
public enum ItemClass { None, NonBasicService, DentalImplant, TcmPatentNonreimbursable, TcmHerbalPieces, TcmGranules, InhousePreparation }

/// <summary>Reads and writes the snake_case codes used in files and JSON.</summary>
public static class Codes
{
    public static readonly IReadOnlyList<Category> AllCategories = Enum.GetValues<Category>();
    public const int CategoryCount = 10;
    public const int BillKindCount = 4;

    // Every glossary enum is int-backed and numbered 0..n-1; read the number without boxing the value.
    public static string ToCode<T>(T value) where T : struct, Enum =>
        CodeTable<T>.Names[System.Runtime.CompilerServices.Unsafe.SizeOf<T>() == sizeof(int)
            ? System.Runtime.CompilerServices.Unsafe.As<T, int>(ref value)
            : Convert.ToInt32(value)];

    public static bool TryParse<T>(string? code, out T value) where T : struct, Enum
    {
        if (code is not null && CodeTable<T>.ByName.TryGetValue(code, out value)) return true;
        value = default;
        return false;
    }

    public static IEnumerable<string> All<T>() where T : struct, Enum => CodeTable<T>.Names;

    private static class CodeTable<T> where T : struct, Enum
    {
        public static readonly string[] Names = Enum.GetValues<T>().Select(v => Snake(v.ToString())).ToArray();
        public static readonly Dictionary<string, T> ByName =
            Enum.GetValues<T>().ToDictionary(v => Snake(v.ToString()), v => v, StringComparer.Ordinal);
    }

    public static string Snake(string pascal)
    {
        var sb = new System.Text.StringBuilder(pascal.Length + 4);
        for (int i = 0; i < pascal.Length; i++)
        {
            char c = pascal[i];
            if (char.IsUpper(c)) { if (i > 0) sb.Append('_'); sb.Append(char.ToLowerInvariant(c)); }
            else sb.Append(c);
        }
        return sb.ToString();
    }
}
