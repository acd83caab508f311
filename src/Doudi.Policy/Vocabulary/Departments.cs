namespace Doudi.Policy.Vocabulary;

/// <summary>Departments that send monthly name lists (彭水府办发〔2023〕52号 二.四.2), and the categories each may send.</summary>
public static class Departments
{
    public const string CivilAffairs = "civil_affairs";              // 民政
    public const string RuralRevitalisation = "rural_revitalisation"; // 乡村振兴
    public const string VeteransAffairs = "veterans_affairs";        // 退役军人事务
    public const string DisabledFederation = "disabled_federation";   // 残联
    public const string MedicalSecurity = "medical_security";         // 医保局（手工录入）

    public static readonly Dictionary<string, Category[]> Categories = new(StringComparer.Ordinal)
    {
        [CivilAffairs] = [Category.Destitute, Category.Subsistence, Category.Marginal, Category.MedicalPoverty, Category.OtherSpecial, Category.ChildInDifficulty],
        [RuralRevitalisation] = [Category.RelapsedPoverty, Category.AtRiskRural],
        [VeteransAffairs] = [Category.EntitledVeteran],
        [DisabledFederation] = [Category.SevereDisability],
        [MedicalSecurity] = Enum.GetValues<Category>(),
    };

    /// <summary>The department whose monthly name list carries <paramref name="category"/> (the bureau's own hand entry aside).</summary>
    public static string Of(Category category) =>
        Categories.First(d => d.Key != MedicalSecurity && Array.IndexOf(d.Value, category) >= 0).Key;
}
