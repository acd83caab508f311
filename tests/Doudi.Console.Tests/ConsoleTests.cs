using System.Text.Json;
using Doudi.Server.Registry;
using Microsoft.Playwright;

namespace Doudi.Console.Tests;

/// <summary>
/// The console in a real browser: every role logs in and sees its own menu; every page renders in Chinese (screenshot
/// of each); a name list is imported; a bill is settled, its trace read and a step followed to its clause; a department
/// answers its task; a year-end run is launched and its list exported.
/// </summary>
public sealed class ConsoleTests(ConsoleFixture f) : IClassFixture<ConsoleFixture>
{
    public static readonly TheoryData<string, string, string?> Roles = new()
    {
        { "demo_admin", "综合看板", null },
        { "demo_operator", "综合看板", "审计查询" },
        { "demo_civil", "综合看板", "审计查询" },
        { "demo_veterans", "部门待办", "综合看板" },
        { "demo_charity", "综合看板", "名单导入" },
        { "demo_auditor", "综合看板", "名单导入" },
    };

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task Each_role_logs_in_and_sees_its_own_menu(string user, string sees, string? doesNotSee)
    {
        var page = await f.LoginAsync(user);
        var menu = page.GetByRole(AriaRole.Navigation);
        await Assertions.Expect(menu.GetByText(sees, new() { Exact = true })).ToBeVisibleAsync();
        if (doesNotSee is not null) await Assertions.Expect(menu.GetByText(doesNotSee, new() { Exact = true })).ToHaveCountAsync(0);
        if (user == "demo_veterans")
            Assert.Equal(1, await menu.Locator(".el-menu-item").CountAsync()); // a department sees only its inbox
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await f.ShotAsync(page, $"role-{user}");
        await page.Context.CloseAsync();
    }

