using Doudi.Policy.Prevention;
using Doudi.Engine.Cases;
using Doudi.Engine.Identities;
using Doudi.Engine.Results;
using Doudi.Engine.Settlement;
using Doudi.Policy.Periods;
using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Monitoring;

namespace Doudi.Analysis.Reform;

/// <summary>
/// Settles one case under the policy in force and under the reform (the same policies plus the reform's overlay) and
/// compares them: cost by tier and fund, persons and households better or worse off, by category, township and decile of
/// personal burden, the coverage and burden rates, and the households that would enter or leave the monitoring pool.
/// Static: the same bills under both (see <see cref="ReformReport.StaticNote"/>).
/// </summary>
public static class ReformSimulator
{
    private static readonly (string Tier, string Name)[] TierNames =
    [
        ("critical_illness", "大病保险（引擎结算部分）critical illness settled by the engine"),
        ("assistance", "医疗救助 medical assistance"),
        ("tilted", "倾斜救助 tilted assistance"),
        ("special_assistance", "特殊救助 special assistance"),
        ("personal_cap", "个人负担封顶 personal burden cap"),
        ("household_cap", "家庭负担封顶 household burden cap"),
    ];

    // Which fund pays a tier: the seeds name critical illness insurance, the medical assistance fund, and for the caps
    // a fund of their own (fuyang 暖心无忧, wenzhou 慈善医疗救助共富基金, jiande 暖心基金).
    private static readonly (string Fund, string Name, string[] Tiers)[] FundNames =
    [
        ("critical_illness_insurance", "大病保险基金 critical illness insurance", ["critical_illness"]),
        ("medical_assistance", "医疗救助基金 medical assistance fund", ["assistance", "tilted", "special_assistance"]),
        ("cap_funds", "兜底/慈善基金 cap and charity funds", ["personal_cap", "household_cap"]),
    ];

    public static ReformReport Run(PolicyCatalog before, PolicyCatalog after, CaseFile file, string reformId, string reformTitle, string reformFile,
        IReadOnlyList<string> amends, IReadOnlyDictionary<string, string>? townships = null)
    {
        var bills = file.Bills as Bill[] ?? file.Bills.ToArray();
        var a = new SettlementEngine(before).SettleCase(file);
        var b = new SettlementEngine(after).SettleCase(file);
        var persons = file.Persons.ToDictionary(p => p.Id, StringComparer.Ordinal);

        // Tiers per bill, then the year-end rules.
        var tiers = new decimal[2, TierNames.Length];
        void AddTiers(int side, CaseResult r)
        {
            for (int i = 0; i < r.Bills.Count; i++)
            {
                var x = r.Bills[i];
                if (bills[i].CriticalPaid is null) tiers[side, 0] += x.CriticalIllness;
                tiers[side, 1] += x.Assistance;
                tiers[side, 2] += x.Tilted;
            }
            foreach (var p in r.Persons) { tiers[side, 3] += p.SpecialAssistance; tiers[side, 4] += p.CapRelief; }
            foreach (var h in r.Households) tiers[side, 5] += h.CapRelief;
        }
        AddTiers(0, a);
        AddTiers(1, b);
        // Critical illness the upstream settled (criticalPaid given) is the same under both and is not a cost of the reform.
        var upstreamCritical = bills.Where(x => x.CriticalPaid is not null).Sum(x => x.CriticalPaid!.Value);

        // The monitoring rules come from the policy catalogue (the baseline's: a reform changes benefits, not the lines).
        var years = bills.Select(x => x.Date.Year).Distinct().Order().ToArray();
        var monitoringOf = years.ToDictionary(y => y, y => before.MonitoringFor(file.Region, y));
        var monitoring = years.Length == 0 ? null : monitoringOf[years[^1]];
        var statistics = RegionalStatistics.BuiltIn();

        // Person-years: benefit and burden before and after, in the order of the file.
        var perBill = new Dictionary<(string, int), YearSums>();
        for (int i = 0; i < bills.Length; i++)
        {
            var bill = bills[i];
            var key = (bill.Person, bill.Date.Year);
            if (!perBill.TryGetValue(key, out var e)) perBill[key] = e = new YearSums();
            var ra = a.Bills[i]; var rb = b.Bills[i];
            string cat = ra.Category is { } c ? Codes.ToCode(c) : "none";
            e.Categories[cat] = e.Categories.GetValueOrDefault(cat) + 1;
            if (before.Find(file.Region, bill.Date) is { } period && !e.Periods.Contains(period)) e.Periods.Add(period);
            e.BenefitA += Benefit(ra, bill);
            e.BenefitB += Benefit(rb, bill);
            if (monitoring is not null && bill.Date >= monitoring.From)
            {
                e.InPolicyA += Math.Max(0m, ra.ReasonableBurden - bill.ReasonableOutOfPolicy);
                e.InPolicyB += Math.Max(0m, rb.ReasonableBurden - bill.ReasonableOutOfPolicy);
                e.BurdenA += ra.PersonalBurden;
                e.BurdenB += rb.PersonalBurden;
            }
        }
        var yearsB = b.Persons.ToDictionary(p => (p.Id, p.Year));
        var changes = new List<PersonChange>();
        var monitoredA = new HashSet<(string, int)>();
        var monitoredB = new HashSet<(string, int)>();
        foreach (var pa in a.Persons)
        {
            var pb = yearsB[(pa.Id, pa.Year)];
            var e = perBill[(pa.Id, pa.Year)];
            var person = persons[pa.Id];
            string category = e.Categories.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).First().Key;
            changes.Add(new PersonChange(pa.Id, person.Household, pa.Year, category, townships?.GetValueOrDefault(pa.Id) ?? "未知 unknown", 0,
                e.BenefitA + pa.SpecialAssistance + pa.CapRelief, e.BenefitB + pb.SpecialAssistance + pb.CapRelief, pa.PersonalBurden, pb.PersonalBurden));
            if (monitoringOf.GetValueOrDefault(pa.Year) is { } yearMonitoring)
            {
                bool obj = IsObject(person, pa.Year, e.Periods);
                if (Triggers(yearMonitoring, statistics, new PersonYear(pa.Id, person.Household, pa.Year, person.Insurance, obj, e.InPolicyA, e.BurdenA, e.BurdenA)))
                    monitoredA.Add((person.Household, pa.Year));
                if (Triggers(yearMonitoring, statistics, new PersonYear(pa.Id, person.Household, pa.Year, person.Insurance, obj, e.InPolicyB, e.BurdenB, e.BurdenB)))
                    monitoredB.Add((person.Household, pa.Year));
            }
        }
        // Deciles of personal burden before the reform (1 = the lightest tenth).
        var ranked = changes.Select((c, i) => i).OrderBy(i => changes[i].BurdenBefore).ThenBy(i => changes[i].Person, StringComparer.Ordinal).ThenBy(i => changes[i].Year).ToArray();
        for (int r = 0; r < ranked.Length; r++) changes[ranked[r]] = changes[ranked[r]] with { Decile = 1 + r * 10 / ranked.Length };

