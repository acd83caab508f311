using System.CommandLine;
using System.CommandLine.Help;
using System.Text;
using Doudi.Cli.Commands;

namespace Doudi.Cli;

/// <summary>
/// The <c>doudi</c> command. Exit codes: 0 done; 2 a problem with the input (case file, policies, arguments),
/// each on its own stderr line as <c>path: message</c>, with nothing on stdout; 1 an internal error.
/// </summary>
public static class Program
{
    public const int Ok = 0;
    public const int InternalError = 1;
    public const int BadInput = 2;

    public static int Main(string[] args)
    {
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        using var stdout = new StreamWriter(Console.OpenStandardOutput(), utf8, 1 << 16);
        using var stderr = new StreamWriter(Console.OpenStandardError(), utf8) { AutoFlush = true };
        return Run(args, stdout, stderr);
    }

    /// <summary>Runs one command line in-process; <paramref name="stdout"/> gets the result, <paramref name="stderr"/> the problems.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var cli = new Cli(stdout, stderr);
        var root = new RootCommand("兜底 医疗救助结算 (Doudi medical-assistance settlement)")
        {
            SettleCommand.Create(cli),
            PolicyCommands.Create(cli),
            VerifyCommand.Create(cli),
            GenerateCommand.Create(cli),
            ReconcileCommand.Create(cli),
            SimulateCommand.Create(cli),
        };
        var parsed = root.Parse(args);
        try
        {
            if (parsed.Errors.Count > 0 && parsed.Action is not HelpAction)
            {
                foreach (var error in parsed.Errors) stderr.WriteLine($"doudi: {error.Message}");
                stderr.WriteLine("doudi: 用 --help 查看用法 (see --help for usage)");
                return BadInput;
            }
            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex)
        {
            stderr.WriteLine($"doudi: 内部错误 (internal error): {ex}");
            return InternalError;
        }
        finally
        {
            stdout.Flush();
            stderr.Flush();
        }
    }
}
