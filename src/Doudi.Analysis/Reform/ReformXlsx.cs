using Doudi.Analysis.Excel;

namespace Doudi.Analysis.Reform;

/// <summary>The reform report as a workbook: summary (cost, tiers, funds, rates, outcomes), groups, and the changed persons and households.</summary>
public static class ReformXlsx
{
    public static void Write(ReformReport r, Stream stream) => XlsxTables.Write(stream,
    [
        new("汇总", ["项目 item", "调整前 before", "调整后 after", "变化 change"],
        [
            ["测算方法 method", r.Method, null, null],
            ["调整方案 reform", $"{r.Reform} {r.ReformTitle}", string.Join(", ", r.Amends), r.ReformFile],
            ["单据数 bills", r.Bills, null, null],
            ["总成本 cost", r.CostBefore, r.CostAfter, r.CostChange],
            .. r.Tiers.Select(t => new object?[] { t.Name, t.Before, t.After, t.Change }),
            .. r.Funds.Select(f => new object?[] { f.Name, f.Before, f.After, f.Change }),
            ["综合保障率 coverage rate", r.Before.CoverageRate, r.After.CoverageRate, r.After.CoverageRate - r.Before.CoverageRate],
            ["个人负担率 burden rate", r.Before.BurdenRate, r.After.BurdenRate, r.After.BurdenRate - r.Before.BurdenRate],
            ["个人负担 personal burden", r.Before.PersonalBurden, r.After.PersonalBurden, r.After.PersonalBurden - r.Before.PersonalBurden],
            ["受益人数/金额 persons better off", r.Persons.BetterOff, r.Persons.Gained, null],
            ["受损人数/金额 persons worse off", r.Persons.WorseOff, r.Persons.Lost, null],
            ["不变人数 persons unchanged", r.Persons.Unchanged, null, null],
            ["受益家庭 households better off", r.Households.BetterOff, r.Households.Gained, null],
            ["受损家庭 households worse off", r.Households.WorseOff, r.Households.Lost, null],
            ["不变家庭 households unchanged", r.Households.Unchanged, null, null],
            ["退出监测的家庭 households leaving monitoring", r.LeavingMonitoring.Count, null, null],
            ["进入监测的家庭 households entering monitoring", r.EnteringMonitoring.Count, null, null],
            .. r.Notes.Select(n => new object?[] { "说明 note", n, null, null }),
        ]),
        Group("按类别", "类别 category", r.ByCategory),
        Group("按乡镇", "乡镇 township", r.ByTownship),
        Group("按负担十分位", "十分位 decile", r.ByDecile),
        new("人员变化", ["人员 person", "家庭 household", "年度 year", "类别 category", "乡镇 township", "十分位 decile", "待遇前 benefit before", "待遇后 after", "变化 change", "负担前 burden before", "负担后 after"],
            r.PersonChanges.Select(p => new object?[] { p.Person, p.Household, p.Year, p.Category, p.Township, p.Decile, p.BenefitBefore, p.BenefitAfter, p.Change, p.BurdenBefore, p.BurdenAfter })),
        new("家庭变化", ["家庭 household", "年度 year", "成员待遇前 members before", "后 after", "家庭封顶前 household cap before", "后 after", "变化 change", "负担前 burden before", "后 after", "监测前 monitored before", "后 after"],
            r.HouseholdChanges.Select(h => new object?[] { h.Household, h.Year, h.BenefitBefore, h.BenefitAfter, h.HouseholdReliefBefore, h.HouseholdReliefAfter, h.Change, h.BurdenBefore, h.BurdenAfter, h.MonitoredBefore ? "是" : "否", h.MonitoredAfter ? "是" : "否" })),
    ]);

    private static XlsxSheet Group(string sheet, string key, IEnumerable<GroupChange> groups) =>
        new(sheet, [key, "人数 persons", "待遇前 before", "待遇后 after", "变化 change", "负担前 burden before", "负担后 after", "受益 better off", "受损 worse off"],
            groups.Select(g => new object?[] { g.Key, g.Persons, g.BenefitBefore, g.BenefitAfter, g.Change, g.BurdenBefore, g.BurdenAfter, g.BetterOff, g.WorseOff }));
}