        var householdsB = b.Households.ToDictionary(h => (h.Id, h.Year));
        var memberSums = changes.GroupBy(c => (c.Household, c.Year)).ToDictionary(g => g.Key,
            g => (A: g.Sum(c => c.BenefitBefore), B: g.Sum(c => c.BenefitAfter), BurdenA: g.Sum(c => c.BurdenBefore), BurdenB: g.Sum(c => c.BurdenAfter)));
        var households = new List<HouseholdChange>();
        foreach (var ha in a.Households)
        {
            var hb = householdsB[(ha.Id, ha.Year)];
            var m = memberSums.GetValueOrDefault((ha.Id, ha.Year));
            households.Add(new HouseholdChange(ha.Id, ha.Year, m.A, m.B, ha.CapRelief, hb.CapRelief, m.BurdenA - ha.CapRelief, m.BurdenB - hb.CapRelief,
                monitoredA.Contains((ha.Id, ha.Year)), monitoredB.Contains((ha.Id, ha.Year))));
        }

        decimal totalCost = bills.Sum(x => x.Total);
        var report = new ReformReport
        {
            Region = file.Region, Reform = reformId, ReformTitle = reformTitle, ReformFile = reformFile, Amends = amends,
            Bills = bills.Length, PersonYears = changes.Count, HouseholdYears = households.Count,
            Persons = OutcomeOf(changes.Select(c => c.Change)), Households = OutcomeOf(households.Select(h => h.Change)),
            Before = RatesOf(totalCost, households.Sum(h => h.BurdenBefore)), After = RatesOf(totalCost, households.Sum(h => h.BurdenAfter)),
            MonitoringPolicy = monitoring?.Id,
        };
        for (int t = 0; t < TierNames.Length; t++) report.Tiers.Add(new TierChange(TierNames[t].Tier, TierNames[t].Name, tiers[0, t], tiers[1, t]));
        foreach (var (fund, name, fundTiers) in FundNames)
            report.Funds.Add(new FundChange(fund, name, fundTiers, report.Tiers.Where(t => fundTiers.Contains(t.Tier)).Sum(t => t.Before),
                report.Tiers.Where(t => fundTiers.Contains(t.Tier)).Sum(t => t.After)));
        report.CostBefore = report.Tiers.Sum(t => t.Before);
        report.CostAfter = report.Tiers.Sum(t => t.After);
        report.ByCategory.AddRange(Groups(changes, c => c.Category));
        report.ByTownship.AddRange(Groups(changes, c => c.Township));
        report.ByDecile.AddRange(Groups(changes, c => c.Decile.ToString("D2")));
        report.LeavingMonitoring.AddRange(households.Where(h => h.MonitoredBefore && !h.MonitoredAfter));
        report.EnteringMonitoring.AddRange(households.Where(h => !h.MonitoredBefore && h.MonitoredAfter));
        report.PersonChanges.AddRange(changes.Where(c => c.Change != 0));
        report.HouseholdChanges.AddRange(households.Where(h => h.Change != 0));
        if (upstreamCritical != 0)
            report.Notes.Add($"上游已结算的大病保险 {upstreamCritical} 元在两种政策下相同，不计入成本变化 critical illness settled upstream ({upstreamCritical}) is the same under both and not part of the cost");
        if (monitoring is null) report.Notes.Add("本地区无预警监测规则，未统计监测线 no monitoring rules for this region");
        else report.Notes.Add($"监测线按 {monitoring.Id} 的预警规则，以单据层面的负担计算（年末封顶等不计入），与服务器的监测一致 monitoring lines of {monitoring.Id}, on per-bill burdens as the server monitors them");
        return report;
    }

    /// <summary>A person-year's bill sums under both policies (monitoring sums only from the monitoring document's start, I-18).</summary>
    private sealed class YearSums
    {
        public decimal BenefitA, BenefitB, InPolicyA, InPolicyB, BurdenA, BurdenB;
        public Dictionary<string, int> Categories { get; } = new(StringComparer.Ordinal);
        /// <summary>The policy periods in force on the person's bills of the year: they say when an identity counts (I-1).</summary>
        public List<PolicyPeriod> Periods { get; } = [];
    }

    private static decimal Benefit(BillResult r, Bill bill) => (bill.CriticalPaid is null ? r.CriticalIllness : 0m) + r.Assistance + r.Tilted;

    private static bool Triggers(MonitoringPolicy policy, RegionalStatistics statistics, PersonYear year) =>
        MonitoringEvaluator.Evaluate(policy, statistics, year).Triggered.Count > 0;

    /// <summary>
    /// An identity that counts on some day of the year, from the day the period of the person's bills says (I-1 where
    /// the file sets <c>identity.effective: next_month</c>) to the end of the month of revocation, as the engine counts it.
    /// </summary>
    private static bool IsObject(Person person, int year, IReadOnlyList<PolicyPeriod> periods)
    {
        var start = new DateOnly(year, 1, 1);
        var end = new DateOnly(year, 12, 31);
        foreach (var id in person.Identities)
        {
            if (id.Category == Category.ChildInDifficulty) continue;
            if (IdentityRules.EffectiveTo(id) < start) continue;
            foreach (var period in periods)
                if (IdentityRules.EffectiveFrom(id, period) <= end) return true;
        }
        return false;
    }

    private static Outcome OutcomeOf(IEnumerable<decimal> changes)
    {
        int better = 0, worse = 0, same = 0;
        decimal gained = 0, lost = 0;
        foreach (var c in changes)
        {
            if (c > 0) { better++; gained += c; }
            else if (c < 0) { worse++; lost -= c; }
            else same++;
        }
        return new Outcome(better, gained, worse, lost, same);
    }

    private static Rates RatesOf(decimal total, decimal burden) =>
        new(total, burden, total == 0 ? 0 : decimal.Round(1 - burden / total, 4), total == 0 ? 0 : decimal.Round(burden / total, 4));

    private static IEnumerable<GroupChange> Groups(List<PersonChange> changes, Func<PersonChange, string> key) =>
        changes.GroupBy(key).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new GroupChange(g.Key, g.Count(),
            g.Sum(c => c.BenefitBefore), g.Sum(c => c.BenefitAfter), g.Sum(c => c.BurdenBefore), g.Sum(c => c.BurdenAfter),
            g.Count(c => c.Change > 0), g.Count(c => c.Change < 0)));
}
