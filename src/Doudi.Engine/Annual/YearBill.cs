using Doudi.Engine.Cases;
using Doudi.Engine.Results;
using Doudi.Engine.Tiers;
using Doudi.Policy.Periods;
using Doudi.Policy.Vocabulary;

namespace Doudi.Engine.Annual;

/// <summary>
/// What the year-end rules read of one settled bill. A case keeps one of these per bill until its years are settled
/// (a city's year: millions), instead of the bill and its result with their trace, so it holds only these facts.
/// </summary>
internal readonly struct YearBill
{
    public YearBill(Bill bill, BillResult result, PolicyPeriod period)
    {
        Id = result.Id;
        Person = bill.Person;
        Date = bill.Date;
        Period = period;
        Category = result.Category;
        Exclusion = BillSettler.ExclusionOf(bill, period);
        Referred = bill.Referred;
        PersonalBurden = result.PersonalBurden;
        ReasonableBurden = result.ReasonableBurden;
        ReasonableOutOfPolicy = bill.ReasonableOutOfPolicy;
        Assistance = result.Assistance;
        Tilted = result.Tilted;
        // Only a household rule with a negative list reads the items (jiande); other bills keep none.
        Items = bill.Items.Count > 0 && period.Household is not null ? new ItemFacts(bill, result) : null;
    }

    public string Id { get; }
    public string Person { get; }
    public DateOnly Date { get; }
    public PolicyPeriod Period { get; }
    public Category? Category { get; }
    /// <summary><see cref="BillSettler.ExclusionOf"/> of the bill (None when it is not excluded).</summary>
    public Exclusion Exclusion { get; }
    public bool Referred { get; }
    public decimal PersonalBurden { get; }
    public decimal ReasonableBurden { get; }
    public decimal ReasonableOutOfPolicy { get; }
    public decimal Assistance { get; }
    public decimal Tilted { get; }
    public ItemFacts? Items { get; }

    /// <summary>True when the policy in force excludes the bill from assistance.</summary>
    public bool IsExcluded => Exclusion != Exclusion.None && Period.Exclusions[(int)Exclusion] is not null;
}

/// <summary>A bill's items with what the negative list needs to share its in-policy remainder among them (I-23).</summary>
internal sealed class ItemFacts(Bill bill, BillResult result)
{
    public IReadOnlyList<Item> Items { get; } = bill.Items;
    public decimal InPolicy { get; } = bill.InPolicy;
    /// <summary>The in-policy cost left to the person after every tier.</summary>
    public decimal Remainder { get; } =
        Math.Max(0m, bill.InPolicy - bill.BasicPaid - result.CriticalIllness - result.Assistance - result.Tilted - bill.SupplementaryPaid);
}
