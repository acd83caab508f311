using System.Text;
using Doudi.Engine.Cases;
using Doudi.Policy.Vocabulary;
using Doudi.Server.Api;
using Doudi.Server.Audit;
using Doudi.Server.Imports;
using Doudi.Server.Registry;
using Doudi.Server.Security;
using Doudi.Server.Settlements;
using Doudi.Server.Storage;

namespace Doudi.Server.Demo;

/// <summary>
/// <c>--demo</c>: a county's worth of real-looking data in each of the four regions — households in real townships,
/// name lists from civil affairs and the other departments, and settled bills — plus one demo user per role and a
/// hospital token. Loaded once (skipped when demo data is already there). All names and ID numbers are made up.
/// </summary>
public static class DemoCounty
{
    public const string Password = "doudi-demo-2024";
    private static readonly Actor Loader = new("demo", "system", null);

    private sealed record Region(string Code, string Area, string[] Townships, string Month, string BillDate);

    private static readonly Region[] Regions =
    [
        new("wenzhou", "330302", ["五马街道", "松台街道", "南汇街道", "滨江街道"], "2022-01", "2022-06-15"),
        new("fuyang", "330183", ["富春街道", "银湖街道", "东洲街道", "场口镇"], "2023-01", "2023-05-20"),
        new("jiande", "330182", ["新安江街道", "洋溪街道", "寿昌镇", "梅城镇"], "2023-01", "2023-06-10"),
        new("pengshui", "500243", ["汉葭街道", "绍庆街道", "郁山镇", "保家镇"], "2023-05", "2023-08-18"),
    ];

    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭"];
    private static readonly string[] Given = ["建国", "秀英", "桂兰", "志强", "丽华", "海燕", "国平", "玉梅", "文军", "小红", "德明", "春花", "永福", "淑珍", "明辉", "彩霞"];

    public static async Task LoadAsync(IServiceProvider services)
    {
        var db = services.GetRequiredService<Database>();
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger("Doudi.Demo");
        var url = Hosting.ServerOptions.PrimaryUrl(services.GetRequiredService<IConfiguration>());
        // Every start with --demo issues a fresh hospital token (only its hash is kept, so an earlier one cannot be shown again).
        var token = await IssueTokenAsync(db);
        if (await db.ReadAsync(c => c.ScalarAsync("SELECT 1 FROM users WHERE username = 'demo_operator'", null)) is not null)
        {
            log.LogInformation("Demo county already loaded");
            PrintWelcome(token, await ExamplePersonAsync(db), url);
            return;
        }
        await db.WriteAsync(async (c, tx) =>
        {
            foreach (var (user, name, role, dept) in new (string, string, string, string?)[]
                     {
                         ("demo_admin", "演示管理员", Roles.BureauAdmin, null), ("demo_operator", "医保经办 林晓", Roles.BureauOperator, null),
                         ("demo_civil", "民政 陈科长", Roles.CivilAffairs, null), ("demo_veterans", "退役军人事务局 何干事", Roles.Department, Departments.VeteransAffairs),
                         ("demo_charity", "慈善总会 周会长", Roles.Charity, null), ("demo_auditor", "审计 郑审计员", Roles.Auditor, null),
                     })
                await Users.InsertAsync(c, tx, user, name, role, dept, Password);
            await AuditLog.WriteAsync(c, tx, db.Dialect, Loader, "load", "demo", "users", null, new { users = 6 });
            return 0;
        });

        var importer = services.GetRequiredService<NameListImporter>();
        var settlements = services.GetRequiredService<SettlementService>();
        var seq = 0;
        int settled = 0, failed = 0;
        foreach (var region in Regions)
        {
            // Twelve households of one to three members; civil affairs lists most of them, veterans affairs and the
            // disabled federation one person each (a second identity for I-2).
            var civil = new StringBuilder("身份证号,姓名,人员类别,户编号,乡镇\n");
            var others = new List<(string Dept, string Row)>();
            var members = new List<(string IdNumber, string Category, int Household)>();
            for (var h = 0; h < 12; h++)
            {
                var category = (h % 4) switch { 0 => "7131", 1 => "7019", 2 => "7201", _ => "7019" };
                var township = region.Townships[h % region.Townships.Length];
                var household = $"{region.Code[..2].ToUpperInvariant()}{h + 1:D4}";
                for (var m = 0; m < 1 + h % 3; m++)
                {
                    seq++;
                    var id = ChineseId.Make(region.Area, new DateOnly(1948, 3, 1).AddDays(seq * 397 % 25000), seq);
                    var name = Surnames[(h + region.Code.Length) % Surnames.Length] + Given[seq % Given.Length];
                    civil.Append($"{id},{name},{category},{household},{township}\n");
                    members.Add((id, category, h));
                    if (h == 5 && m == 0) others.Add((Departments.DisabledFederation, $"{id},{name},7069,{household},{township}"));
                    if (h == 7 && m == 0) others.Add((Departments.VeteransAffairs, $"{id},{name},7052,{household},{township}"));
                }
            }
            await importer.ImportAsync(new(Departments.CivilAffairs, region.Month, region.Code, "full", "csv", Encoding.UTF8.GetBytes(civil.ToString())), Loader, default);
            foreach (var (dept, row) in others)
                await importer.ImportAsync(new(dept, region.Month, region.Code, "changes", "csv", Encoding.UTF8.GetBytes("身份证号,姓名,人员类别,户编号,乡镇\n" + row + "\n")), Loader, default);

            // Bills for the first member of each household.
            var billDate = DateOnly.Parse(region.BillDate, System.Globalization.CultureInfo.InvariantCulture);
            var n = 0;
            foreach (var member in members.GroupBy(x => x.Household).Select(g => g.First()))
            {
                n++;
                var total = 8000m + 7000m * n;
                var inPolicy = total * 0.85m;
                var basic = Math.Round(inPolicy * 0.6m, 2);
                var bill = new Bill
                {
                    Id = $"DEMO-{region.Code.ToUpperInvariant()}-{n:D3}", Person = member.IdNumber, Date = billDate.AddDays(n * 3),
                    Kind = n % 3 == 0 ? BillKind.SpecialOutpatient : BillKind.Inpatient, Total = total, InPolicy = inPolicy, BasicPaid = basic,
                    CriticalPaid = 0m, SpecialDisease = n % 3 == 0, HospitalLevel = n % 2 == 0 ? 3 : 2, Referred = true, WithinCity = true,
                    AssistancePaid = region.Code == "jiande" ? Math.Round((inPolicy - basic) * 0.7m, 2) : null,
                };
                try
                {
                    await settlements.SettleAsync(new Doudi.Cases.BillDocument(bill, Doudi.Cases.BillNaming.Ours, member.IdNumber, null, null, null, null, null, [], null), Loader, "demo");
                    settled++;
                }
                catch (ApiProblemException e)
                {
                    failed++;
                    log.LogWarning("Demo bill {Bill} not settled: {Problem}", bill.Id, string.Join("; ", e.Fields.Select(f => $"{f.Path}: {f.Message.En}")));
                }
            }
        }
        // Issue 10: a year of fuyang for the web console (several thousand persons, bills with institutions, diagnoses, items).
        var households = int.TryParse(services.GetRequiredService<IConfiguration>()["Doudi:DemoHouseholds"], out var hh) ? hh : 1200;
        var started = System.Diagnostics.Stopwatch.StartNew();
        var year = await DemoYear.LoadAsync(services, Loader, households, log);
        try { await DemoTasks.LoadAsync(services, Loader, log); }
        catch (Exception e) when (e is ApiProblemException or Doudi.Prevention.Common.PreventionException) { log.LogWarning("Demo tasks not loaded: {Problem}", e.Message); }
        log.LogInformation("Demo year {Year}: {Persons} persons, {Settled} settlements ({Refused} refused) in {Ms} ms", DemoYear.Year, year.Persons, year.Settled, year.Refused, started.ElapsedMilliseconds);
        log.LogInformation("Demo county loaded: {Persons} persons, {Settled} settlements ({Failed} refused)", seq, settled, failed);
        PrintWelcome(token, await ExamplePersonAsync(db), url);
    }

