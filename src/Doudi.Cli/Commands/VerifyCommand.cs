using System.CommandLine;
using Doudi.Cases;

namespace Doudi.Cli.Commands;

/// <summary>
/// <c>doudi verify RESULT.json</c>: recomputes every trace step of a result from its inputs, every bill's amounts from
/// its steps and every annual amount from what it lists. Exit 0 when everything adds up; 1 naming the first step that
/// does not (its JSON path); 2 when the file cannot be read.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create(Cli cli)
    {
        var file = new Argument<string>("RESULT") { Description = "结算结果文件 (result JSON of doudi settle)" };
        var command = new Command("verify", "核对结算结果的每一步计算 (recompute every step of a result)") { file };
        command.SetAction(parsed => Verify(cli, parsed.GetValue(file)!));
        return command;
    }

    public static int Verify(Cli cli, string path)
    {
        ResultVerifier.Summary summary;
        Engine.Settlement.SettlementProblem? problem;
        bool unreadable;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            problem = ResultVerifier.Verify(stream, out summary, out unreadable);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return cli.Problem(path, $"无法读取文件 (cannot read file): {ex.Message}");
        }
        if (problem is not null)
        {
            cli.Error.WriteLine($"{path}: {problem}");
            // Not JSON, or not an object: the file cannot be read as a result (2, like settle's bad input); else 1.
            return unreadable ? Program.BadInput : Program.InternalError;
        }
        cli.Out.WriteLine($"核对无误 verified: {summary.Bills} bills, {summary.Persons} person-years, {summary.Households} household-years, {summary.Steps} steps");
        return Program.Ok;
    }
}
