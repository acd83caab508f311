using System.CommandLine;
using Doudi.Engine.Settlement;
using Doudi.Synthetic;

namespace Doudi.Cli.Commands;

/// <summary>
/// <c>doudi generate -o DIR --region R --year Y [--residents N] [--objects N] [--bills N] [--seed S] [--plant N] [--no-case]</c>:
/// a deterministic synthetic city or county (see <see cref="CityGenerator"/> for the files).
/// </summary>
internal static class GenerateCommand
{
    public static Command Create(Cli cli)
    {
        var output = new Option<string>("--output", "-o") { Description = "输出目录 (output folder)", Required = true };
        var region = new Option<string>("--region") { Description = "统筹区（政策地区），如 fuyang (policy region)", Required = true };
        var year = new Option<int>("--year") { Description = "年度 (year of the bills and name lists)", Required = true };
        var residents = new Option<int>("--residents") { Description = "常住人口，默认 9,000,000 (residents)", DefaultValueFactory = _ => 9_000_000 };
        var objects = new Option<int>("--objects") { Description = "救助对象人数（约），默认 250,000 (assistance objects, approximately)", DefaultValueFactory = _ => 250_000 };
        var bills = new Option<int>("--bills") { Description = "年度结算单数（约），默认 3,000,000 (bills in the year, approximately)", DefaultValueFactory = _ => 3_000_000 };
        var seed = new Option<int>("--seed") { Description = "随机种子，同种子同输出 (seed: same seed, same files)", DefaultValueFactory = _ => 20261129 };
        var townships = new Option<int?>("--townships") { Description = "乡镇街道数，默认每 6 万人一个 (townships)" };
        var institutions = new Option<int?>("--institutions") { Description = "定点医疗机构数，默认每 3,000 人一个 (institutions)" };
        var plant = new Option<int>("--plant") { Description = "在导出中故意写错 maf_pay 的结算单数，列于 planted.csv（对账测试用）(bills with a planted maf_pay error)" };
        var noCase = new Option<bool>("--no-case") { Description = "不写 case.json (do not write the case file)" };
        var policies = PolicySource.FolderOption();
        var include = PolicySource.IncludeOption();
        var command = new Command("generate", "生成确定性的模拟城市（名单、国家平台结算导出、病例文件）(generate a deterministic synthetic city)")
            { output, region, year, residents, objects, bills, seed, townships, institutions, plant, noCase, policies, include };
        command.SetAction(parsed =>
        {
            var options = new CityOptions
            {
                Region = parsed.GetValue(region)!, Year = parsed.GetValue(year), Residents = parsed.GetValue(residents),
                Objects = parsed.GetValue(objects), Bills = parsed.GetValue(bills), Seed = parsed.GetValue(seed),
                Townships = parsed.GetValue(townships), Institutions = parsed.GetValue(institutions),
                PlantedErrors = parsed.GetValue(plant), WriteCase = !parsed.GetValue(noCase),
            };
            return Run(cli, options, parsed.GetValue(output)!, parsed.GetValue(policies), parsed.GetValue(include));
        });
        return command;
    }

    private static int Run(Cli cli, CityOptions options, string output, string? policiesDir, string[]? include)
    {
        if (options.Residents < 1000) return cli.Problem("--residents", "至少 1000 (at least 1000)");
        if (options.Objects < 1 || options.Objects > options.Residents) return cli.Problem("--objects", "须在 1 与常住人口之间 (between 1 and the residents)");
        if (options.Bills < 0) return cli.Problem("--bills", "不能为负 (must not be negative)");
        if (options.PlantedErrors < 0) return cli.Problem("--plant", "不能为负 (must not be negative)");
        if (options.Townships is < 1 || options.Institutions is < 1) return cli.Problem("--townships", "至少 1 (at least 1)");
        if (!Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(output))))
            return cli.Problem(output, "输出目录的上级目录不存在 (the parent of the output folder does not exist)");
        var catalog = PolicySource.Load(cli, policiesDir, include)?.Catalog;
        if (catalog is null) return Program.BadInput;
        CityRegistry city;
        try
        {
            city = CityRegistry.Build(options, catalog);
        }
        catch (ArgumentException ex)
        {
            return cli.Problem("--region", ex.Message);
        }
        try
        {
            var summary = new CityGenerator(city, catalog).Write(output);
            cli.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(summary, new System.Text.Json.JsonSerializerOptions
                { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            return Program.Ok;
        }
        catch (SettlementException ex)
        {
            // The policy cannot settle what was generated (e.g. a parameter the text leaves to local rules, I-10/I-11).
            return cli.Problems(ex.Problems);
        }
        catch (IOException ex)
        {
            return cli.Problem(output, $"无法写入 (cannot write): {ex.Message}");
        }
    }
}
