using System.CommandLine;
using System.Globalization;

namespace Doudi.Cli.Commands;

/// <summary><c>doudi policy show ID [--date D]</c> and <c>doudi policy check [DIR]</c>, both taking <c>--include DIR</c> (repeatable).</summary>
internal static class PolicyCommands
{
    public static Command Create(Cli cli)
    {
        var policy = new Command("policy", "政策文件 (policy files)");
        policy.Add(Show(cli));
        policy.Add(Check(cli));
        return policy;
    }

    private static Command Show(Cli cli)
    {
        var id = new Argument<string>("ID") { Description = "政策编号，如 fuyang-2023 (policy id)" };
        var date = new Option<string?>("--date") { Description = "只显示该日生效的参数 YYYY-MM-DD (parameters in force on this date)" };
        var policies = PolicySource.FolderOption();
        var include = PolicySource.IncludeOption();
        var command = new Command("show", "显示政策参数及出处 (show a policy's parameters with citations)") { id, date, policies, include };
        command.SetAction(parsed => RunShow(cli, parsed.GetValue(id)!, parsed.GetValue(date), parsed.GetValue(policies), parsed.GetValue(include)));
        return command;
    }

    private static Command Check(Cli cli)
    {
        var dir = new Argument<string?>("DIR") { Description = "政策文件目录 (policies folder)", Arity = ArgumentArity.ZeroOrOne };
        var include = PolicySource.IncludeOption();
        var command = new Command("check", "校验政策文件 (validate policy files)") { dir, include };
        command.SetAction(parsed => RunCheck(cli, parsed.GetValue(dir), parsed.GetValue(include)));
        return command;
    }

    private static int RunShow(Cli cli, string id, string? dateText, string? policiesDir, string[]? include)
    {
        DateOnly? date = null;
        if (dateText is not null)
        {
            if (!DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                return cli.Problem("--date", $"\"{dateText}\" 不是有效日期，格式应为 YYYY-MM-DD (is not a date; expected YYYY-MM-DD)");
            date = d;
        }
        var catalog = PolicySource.Load(cli, policiesDir, include)?.Catalog;
        if (catalog is null) return Program.BadInput;
        string text;
        try
        {
            text = catalog.Describe(id, date);
        }
        catch (KeyNotFoundException)
        {
            return cli.Problem(id, "未知的政策编号 (unknown policy id)");
        }
        cli.Out.Write(text);
        if (!text.EndsWith('\n')) cli.Out.WriteLine();
        return Program.Ok;
    }

    private static int RunCheck(Cli cli, string? dir, string[]? include)
    {
        var loaded = PolicySource.Load(cli, dir, include);
        if (loaded is null) return Program.BadInput;
        cli.Out.WriteLine($"ok: {loaded.Files} files");
        return Program.Ok;
    }
}
