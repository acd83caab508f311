using Doudi.Policy.Prevention;
using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Common;

namespace Doudi.Prevention.Premium;

/// <summary>Contribution amounts of the year for one person and item (set by the tax/insurance office, not by the seeds).</summary>
public sealed record Contributions(decimal OwnContribution, decimal? Tier1Contribution = null);

public sealed record SubsidyLine(PremiumItem Item, decimal Amount, decimal BasisAmount, decimal? Share, string BasisZh, string Cite);

public sealed class PremiumParameterMissingException(string policy, PremiumItem item, Category category, string cite)
    : PreventionException("premium_parameter_missing",
        $"{policy}：{Codes.ToCode(category)} 的 {PremiumSubsidies.ItemName(item).Zh}资助金额在政策文本中未给出（{cite}），须由当地设定后才能生成名单",
        $"{policy}: the {PremiumSubsidies.ItemName(item).En} subsidy for {Codes.ToCode(category)} has no amount in the text ({cite}); set it locally before producing a list");

/// <summary>
/// The subsidy a premium policy (read by the policy loader from policies/premium/*.yaml, found through
/// PolicyCatalog.PremiumOn) gives one person.
/// </summary>
public static class PremiumSubsidies
{
    public static Bilingual ItemName(PremiumItem i) => i == PremiumItem.ResidentBasic
        ? new("城乡居民基本医疗保险（含大病保险）个人缴费", "resident basic insurance contribution")
        : new("惠民型商业补充医疗保险个人缴费", "supplementary commercial insurance contribution");

    /// <summary>
    /// The subsidy for one person, item and tier, or null when the policy gives this category none for this item.
    /// A rule whose amount or share the text leaves open throws <see cref="PremiumParameterMissingException"/>.
    /// </summary>
    public static SubsidyLine? Subsidy(this PremiumPolicy policy, PremiumItem item, Category category, InsuranceTier tier, Contributions c)
    {
        var rule = policy.Rules.FirstOrDefault(r => r.Item == item && r.Categories.Contains(category) && (r.Tier == InsuranceTier.Any || r.Tier == tier));
        if (rule is null) return null;
        if (rule.FixedAmount)
            return rule.Amount is { } a
                ? new SubsidyLine(item, Money.Round(a), a, null, $"定额 {a:0.00} 元", rule.Cite)
                : throw new PremiumParameterMissingException(policy.Id, item, category, rule.Cite);
        if (rule.Share is null) throw new PremiumParameterMissingException(policy.Id, item, category, rule.Cite);
        decimal basis = rule.Basis == ContributionBasis.OwnContribution
            ? c.OwnContribution
            : c.Tier1Contribution ?? throw new PreventionException("tier1_contribution_missing",
                $"{policy.Id}：按一档个人缴费标准计算资助，须提供当年一档个人缴费标准", $"{policy.Id}: the tier-1 contribution of the year is needed");
        var amount = Money.Round(basis * rule.Share.Value);
        var basisZh = rule.Basis == ContributionBasis.OwnContribution ? "个人应缴" : "一档个人缴费标准";
        return new SubsidyLine(item, amount, basis, rule.Share, $"{basisZh} {basis:0.00} 元 × {rule.Share * 100:0.##}% = {amount:0.00} 元", rule.Cite);
    }
}