    public static readonly TheoryData<string, string> Pages = new()
    {
        { "/dashboard", "综合看板" }, { "/map", "防贫地图" }, { "/rankings", "排名与趋势" }, { "/persons", "人员360" }, { "/risk-pool", "风险人员库" },
        { "/reduction", "梯次减负" }, { "/posthoc", "事后救助申请" }, { "/year-end", "年度结算与公示" }, { "/name-lists", "名单导入" },
        { "/settlements", "结算与导入" }, { "/funds", "基金与公开" }, { "/statistics", "统计数据录入" }, { "/audit", "审计查询" }, { "/policies/fuyang-2023", "政策浏览" },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Every_page_renders_in_Chinese(string path, string title)
    {
        var page = await f.LoginAsync("demo_admin");
        await page.GotoAsync(path);
        await Assertions.Expect(page.Locator("h1").First).ToContainTextAsync(title);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.WaitForTimeoutAsync(600); // let the charts finish their first animation
        await f.ShotAsync(page, "page" + path.Replace('/', '-'));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Dashboard_shows_the_figures_against_the_targets_and_switches_to_English()
    {
        var page = await f.LoginAsync("demo_operator");
        await Assertions.Expect(page.Locator("[data-kpi=coverage]")).ToContainTextAsync("%");
        await Assertions.Expect(page.GetByText("综合保障率").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("富政办〔2022〕21号 一.2（主要目标）").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("＝ 个人负担 ÷ 医疗总费用")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Coverage rate").First).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(600);
        await f.ShotAsync(page, "page-dashboard-english");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Civil_affairs_imports_a_name_list_and_reads_the_change_report()
    {
        var page = await f.LoginAsync("demo_civil");
        await page.GotoAsync("/name-lists");
        var id = ChineseId.Make("330183", new DateOnly(1961, 7, 3), 777);
        var csv = $"身份证号,姓名,人员类别,户编号,乡镇\n{id},测试新增,7019,FYT0001,富春街道\n";
        await page.Locator("#nl-file").SetInputFilesAsync(new FilePayload { Name = "低保名单.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(csv) });
        await Assertions.Expect(page.GetByText("测试新增")).ToBeVisibleAsync();
        await f.ShotAsync(page, "flow-name-list-check");
        await page.Locator("[data-action=confirm-import]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-report]")).ToBeVisibleAsync();
        await f.ShotAsync(page, "flow-name-list-report");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Operator_settles_a_bill_reads_its_trace_and_follows_a_step_to_its_clause()
    {
        var page = await f.LoginAsync("demo_operator");
        var persons = await page.Context.APIRequest.GetAsync("/api/persons?region=fuyang&township=" + Uri.EscapeDataString("富春街道") + "&pageSize=1");
        using var doc = JsonDocument.Parse(await persons.TextAsync());
        var person = doc.RootElement.GetProperty("items")[0].GetProperty("id").GetString()!;

        await page.GotoAsync("/settlements");
        await page.Locator("#s-id").FillAsync("E2E-SETTLE-1");
        await page.Locator("#s-psn").FillAsync(person);
        await page.Locator("[data-action=settle]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-maf]")).ToBeVisibleAsync();
        await f.ShotAsync(page, "flow-settle-result");

        await page.GetByRole(AriaRole.Link, new() { Name = "查看人员360与计算过程" }).ClickAsync();
        await page.WaitForURLAsync($"**/persons/{person}");
        var row = page.Locator("[data-table=bills] tr", new() { HasText = "E2E-SETTLE-1" });
        await row.ClickAsync();
        await Assertions.Expect(page.Locator("[data-table=trace]")).ToContainTextAsync("assistance");
        await page.WaitForTimeoutAsync(500);
        await f.ShotAsync(page, "flow-person-360-waterfall");

        await page.Locator("[data-table=trace] a[data-rule]", new() { HasText = "救助比例与限额" }).First.ClickAsync();
        await page.WaitForURLAsync("**/policies/fuyang-2023**");
        var picked = page.Locator(".clause.picked");
        await Assertions.Expect(picked).ToContainTextAsync("救助比例与限额");
        await Assertions.Expect(picked).ToContainTextAsync("《最低生活保障家庭证》和二级及以上《中华人民共和国残疾人证》持有者救助80%");
        await picked.ScrollIntoViewIfNeededAsync();
        await f.ShotAsync(page, "flow-trace-to-clause");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Person_360_shows_the_household_year_and_its_line()
    {
        var page = await f.LoginAsync("demo_operator");
        var r = await page.Context.APIRequest.GetAsync("/api/households/JD9001");
        using var doc = JsonDocument.Parse(await r.TextAsync());
        var person = doc.RootElement.GetProperty("members")[0].GetProperty("id").GetString()!;
        await page.GotoAsync($"/persons/{person}");
        // Demo household JD9001 (jiande, subsistence): reasonable burden 76,000 over the line 30,000 (建政办函〔2024〕4号 二.3).
        await Assertions.Expect(page.Locator("[data-line]")).ToHaveTextAsync("30,000.00");
        await page.Locator("[data-table=bills] tbody tr").First.ClickAsync();
        await page.WaitForTimeoutAsync(500);
        await f.ShotAsync(page, "flow-person-360-household-line");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_department_sees_only_its_tasks_and_answers_one()
    {
        var page = await f.LoginAsync("demo_veterans");
        await page.WaitForURLAsync("**/inbox");
        var inbox = page.Locator("[data-table=inbox]");
        await Assertions.Expect(inbox).ToContainTextAsync("JD9");
        await Assertions.Expect(inbox).Not.ToContainTextAsync("残联");
        await f.ShotAsync(page, "flow-inbox");
        await inbox.GetByRole(AriaRole.Button, new() { Name = "反馈" }).First.ClickAsync();
        await page.Locator("#reason").FillAsync("经核查，该户无退役军人，不符合享受条件");
        await page.GetByRole(AriaRole.Button, new() { Name = "提交反馈" }).ClickAsync();
        await Assertions.Expect(inbox).ToContainTextAsync("不符合");
        await f.ShotAsync(page, "flow-inbox-answered");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Operator_runs_the_year_end_and_exports_its_list()
    {
        var page = await f.LoginAsync("demo_operator");
        await page.GotoAsync("/year-end");
        await page.Locator("[data-action=launch]").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "确定" }).ClickAsync();
        var runs = page.Locator("[data-table=runs] tbody tr");
        await Assertions.Expect(runs.First).ToBeVisibleAsync();
        await runs.First.ClickAsync();
        await Assertions.Expect(page.GetByText("审核与公示名单")).ToBeVisibleAsync();
        await f.ShotAsync(page, "flow-year-end");
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-action=export]").First.ClickAsync());
        var path = Path.Combine(f.Screenshots, "year-end-list.xlsx");
        await download.SaveAsAsync(path);
        var head = new byte[2];
        await using (var s = File.OpenRead(path)) Assert.Equal(2, await s.ReadAsync(head));
        Assert.Equal("PK"u8.ToArray(), head); // an .xlsx is a zip
        await page.Context.CloseAsync();
    }
}