    /// <summary>A fuyang subsistence (低保) person for the printed example, by our person id: the console never shows an ID number.</summary>
    private static async Task<string?> ExamplePersonAsync(Database db) => await db.ReadAsync(c => c.ScalarAsync(
        "SELECT p.id FROM persons p JOIN identities i ON i.person_id = p.id WHERE p.region = 'fuyang' AND i.category = 'subsistence' AND i.revoked IS NULL AND i.department = 'civil_affairs' ORDER BY p.id_number LIMIT 1", null)) as string;

    private static async Task<string> IssueTokenAsync(Database db)
    {
        var token = ApiTokens.NewToken();
        var id = "TDEMO" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
        await db.WriteAsync(async (c, tx) =>
        {
            await c.ExecAsync("INSERT INTO api_tokens (id, name, token_hash, role, active, created_at, created_by) VALUES (@id, '演示医院 HIS', @h, @r, @a, @at, 'demo')", tx,
                ("id", id), ("h", ApiTokens.HashOf(token)), ("r", Roles.Hospital), ("a", true), ("at", DateTimeOffset.UtcNow));
            await AuditLog.WriteAsync(c, tx, db.Dialect, Loader, "issue", "api_token", id, null, new { id, name = "演示医院 HIS", role = Roles.Hospital });
            return 0;
        });
        return token;
    }

    private static void PrintWelcome(string token, string? example, string url)
    {
        Console.WriteLine($"演示数据已载入 / demo data loaded: users demo_admin, demo_operator, demo_civil, demo_veterans, demo_charity, demo_auditor (password {Password}); hospital token {token}");
        // A first settlement a newcomer can paste: a fuyang subsistence (低保) person, in the national platform's field names.
        var setlId = "TRY-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3));
        Console.WriteLine($"试一试 / try: curl -s -H 'Authorization: Bearer {token}' -H 'Content-Type: application/json' {url}/api/settlements -d " +
            $"'{{\"setl_id\":\"{setlId}\",\"psn_no\":\"{example}\",\"setl_time\":\"2023-09-01 10:00:00\",\"med_type\":\"21\",\"insutype\":\"390\",\"medfee_sumamt\":12000,\"inscp_scp_amt\":10000,\"hifp_pay\":6000,\"hifmi_pay\":0}}'");
    }
}
