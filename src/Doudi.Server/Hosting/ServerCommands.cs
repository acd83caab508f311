using System.Globalization;
using Doudi.Server.Security;
using Doudi.Server.Settlements;
using Doudi.Server.Storage;

namespace Doudi.Server.Hosting;

/// <summary>
/// The server's command-line verbs, run instead of serving, against the database the server is configured with
/// (the same settings, <c>--data-dir</c> and <c>--Doudi:…</c> options):
/// <c>rebuild-totals [--region R] [--year Y] [--apply]</c> — recomputes the running ledger totals from the stored
/// settlements and supplementary payments (<see cref="LedgerRebuild"/>), prints every difference as a tab-separated line
/// (person, year, bucket, stored, recomputed) and, with <c>--apply</c>, writes the recomputed values (audited); it
/// lists again in year_facts_pending any region-year whose bills lost their year facts (said on standard error).
/// Exit code 0: no difference, or differences written; 3: differences found and not written; 2: bad arguments.
/// </summary>
public static class ServerCommands
{
    public const string RebuildTotals = "rebuild-totals";

    /// <summary>Runs the verb named by the first argument and returns its exit code, or null when there is none (serve).</summary>
    public static async Task<int?> TryRunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] != RebuildTotals) return null;
        string? region = null;
        int? year = null;
        bool apply = false;
        var rest = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            var a = args[i];
            if (a == "--apply") { apply = true; continue; }
            if (a is "--region" or "--year")
            {
                if (i + 1 >= args.Length) return Usage($"{a} needs a value / {a} 需要一个值");
                var v = args[++i];
                if (a == "--region") region = v;
                else if (int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var y) && y is >= 2000 and <= 2100) year = y;
                else return Usage($"--year: \"{v}\" is not a year (2000–2100) / 不是有效年度");
                continue;
            }
            rest.Add(a);
        }
        // The report is standard output; the log goes to standard error.
        rest.Add("--Logging:Console:LogToStandardErrorThreshold=Trace");
        var app = ServerApp.Build(rest.ToArray());
        var services = app.Services;
        var engine = services.GetRequiredService<EngineHost>();
        if (region is not null && !engine.IsRegion(region))
            return Usage($"--region: unknown region \"{region}\" (known: {string.Join(", ", engine.Regions)}) / 未知统筹区");
        var db = services.GetRequiredService<Database>();
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger("Doudi.Commands");
        await Migrator.MigrateAsync(services.GetRequiredService<DatabaseOptions>(), db, log);
        var actor = new Actor("cli:" + Environment.UserName, Actor.System.Role, null);
        var report = await services.GetRequiredService<LedgerRebuild>().RunAsync(region, year, apply, actor);
        var stdout = Console.Out;
        stdout.WriteLine("person\tyear\tbucket\tstored\trecomputed");
        foreach (var d in report.Differences)
            stdout.WriteLine(string.Join('\t', d.Person, d.Year.ToString(CultureInfo.InvariantCulture), d.Bucket,
                d.Stored.ToString(CultureInfo.InvariantCulture), d.Recomputed.ToString(CultureInfo.InvariantCulture)));
        var scope = $"{region ?? "all regions"}, {(year is { } yy ? yy.ToString(CultureInfo.InvariantCulture) : "all years")}";
        Console.Error.WriteLine(report.Applied
            ? $"已按重算值写入 {report.DifferenceCount} 项差异（共核对 {report.Checked} 项）/ wrote {report.DifferenceCount} recomputed totals of {report.Checked} checked ({scope})"
            : $"差异 {report.DifferenceCount} 项（共核对 {report.Checked} 项）{(report.DifferenceCount > 0 ? "，未写入：加 --apply 写入" : "")} / " +
              $"{report.DifferenceCount} differences of {report.Checked} totals checked ({scope}){(report.DifferenceCount > 0 ? "; nothing written: --apply writes them" : "")}" +
              (report.Truncated ? $"; the first {LedgerRebuild.MaxReported} are listed" : ""));
        foreach (var ry in report.YearFactsPending ?? [])
            Console.Error.WriteLine($"{ry.Region} {ry.Year.ToString(CultureInfo.InvariantCulture)}: 有单据缺少年度事实，已列入 year_facts_pending，下次年末运行时补齐 / " +
                "bills without year facts: listed in year_facts_pending, the next year-end run completes them");
        return report.DifferenceCount > 0 && !report.Applied ? 3 : 0;
    }

    private static int Usage(string problem)
    {
        Console.Error.WriteLine(problem);
        Console.Error.WriteLine($"usage: {RebuildTotals} [--region R] [--year Y] [--apply] [--data-dir PATH]");
        return 2;
    }
}
