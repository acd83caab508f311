using Doudi.Engine.Cases;
using Doudi.Engine.Retroactive;
using Doudi.Engine.Settlement;
using Doudi.Policy.Vocabulary;

namespace Doudi.Engine.Tests;

public sealed class RetroactiveAssistanceTests
{
    private static Bill Inpatient(string id, string date, decimal inPolicy, decimal basic) => new()
    {
        Id = id, Person = "p1", Date = DateOnly.Parse(date), Kind = BillKind.Inpatient,
        Total = inPolicy, InPolicy = inPolicy, BasicPaid = basic, CriticalPaid = 0m, HospitalLevel = 3,
    };

    [Fact]
    public void FuyangSixMonthWindowPaysTheDifferenceOnWindowBillsOnly()
    {
        // 富政办〔2022〕21号 二.3: newly recognised 低保 for medical spending → in-policy costs of the 6 months
        // before recognition are assisted by category. Recognised 2023-08-15 → effective 2023-09-01 (I-1);
        // window 2023-02-15 .. 2023-08-31 (I-15).
        var person = new Person("p1", "h1", InsuranceType.Resident, []);
        var file = new CaseFile("fuyang", [person],
        [
            Inpatient("b0", "2023-02-14", 10000, 6000),  // one day before the window: stays unassisted
            Inpatient("b1", "2023-03-01", 10000, 6000),  // base 4000 → 80% = 3200 due, 0 paid → 3200
            Inpatient("b2", "2023-08-31", 5000, 3000),   // base 2000 → 80% = 1600 due, 0 paid → 1600
        ]);
        var engine = new SettlementEngine(Repo.Catalog());
        var paid = engine.SettleCase(file).Bills.ToDictionary(b => b.Id);
        Assert.All(paid.Values, b => Assert.Equal(0m, b.Assistance));

        var arrived = new Identity(Category.Subsistence, new DateOnly(2023, 8, 15), null, ForMedicalSpending: true);
        var payments = RetroactiveAssistance.Compute(engine, file, "p1", arrived, paid);

        Assert.Equal(["b1", "b2"], payments.Select(p => p.BillId));
        Assert.Equal([3200m, 1600m], payments.Select(p => p.Difference));
        Assert.All(payments, p => Assert.Contains(p.Trace, t => t.Step == "retroactive" && t.Interpretation == "I-15" && t.Rule.Contains("富政办〔2022〕21号")));
    }

    [Fact]
    public void AnIdentityNotForMedicalSpendingReachesBackToNothingButReopensBillsAfterItTookEffect()
    {
        // 低保 recognised 2023-08-15 (not for medical spending) → effective 2023-09-01 (I-1), entered late.
        // b1 (2023-03-01) is before it: not reopened. b2 (2023-09-10) and b3 (2024-02-01, next year) were settled without it:
        // b2 base 10000 − 6000 = 4000 → 80% = 3200; b3 base 5000 − 3000 = 2000 → 80% = 1600.
        var file = new CaseFile("fuyang", [new Person("p1", "h1", InsuranceType.Resident, [])],
            [Inpatient("b1", "2023-03-01", 10000, 6000), Inpatient("b2", "2023-09-10", 10000, 6000), Inpatient("b3", "2024-02-01", 5000, 3000)]);
        var engine = new SettlementEngine(Repo.Catalog());
        var paid = engine.SettleBills(file).ToDictionary(b => b.Id); // 2024's cap is missing: bills only, no year-end
        var arrived = new Identity(Category.Subsistence, new DateOnly(2023, 8, 15), null, ForMedicalSpending: false);
        var payments = RetroactiveAssistance.Compute(engine, file, "p1", arrived, paid);
        Assert.Equal(["b2", "b3"], payments.Select(p => p.BillId));
        Assert.Equal([3200m, 1600m], payments.Select(p => p.Difference));
        Assert.All(payments, p => Assert.Contains(p.Trace, t => t.Step == "retroactive" && t.Interpretation == "I-1" && t.Rule.Contains("富政办〔2022〕21号")));
        // Bills already settled with it owe nothing.
        var settledWith = engine.SettleBills(file with { Persons = [file.Persons[0] with { Identities = [arrived] }] }).ToDictionary(b => b.Id);
        Assert.Empty(RetroactiveAssistance.Compute(engine, file, "p1", arrived, settledWith));
    }
}
