using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using Doudi.Analysis.Reconciliation;
using Doudi.Cases;
using Doudi.Engine.Settlement;

namespace Doudi.Cli.Commands;

/// <summary>
/// <c>doudi reconcile EXPORT.csv --registry REGISTRY.json [--profile P.yaml] [--persons persons.csv] [-o REPORT.json] [--xlsx REPORT.xlsx]</c>:
/// the national platform's payments against what the policy gives (应补/应退, I-24).
/// </summary>
internal static class ReconcileCommand
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Parts of the export held in memory one at a time: 3,000,000 rows make parts of ~50,000 rows each.</summary>
    private const int SpillParts = 64;

    public static Command Create(Cli cli)
    {
        var export = new Argument<string>("EXPORT") { Description = "国家平台结算导出 CSV (the platform's settlement export)" };
        var registry = new Option<string>("--registry") { Description = "名册：含人员及身份的病例文件，如 generate 的 registry.json (persons and identities, a case file)", Required = true };
        var profile = new Option<string?>("--profile") { Description = "列映射配置 YAML，缺省为国家字段名 (column mapping profile; default: national names)" };
        var persons = new Option<string?>("--persons") { Description = "人员 CSV（psn_no, township），用于按乡镇汇总 (persons CSV for the township summary)" };
        var output = new Option<string?>("--output", "-o") { Description = "报告 JSON 写入文件，不写则输出到标准输出 (report JSON file; default stdout)" };
        var xlsx = new Option<string?>("--xlsx") { Description = "另写 Excel 报告 (also write the report as .xlsx)" };
        var policies = PolicySource.FolderOption();
        var include = PolicySource.IncludeOption();
        var command = new Command("reconcile", "与国家平台已付医疗救助对账：应补/应退 (reconcile the platform's payments: to pay / to recover)")
            { export, registry, profile, persons, output, xlsx, policies, include };
        command.SetAction(parsed => Run(cli, parsed.GetValue(export)!, parsed.GetValue(registry)!, parsed.GetValue(profile), parsed.GetValue(persons),
            parsed.GetValue(output), parsed.GetValue(xlsx), parsed.GetValue(policies), parsed.GetValue(include)));
        return command;
    }

    private static int Run(Cli cli, string exportPath, string registryPath, string? profilePath, string? personsPath, string? output, string? xlsx,
        string? policiesDir, string[]? include)
    {
        foreach (var target in new[] { output, xlsx })
            if (target is not null && !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(target))))
                return cli.Problem(target, "输出目录不存在 (output folder does not exist)");
        foreach (var input in new[] { exportPath, registryPath, profilePath, personsPath })
            if (input is not null && !File.Exists(input)) return cli.Problem(input, "文件不存在 (file not found)");

        var profile = MappingProfile.National;
        if (profilePath is not null)
        {
            var (loaded, problems) = MappingProfile.Load(profilePath);
            if (loaded is null) return Placed(cli, problems);
            profile = loaded;
        }
        ReadResult<Engine.Cases.CaseFile> registry;
        using (var stream = File.OpenRead(registryPath)) registry = CaseReader.Read(stream);
        if (!registry.Ok) return cli.Problems(registry.Problems.Select(p => new SettlementProblem($"{registryPath}: {p.Path}", p.Message)));
        Dictionary<string, string>? townships = null;
        if (personsPath is not null)
        {
            var (index, problem) = TownshipIndex.Read(personsPath);
            if (index is null) return Placed(cli, [problem!]);
            townships = index;
        }
        // A city's export is millions of rows: spread over temporary files by person and reconciled a part at a time.
        var (spill, readProblems) = ExportReader.ReadSpilled(exportPath, profile, SpillParts);
        if (spill is null) return Placed(cli, readProblems);
        using var rows = spill;
        var catalog = PolicySource.Load(cli, policiesDir, include)?.Catalog;
        if (catalog is null) return Program.BadInput;

        ReconciliationReport report;
        try
        {
            report = Reconciler.Run(catalog, registry.Value!, rows.Parts(), profile.Name, Path.GetFileName(exportPath), townships);
        }
        catch (SettlementException ex)
        {
            return cli.Problems(ex.Problems);
        }
        if (xlsx is not null) AtomicFile.Write(xlsx, s => ReconciliationXlsx.Write(report, s));
        if (output is not null) AtomicFile.Write(output, s => JsonSerializer.Serialize(s, report, Json));
        else cli.Out.WriteLine(JsonSerializer.Serialize(report, Json));
        return Program.Ok;
    }

    internal static int Placed(Cli cli, IEnumerable<PlacedProblem> problems)
    {
        foreach (var p in problems) cli.Error.WriteLine(p.ToString());
        return Program.BadInput;
    }
}
