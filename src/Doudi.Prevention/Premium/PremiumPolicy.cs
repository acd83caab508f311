using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Common;
using YamlDotNet.RepresentationModel;

namespace Doudi.Prevention.Premium;

/// <summary>The insurance whose individual contribution is subsidised.</summary>
public enum PremiumItem { ResidentBasic, Supplementary }

/// <summary>Resident insurance tier (彭水: 一档 / 二档). <see cref="Any"/> in a rule matches both.</summary>
public enum InsuranceTier { Tier1, Tier2, Any }

public enum ContributionBasis { OwnContribution, Tier1Contribution }

/// <summary>Contribution amounts of the year for one person and item (set by the tax/insurance office, not by the seeds).</summary>
public sealed record Contributions(decimal OwnContribution, decimal? Tier1Contribution = null);

public sealed record PremiumRule(PremiumItem Item, InsuranceTier Tier, IReadOnlySet<Category> Categories,
    decimal? Share, ContributionBasis Basis, bool FixedAmount, decimal? Amount, string Cite);

public sealed record SubsidyLine(PremiumItem Item, decimal Amount, decimal BasisAmount, decimal? Share, string BasisZh, string Cite);

public sealed class PremiumParameterMissingException(string policy, PremiumItem item, Category category, string cite)
    : PreventionException("premium_parameter_missing",
        $"{policy}：{Codes.ToCode(category)} 的 {PremiumPolicy.ItemName(item).Zh}资助金额在政策文本中未给出（{cite}），须由当地设定后才能生成名单",
        $"{policy}: the {PremiumPolicy.ItemName(item).En} subsidy for {Codes.ToCode(category)} has no amount in the text ({cite}); set it locally before producing a list");

/// <summary>A policy's premium-subsidy parameters (policies/premium/*.yaml).</summary>
public sealed record PremiumPolicy(string Id, string Document, bool PhaseOutKeeps, string PhaseOutCite, IReadOnlyList<PremiumRule> Rules)
{
    public static IReadOnlyList<string> BuiltInIds { get; } = ["pengshui-2023", "wenzhou-2022", "fuyang-2023", "wenzhou-2020"];

    public static PremiumPolicy BuiltIn(string id) => Parse(BuiltInData.Read($"policies/premium/{id}.yaml"));

    public static Bilingual ItemName(PremiumItem i) => i == PremiumItem.ResidentBasic
        ? new("城乡居民基本医疗保险（含大病保险）个人缴费", "resident basic insurance contribution")
        : new("惠民型商业补充医疗保险个人缴费", "supplementary commercial insurance contribution");

    public static PremiumPolicy Parse(string yaml)
    {
        var root = YamlNodes.ParseRoot(yaml, "资助参保参数 premium policy");
        var id = root.Req("id", "premium policy");
        var rules = root.Seq("rules").Cast<YamlMappingNode>().Select(r =>
        {
            var what = $"{id} premium rule";
            bool fixedAmount = r.Get("amount") is not null;
            return new PremiumRule(
                Code<PremiumItem>(r.Req("item", what), what),
                Code<InsuranceTier>(r.Str("tier") ?? "any", what),
                r.Seq("categories").Select(c => Code<Category>(((YamlScalarNode)c).Value, what)).ToHashSet(),
                fixedAmount ? null : YamlNodes.DecimalOrMissing(r.Get("share"), what),
                Code<ContributionBasis>(r.Str("of") ?? "own_contribution", what),
                fixedAmount, fixedAmount ? YamlNodes.DecimalOrMissing(r.Get("amount"), what) : null,
                r.Req("cite", what));
        }).ToArray();
        return new PremiumPolicy(id, root.Req("document", id), root.Bool("phase_out_keeps"), root.Str("phase_out_cite") ?? "", rules);
    }

    /// <summary>
    /// The subsidy for one person, item and tier, or null when the policy gives this category none for this item.
    /// A rule whose amount or share the text leaves open throws <see cref="PremiumParameterMissingException"/>.
    /// </summary>
    public SubsidyLine? Subsidy(PremiumItem item, Category category, InsuranceTier tier, Contributions c)
    {
        var rule = Rules.FirstOrDefault(r => r.Item == item && r.Categories.Contains(category) && (r.Tier == InsuranceTier.Any || r.Tier == tier));
        if (rule is null) return null;
        if (rule.FixedAmount)
            return rule.Amount is { } a
                ? new SubsidyLine(item, Money.Round(a), a, null, $"定额 {a:0.00} 元", rule.Cite)
                : throw new PremiumParameterMissingException(Id, item, category, rule.Cite);
        if (rule.Share is null) throw new PremiumParameterMissingException(Id, item, category, rule.Cite);
        decimal basis = rule.Basis == ContributionBasis.OwnContribution
            ? c.OwnContribution
            : c.Tier1Contribution ?? throw new PreventionException("tier1_contribution_missing",
                $"{Id}：按一档个人缴费标准计算资助，须提供当年一档个人缴费标准", $"{Id}: the tier-1 contribution of the year is needed");
        var amount = Money.Round(basis * rule.Share.Value);
        var basisZh = rule.Basis == ContributionBasis.OwnContribution ? "个人应缴" : "一档个人缴费标准";
        return new SubsidyLine(item, amount, basis, rule.Share, $"{basisZh} {basis:0.00} 元 × {rule.Share * 100:0.##}% = {amount:0.00} 元", rule.Cite);
    }

    private static T Code<T>(string? code, string what) where T : struct, Enum =>
        Codes.TryParse<T>(code, out var v) ? v : throw new PreventionException("code_unknown", $"{what}：未知代码 {code}", $"{what}: unknown code {code}");
}
