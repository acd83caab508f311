using System.CommandLine;
using System.Text.Json;
using Doudi.Analysis.Reconciliation;
using Doudi.Analysis.Reform;
using Doudi.Cases;
using Doudi.Engine.Settlement;
using Doudi.Policy.Loading;

namespace Doudi.Cli.Commands;

/// <summary>
/// <c>doudi simulate --reform REFORM.yaml CASE.json [--persons persons.csv] [-o REPORT.json] [--xlsx REPORT.xlsx]</c>: what a policy
/// change would cost and to whom, on a case file, static (see <see cref="ReformReport.StaticNote"/>).
/// </summary>
internal static class SimulateCommand
{
    public static Command Create(Cli cli)
    {
        var file = new Argument<string>("FILE") { Description = "病例文件 (case file, JSON)" };
        var reform = new Option<string>("--reform") { Description = "政策调整文件（修订现行政策的 YAML，如 policies/reforms/*.yaml）(reform overlay)", Required = true };
        var persons = new Option<string?>("--persons") { Description = "人员 CSV（psn_no, township），用于按乡镇汇总 (persons CSV for the township summary)" };
        var output = new Option<string?>("--output", "-o") { Description = "报告 JSON 写入文件，不写则输出到标准输出 (report JSON file; default stdout)" };
        var xlsx = new Option<string?>("--xlsx") { Description = "另写 Excel 报告 (also write the report as .xlsx)" };
        var policies = PolicySource.FolderOption();
        var include = PolicySource.IncludeOption();
        var command = new Command("simulate", "政策调整测算（静态）(reform simulation, static)") { file, reform, persons, output, xlsx, policies, include };
        command.SetAction(parsed => Run(cli, parsed.GetValue(file)!, parsed.GetValue(reform)!, parsed.GetValue(persons), parsed.GetValue(output),
            parsed.GetValue(xlsx), parsed.GetValue(policies), parsed.GetValue(include) ?? []));
        return command;
    }

    private static int Run(Cli cli, string path, string reformPath, string? personsPath, string? output, string? xlsx, string? policiesDir, string[] include)
    {
        foreach (var target in new[] { output, xlsx })
            if (target is not null && !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(target))))
                return cli.Problem(target, "输出目录不存在 (output folder does not exist)");
        foreach (var input in new[] { path, reformPath, personsPath })
            if (input is not null && !File.Exists(input)) return cli.Problem(input, "文件不存在 (file not found)");

        ReadResult<Engine.Cases.CaseFile> read;
        using (var stream = File.OpenRead(path)) read = CaseReader.Read(stream);
        if (!read.Ok) return cli.Problems(read.Problems);
        var file = read.Value!;
        Dictionary<string, string>? townships = null;
        if (personsPath is not null)
        {
            var (index, problem) = TownshipIndex.Read(personsPath);
            if (index is null) return ReconcileCommand.Placed(cli, [problem!]);
            townships = index;
        }

        var dir = PolicySource.Folder(cli, policiesDir);
        if (dir is null) return Program.BadInput;
        var before = PolicySource.Load(cli, dir, include)?.Catalog;
        if (before is null) return Program.BadInput;
        // The reform is loaded with the same files, by the same loader and with the same checks.
        var loaded = PolicyLoader.LoadDirectory(dir, include, [reformPath]);
        if (!loaded.Ok)
        {
            foreach (var error in loaded.Errors) cli.Error.WriteLine(error.ToString());
            return Program.BadInput;
        }
        var after = loaded.Catalog!;
        var reformFile = Path.GetRelativePath(Directory.GetCurrentDirectory(), reformPath);
        var (doc, line, notReform) = ReformDocument.Find(after, reformFile, file.Region);
        if (doc is null) return cli.Problem(line > 0 ? $"{reformPath}:{line}" : reformPath, notReform!);

        ReformReport report;
        try
        {
            report = ReformSimulator.Run(before, after, file, doc.Id, doc.Title, reformFile, doc.Amends, townships);
        }
        catch (SettlementException ex)
        {
            return cli.Problems(ex.Problems);
        }
        if (xlsx is not null) AtomicFile.Write(xlsx, s => ReformXlsx.Write(report, s));
        if (output is not null) AtomicFile.Write(output, s => JsonSerializer.Serialize(s, report, ReconcileCommand.Json));
        else cli.Out.WriteLine(JsonSerializer.Serialize(report, ReconcileCommand.Json));
        return Program.Ok;
    }
}
