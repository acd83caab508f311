using Doudi.Analysis.Excel;

namespace Doudi.Analysis.Reconciliation;

/// <summary>The reconciliation as a workbook: summary, 应补 list, 应退 list (each with the trace of the amount due), persons, townships, institutions.</summary>
public static class ReconciliationXlsx
{
    private static readonly string[] BillHeader =
        ["结算号 setl_id", "人员编号 psn_no", "姓名 name", "乡镇 township", "机构编码 institution", "机构名称", "结算日期 date", "类型 kind", "身份 category",
         "平台已付 paid", "应付 due", "差额 difference", "在名册 in registry", "导出行 line", "计算过程 trace",
         "紧急情况 emergency"];

    public static void Write(ReconciliationReport r, Stream stream) => XlsxTables.Write(stream,
    [
        new("汇总", ["项目 item", "值 value"],
        [
            ["地区 region", r.Region], ["映射配置 profile", r.Profile], ["来源 source", r.Source],
            ["结算单数 bills", r.Bills], ["人数 persons", r.Persons], ["名册外人员的单据 bills of persons not in the registry", r.NotInRegistry],
            ["平台已付 paid (maf_pay)", r.Paid], ["政策应付 due", r.Due],
            ["应补单数 underpaid bills", r.Underpaid.Count], ["应补金额 to pay", r.ToPay],
            ["应退单数 overpaid bills", r.Overpaid.Count], ["应退金额 to recover", r.ToRecover],
            .. r.Notes.Select(n => new object?[] { "说明 note", n }),
        ]),
        new("应补明细", BillHeader, r.Underpaid.Select(BillRow)),
        new("应退明细", BillHeader, r.Overpaid.Select(BillRow)),
        new("按人员", ["人员编号 psn_no", "姓名 name", "乡镇 township", "单据数 bills", "差异单据 differing", "平台已付 paid", "应付 due", "应补 to pay", "应退 to recover", "净额 net"],
            r.PersonsDiffering.Select(p => new object?[] { p.Person, p.Name, p.Township, p.Bills, p.Differing, p.Paid, p.Due, p.ToPay, p.ToRecover, p.Net })),
        new("按乡镇", GroupHeader("乡镇 township"), r.ByTownship.Select(GroupRow)),
        new("按机构", GroupHeader("机构 institution"), r.ByInstitution.Select(GroupRow)),
    ]);

    private static object?[] BillRow(BillDifference d) =>
    [
        d.SetlId, d.Person, d.Name, d.Township, d.Institution, d.InstitutionName, d.Date.ToString("yyyy-MM-dd"), d.Kind, d.Category,
        d.Paid, d.Due, d.Difference, d.InRegistry ? "是" : "否", d.Line,
        string.Join("\n", d.Trace.Select(t => $"{t.Step} {t.Amount} — {t.Rule}: {t.Detail}{(t.Interpretation is null ? "" : $" ({t.Interpretation})")}")),
        // Appended after the published columns (extend, never move): the flag that lifts the non-designated exclusion (P-8).
        d.Emergency ? "是" : "否",
    ];

    private static string[] GroupHeader(string key) =>
        [key, "名称 name", "单据数 bills", "平台已付 paid", "应付 due", "应补单数 underpaid", "应补 to pay", "应退单数 overpaid", "应退 to recover"];

    private static object?[] GroupRow(GroupTotal g) => [g.Key, g.Name, g.Bills, g.Paid, g.Due, g.Underpaid, g.ToPay, g.Overpaid, g.ToRecover];
}
