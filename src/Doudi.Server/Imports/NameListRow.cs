using Doudi.Policy.Vocabulary;
using Doudi.Server.Api;
using Doudi.Server.Registry;

namespace Doudi.Server.Imports;

/// <summary>One row of a monthly name list, validated.</summary>
public sealed record NameListRow(string Where, string IdNumber, string Name, Category Category, string? Household, string? Township,
    InsuranceType? Insurance, string? PsnNo, DateOnly? Recognized, DateOnly? Revoked, bool ForMedicalSpending);

public static class NameListRows
{
    // Field names with their accepted aliases (ours, national-platform style, the Chinese headers departments use).
    private static readonly Dictionary<string, string[]> Aliases = new()
    {
        ["idNumber"] = ["idNumber", "id_number", "certno", "身份证号", "身份证号码"],
        ["name"] = ["name", "psn_name", "姓名"],
        ["category"] = ["category", "psn_type", "人员类别", "类别", "身份类别"],
        ["household"] = ["household", "household_id", "户编号", "家庭编号"],
        ["township"] = ["township", "乡镇", "乡镇（街道）", "乡镇街道"],
        ["insurance"] = ["insurance", "insutype", "参保类型"],
        ["psnNo"] = ["psnNo", "psn_no", "人员编号"],
        ["recognized"] = ["recognized", "begndate", "认定日期"],
        ["revoked"] = ["revoked", "enddate", "退出日期"],
        ["forMedicalSpending"] = ["forMedicalSpending", "for_medical_spending", "支出型", "因病纳入"],
    };

    private static readonly HashSet<string> Known = Aliases.Values.SelectMany(a => a).ToHashSet(StringComparer.Ordinal);

    public static IReadOnlyList<string> UnknownFields(IEnumerable<string> names) => names.Where(n => !Known.Contains(n)).ToList();

    public static NameListRow? Parse(Fields f, string department)
    {
        string Name(string key) => f.Which(Aliases[key]) ?? Aliases[key][0];
        foreach (var n in UnknownFields(f.Names)) f.Problem(n, new("未知字段", "unknown field"));
        var before = f.Problems.Count;

        var idNumber = f.String(Name("idNumber"), required: true, maxLength: 18);
        if (idNumber is not null && !ChineseId.IsValid(ChineseId.Normalize(idNumber)))
            f.Problem(Name("idNumber"), ChineseId.Invalid);
        var name = f.String(Name("name"), required: true, maxLength: 50);
        var category = IdentityCodes.ReadCategory(f, Name("category"));
        if (category is not null && Departments.Categories.TryGetValue(department, out var allowed) && !allowed.Contains(category.Value))
            f.Problem(Name("category"), new($"{department} 不能报送类别 {Codes.ToCode(category.Value)}", $"{department} does not send category {Codes.ToCode(category.Value)}"));
        var household = f.String(Name("household"), maxLength: 64);
        var township = f.String(Name("township"), maxLength: 50);
        InsuranceType? insurance = null;
        if (f.String(Name("insurance")) is { } ins)
        {
            insurance = ins switch { "310" => InsuranceType.Employee, "390" => InsuranceType.Resident, _ => Codes.TryParse<InsuranceType>(ins, out var i) ? i : null };
            if (insurance is null) f.Problem(Name("insurance"), Msg.Unknown("参保类型", ins, [.. Codes.All<InsuranceType>(), "310", "390"]));
        }
        var psnNo = f.String(Name("psnNo"), maxLength: 64);
        var recognized = f.Date(Name("recognized"));
        var revoked = f.Date(Name("revoked"));
        if (recognized is not null && revoked is not null && revoked < recognized)
            f.Problem(Name("revoked"), new("退出日期早于认定日期", "is before the recognition date"));
        var medical = f.Bool(Name("forMedicalSpending")) ?? false;
        if (f.Problems.Count > before || idNumber is null || name is null || category is null) return null;
        return new NameListRow(f.PathPrefix, ChineseId.Normalize(idNumber), name, category.Value, household, township, insurance, psnNo, recognized, revoked, medical);
    }
}
