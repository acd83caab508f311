using Doudi.Engine.Cases;
using Doudi.Engine.Settlement;
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
