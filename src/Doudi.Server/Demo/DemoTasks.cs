using System.Text;
using Doudi.Engine.Cases;
using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Funds;
using Doudi.Server.Imports;
using Doudi.Server.Prevention.Funds;
using Doudi.Server.Prevention.Reduction;
using Doudi.Server.Prevention.Relief;
using Doudi.Server.Registry;
using Doudi.Server.Security;
using Doudi.Server.Settlements;
using Doudi.Server.Storage;

namespace Doudi.Server.Demo;

/// <summary>
/// Open work for the demo's departments (issue 10): three jiande households whose 2023 burden is over their line, the
/// year-end run, a tiered-reduction case for each, pushed to every department at once, so each department's inbox
/// has tasks with working-day deadlines. Made through the same services as the API.
/// </summary>
public static class DemoTasks
{
    public static async Task LoadAsync(IServiceProvider services, Actor loader, ILogger log)
    {
        var db = services.GetRequiredService<Database>();
        var importer = services.GetRequiredService<NameListImporter>();
        var settlements = services.GetRequiredService<SettlementService>();
        var csv = new StringBuilder("身份证号,姓名,人员类别,户编号,乡镇\n");
        var ids = new List<(string Id, string Household)>();
        string[] names = ["叶根土", "方玉凤", "邵志明"];
        for (var h = 0; h < 3; h++)
        {
            var id = ChineseId.Make("330182", new DateOnly(1956 + h * 7, 4, 12), 9100 + h);
            var household = $"JD9{h + 1:D3}";
            csv.Append($"{id},{names[h]},7019,{household},寿昌镇\n");
            ids.Add((id, household));
        }
        await importer.ImportAsync(new(Departments.CivilAffairs, "2022-12", "jiande", "changes", "csv", Encoding.UTF8.GetBytes(csv.ToString())), loader, default);
        var n = 0;
        foreach (var (id, _) in ids)
        {
            n++;
            var bill = new Bill
            {
                Id = $"DEMO-JIANDE-BIG-{n}", Person = id, Date = new DateOnly(2023, 3 + n * 2, 10), Kind = BillKind.Inpatient,
                Total = 160000m + 40000m * n, InPolicy = 140000m + 30000m * n, BasicPaid = 80000m + 15000m * n, CriticalPaid = 15000m + 4000m * n,
                AssistancePaid = 10000m, HospitalLevel = 3, Referred = true, WithinCity = true,
            };
            await settlements.SettleAsync(new Doudi.Cases.BillDocument(bill, Doudi.Cases.BillNaming.Ours, id, null, null, null, null, null, [], null), loader, "demo");
        }
        // The charity fund is raised before it pays (its books may not be overdrawn).
        await db.WriteAsync(async (c, tx) =>
        {
            await FundStore.IncomeAsync(c, tx, db.Dialect, "jiande", FundCodes.Charity, new DateOnly(2024, 1, 15), FundSource.Donation, 2_000_000m, "演示：暖心基金社会捐赠 demo donation", loader);
            return 0;
        });
        var run = await services.GetRequiredService<ReliefService>().RunAsync("jiande", 2023, loader, default);
        var reduction = services.GetRequiredService<ReductionService>();
        var yearEnd = await db.ReadAsync(c => YearEndStore.LatestAsync(c, "jiande", 2023));
        // Every department of jiande's procedure (its relief file's reduction.departments).
        var departments = reduction.Steps("jiande", 2023).Departments.Select(Doudi.Policy.Vocabulary.Codes.ToCode).ToList();
        foreach (var (_, household) in ids)
        {
            var hh = yearEnd is null ? null : await db.ReadAsync(c => YearEndStore.HouseholdAsync(c, yearEnd, household));
            if (hh is null || hh.CapRelief <= 0) { log.LogWarning("Demo household {Household} is not over its line", household); continue; }
            var (header, _, _) = await db.WriteAsync((c, tx) => reduction.OpenAsync(c, tx, "jiande", household, 2023, hh.ReasonableBurden,
                hh.ReasonableBurden - hh.CapRelief, yearEnd!.Id, "演示：家庭合理医疗费用负担超过封顶线 demo household over its line", loader));
            await reduction.StepAsync(header.Id, "ask_parallel", new { departments, reason = "演示：同时推送各部门 demo: ask every department" }, loader, null, default);
        }
        log.LogInformation("Demo tasks: relief run {Run}, reduction cases pushed to {Departments} departments", run.Id, departments.Count);
    }
}
