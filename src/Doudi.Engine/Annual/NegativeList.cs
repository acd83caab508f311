using Doudi.Engine.Cases;
using Doudi.Engine.Tiers;
using Doudi.Policy.Periods;
using Doudi.Policy.Vocabulary;

namespace Doudi.Engine.Annual;

/// <summary>
/// Jiande's negative list (建政办函〔2024〕4号 附件): the personal cost of listed item classes is never
/// reasonable, and of other drugs and of consumables the part of the year's total above 300,000 / 100,000
/// is not (I-9: the personal share scaled by (total − threshold) / total).
/// </summary>
internal static class NegativeList
{
    /// <summary>
    /// The personal share of an item: an item outside the catalogue is paid wholly by the person; an item inside
    /// it carries the bill's in-policy remainder in proportion to its amount (I-23).
    /// </summary>
    public static decimal PersonalShare(Item item, ItemFacts bill)
    {
        if (!item.InCatalog) return item.Amount;
        if (bill.InPolicy == 0m) return 0m;
        return item.Amount * bill.Remainder / bill.InPolicy;
    }

    public readonly record struct Exclusions(decimal Listed, decimal DrugExcess, decimal ConsumableExcess, decimal DrugTotal, decimal ConsumableTotal)
    {
        public decimal Total => Listed + DrugExcess + ConsumableExcess;
    }

    /// <summary>What the list takes out of one group of bills (a person's or a household's year, as the policy scopes the thresholds).</summary>
    public static Exclusions Of(Household rule, IEnumerable<YearBill> bills)
    {
        var classes = rule.NegativeClasses?.Value;
        decimal listed = 0m, drugTotal = 0m, drugShare = 0m, consTotal = 0m, consShare = 0m;
        foreach (var bill in bills)
        {
            if (bill.Items is not { } items) continue;
            foreach (var item in items.Items)
            {
                decimal share = PersonalShare(item, items);
                if (classes is not null && classes.Contains(item.Class) && !(item.InCatalog && OutOfScopeOnly(item.Class))) { listed += share; continue; }
                if (item.Kind == ItemKind.Drug) { drugTotal += item.Amount; drugShare += share; }
                else if (item.Kind == ItemKind.Consumable) { consTotal += item.Amount; consShare += share; }
            }
        }
        decimal drugExcess = Excess(rule.DrugThreshold?.Value, drugTotal, drugShare);
        decimal consExcess = Excess(rule.ConsumableThreshold?.Value, consTotal, consShare);
        return new Exclusions(Money.Round(listed), drugExcess, consExcess, drugTotal, consTotal);
    }

    /// <summary>
    /// 附件 药品 1 lists “未纳入医保支付范围的中成药、中药饮片、中药配方颗粒、自制制剂”: the qualifier covers all four
    /// classes, so an item of them inside the payment scope (<c>inCatalog</c>) is not listed; it is an ordinary drug
    /// of 药品 2 and counts toward the 300,000 drug total. The service classes are listed whether in the catalogue or not.
    /// </summary>
    private static bool OutOfScopeOnly(ItemClass c) =>
        c is ItemClass.TcmPatentNonreimbursable or ItemClass.TcmHerbalPieces or ItemClass.TcmGranules or ItemClass.InhousePreparation;

    private static decimal Excess(decimal? threshold, decimal total, decimal share) =>
        threshold is { } t && total > t ? Money.Round(share * (total - t) / total) : 0m;
}
