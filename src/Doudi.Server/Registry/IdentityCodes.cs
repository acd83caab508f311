using Doudi.Policy.Vocabulary;
using Doudi.Server.Api;

namespace Doudi.Server.Registry;

/// <summary>
/// Identity categories: our glossary codes, or the national medical-security platform's personnel-type codes
/// (7131 特困人员, 7019 低保对象, 7201 低保边缘户, 7202 返贫致贫人口, 7204 边缘易致贫户, 7110 因病致贫家庭重病患者,
/// 7052 在乡重点优抚对象, 7069 重度残疾), and their Chinese names.
/// </summary>
public static class IdentityCodes
{
    public static readonly Dictionary<string, Category> National = new(StringComparer.Ordinal)
    {
        ["7131"] = Category.Destitute,
        ["7019"] = Category.Subsistence,
        ["7201"] = Category.Marginal,
        ["7202"] = Category.RelapsedPoverty,
        ["7204"] = Category.AtRiskRural,
        ["7110"] = Category.MedicalPoverty,
        ["7052"] = Category.EntitledVeteran,
        ["7069"] = Category.SevereDisability,
    };

    public static readonly Dictionary<string, Category> Chinese = new(StringComparer.Ordinal)
    {
        ["特困人员"] = Category.Destitute, ["特困供养人员"] = Category.Destitute,
        ["低保对象"] = Category.Subsistence, ["低保"] = Category.Subsistence,
        ["低保边缘户"] = Category.Marginal, ["低边"] = Category.Marginal,
        ["返贫致贫人口"] = Category.RelapsedPoverty, ["边缘易致贫户"] = Category.AtRiskRural,
        ["因病致贫重病患者"] = Category.MedicalPoverty, ["因病致贫家庭重病患者"] = Category.MedicalPoverty,
        ["重点优抚对象"] = Category.EntitledVeteran, ["在乡重点优抚对象"] = Category.EntitledVeteran,
        ["重度残疾人"] = Category.SevereDisability, ["重度残疾"] = Category.SevereDisability,
        ["其他特殊困难人员"] = Category.OtherSpecial, ["困境儿童"] = Category.ChildInDifficulty,
    };

    public static bool TryParse(string code, out Category category) =>
        Codes.TryParse(code, out category) || National.TryGetValue(code, out category) || Chinese.TryGetValue(code, out category);

    public static Category? ReadCategory(Fields f, string name)
    {
        var code = f.String(name, required: true);
        if (code is null) return null;
        if (TryParse(code, out var c)) return c;
        f.Problem(name, Msg.Unknown("人员类别", code, Codes.All<Category>().Concat(National.Keys)));
        return null;
    }
}
