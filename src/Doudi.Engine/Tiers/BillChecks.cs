using Doudi.Engine.Cases;
using Doudi.Engine.Settlement;
using Doudi.Policy.Periods;
using Doudi.Policy.Vocabulary;

namespace Doudi.Engine.Tiers;

/// <summary>
/// What a bill must say consistently before any tier reads it, whichever reader made it (case file, the server's
/// one-stop settlement): a general outpatient visit is not a special-disease bill (I-20), and its items fit inside it.
/// Each problem names the field at fault.
/// </summary>
internal static class BillChecks
{
    public static void Check(Bill bill, BillPath path, List<SettlementProblem> problems)
    {
        if (bill.Kind == BillKind.Outpatient && bill.SpecialDisease) Contradiction(path, problems);
        // Most bills carry no items. The usual shapes (a list, an array) are read as a span: interface calls on a list cost
        // more than the sums, on a path every bill takes.
        var items = bill.Items;
        ReadOnlySpan<Item> span = items is List<Item> list ? System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list)
            : items is Item[] array ? array : default;
        if (span.IsEmpty && items is List<Item> or Item[]) return;
        if (!span.IsEmpty ? !Fit(span, bill) : items.Count != 0 && !Fit(items.ToArray(), bill)) Name(bill, path, problems);
    }

    /// <summary>
    /// A bill that does not say its hospital's level, where the policy's scheme for it depends on the level (pengshui's
    /// other diseases need a level-2 hospital or above), is refused at <c>hospitalLevel</c>: reading it as ungraded would
    /// deny assistance the bill may be due. Where no rule of the policy reads the level, the bill needs none (P-9).
    /// </summary>
    public static void CheckLevel(PolicyPeriod period, Bill bill, BillPath path, List<SettlementProblem> problems)
    {
        if (bill.HospitalLevel is not null || AssistanceTier.SchemeOf(period, bill)?.Value?.MinHospitalLevel is not { } level) return;
        problems.Add(new(path + ".hospitalLevel",
            $"缺少医院等级：{period.PolicyId} 按医院等级决定此类单据的救助（{level.Cite.Rule}，须 ≥ {level.Value} 级），请写明 hospitalLevel（0 无等级、1–3 级） " +
            "(the hospital's level is missing and the policy's rule for this bill depends on it: give hospitalLevel, 0 for ungraded)"));
    }

    /// <summary>
    /// The fast pass (every bill with items goes through it): one sum per side. Amounts are never negative, so in-catalogue
    /// items within the in-policy cost and the others within the out-of-policy cost means every item, and all of them,
    /// fit in the bill. Only a bill that fails is read again to name the item.
    /// </summary>
    private static bool Fit(ReadOnlySpan<Item> items, Bill bill)
    {
        decimal inSum = 0m, outSum = 0m;
        foreach (var item in items)
        {
            if (item.InCatalog) inSum += item.Amount;
            else outSum += item.Amount;
        }
        return inSum <= bill.InPolicy && outSum <= bill.Total - bill.InPolicy;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void Contradiction(BillPath path, List<SettlementProblem> problems) =>
        problems.Add(new(path + ".specialDisease",
            "普通门诊（kind: outpatient）不能同时为特殊疾病；慢特病门诊应为 special_outpatient (I-20) " +
            "(a general outpatient bill cannot be a special-disease bill: an outpatient visit for a special or chronic disease is kind special_outpatient)"));

    /// <summary>Finds the first item at which the bill's items stop fitting in it, and reports that item.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void Name(Bill bill, BillPath path, List<SettlementProblem> problems)
    {
        var items = bill.Items;
        decimal outOfPolicy = bill.Total - bill.InPolicy, all = 0m, inCatalog = 0m, outOfCatalog = 0m;
        for (int i = 0; i < items.Count; i++)
        {
            var item = items[i];
            string at() => $"{path}.items[{i}].amount";
            if (item.Amount > bill.Total)
            {
                problems.Add(new(at(), $"项目金额 {item.Amount} 超过单据总费用 {bill.Total} (an item costs more than its whole bill)"));
                return;
            }
            all += item.Amount;
            if (all > bill.Total)
            {
                problems.Add(new(at(), $"项目金额合计 {all} 超过单据总费用 {bill.Total} (the items add up to more than the bill)"));
                return;
            }
            if (item.InCatalog)
            {
                inCatalog += item.Amount;
                if (inCatalog > bill.InPolicy)
                {
                    problems.Add(new(at(), $"目录内项目合计 {inCatalog} 超过政策范围内费用 {bill.InPolicy} (in-catalogue items add up to more than the bill's in-policy amount)"));
                    return;
                }
            }
            else
            {
                outOfCatalog += item.Amount;
                if (outOfCatalog > outOfPolicy)
                {
                    problems.Add(new(at(), $"目录外项目合计 {outOfCatalog} 超过单据目录外费用（总费用 − 政策范围内费用）{outOfPolicy} " +
                        "(out-of-catalogue items add up to more than the bill's out-of-policy cost)"));
                    return;
                }
            }
        }
    }
}
