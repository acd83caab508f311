using System.CommandLine;
using Doudi.Cases;
using Doudi.Engine.Cases;
using Doudi.Engine.Settlement;

namespace Doudi.Cli.Commands;

/// <summary>
/// <c>doudi settle FILE.json [-o OUT] [--policies DIR] [--include DIR]… [--indent] [--trace full|compact|none]
/// [--format json|jsonl|csv]</c>: settles a case file into the result.
/// </summary>
internal static class SettleCommand
{
    public static Command Create(Cli cli)
    {
        var file = new Argument<string>("FILE") { Description = "病例文件 (case file, JSON)" };
        var output = new Option<string?>("--output", "-o") { Description = "结果写入文件，不写则输出到标准输出 (write the result to this file instead of stdout)" };
        var policies = PolicySource.FolderOption();
        var include = PolicySource.IncludeOption();
        var indent = new Option<bool>("--indent") { Description = "缩进输出，便于阅读 (indent the result JSON for reading)" };
        var trace = new Option<TraceMode>("--trace")
        {
            Description = "计算过程：full 每步完整；compact 条款只写一次（citations 表），步骤按引用带输入；none 只写金额 (trace: full | compact | none)",
            DefaultValueFactory = _ => TraceMode.Full,
        };
        var format = new Option<ResultFormat>("--format")
        {
            Description = "输出格式：json；jsonl 每行一条记录；csv 每张单据一行（UTF-8 带 BOM，Excel 可直接打开）(format: json | jsonl | csv)",
            DefaultValueFactory = _ => ResultFormat.Json,
        };
        var command = new Command("settle", "结算病例文件 (settle a case file)") { file, output, policies, include, indent, trace, format };
        command.SetAction(parsed => Settle(cli, parsed.GetValue(file)!, parsed.GetValue(output),
            parsed.GetValue(policies), parsed.GetValue(include),
            new ResultWriterOptions { Indented = parsed.GetValue(indent), Trace = parsed.GetValue(trace), Format = parsed.GetValue(format) }));
        return command;
    }

    public static int Settle(Cli cli, string path, string? output, string? policiesDir, string[]? include, ResultWriterOptions options)
    {
        // Check where the result goes before the work, so a typo in -o is not found after settling a million bills.
        if (output is not null && !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(output))))
            return cli.Problem(output, "输出目录不存在 (output folder does not exist)");

        if (Streamed(cli, path, output, policiesDir, include, options) is { } done) return done;
        return Whole(cli, path, output, policiesDir, include, options);
    }

    /// <summary>
    /// Settles and writes bill by bill as the case is read (<see cref="StreamedSettlement"/>): what a city's year of
    /// millions of bills needs. Null when the case must be settled whole instead (its bills are not in each person's
    /// settlement order, or something is wrong that the whole path reports as before: policies, a bill, a year).
    /// </summary>
    private static int? Streamed(Cli cli, string path, string? output, string? policiesDir, string[]? include, ResultWriterOptions options)
    {
        var catalog = PolicySource.Load(new Cli(TextWriter.Null, TextWriter.Null), policiesDir, include)?.Catalog;
        if (catalog is null) return null;
        FileStream input;
        try
        {
            input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
        var engine = new SettlementEngine(catalog);
        StreamedSettlement.Outcome? outcome = null;
        using (input)
        {
            if (output is not null)
            {
                try
                {
                    AtomicFile.TryWrite(output, stream => (outcome = StreamedSettlement.Settle(engine, input, stream, options)).Written);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    return cli.Problem(output, $"无法写入结果文件 (cannot write the result file): {ex.Message}");
                }
            }
            else
            {
                // Stdout gets the result only when it is complete: it is written to a temporary file first.
                string temp = Path.GetTempFileName();
                try
                {
                    using var stream = new FileStream(temp, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
                    outcome = StreamedSettlement.Settle(engine, input, stream, options);
                    if (outcome.Written)
                    {
                        stream.Position = 0;
                        cli.WriteBinary(stream.CopyTo);
                    }
                }
                finally
                {
                    File.Delete(temp);
                }
            }
        }
        if (outcome!.ReadProblems.Count > 0) return cli.Problems(outcome.ReadProblems);
        return outcome.Written ? Program.Ok : null;
    }

    /// <summary>The whole case read, settled and then written (bills in any order; every problem listed in settlement order).</summary>
    private static int Whole(Cli cli, string path, string? output, string? policiesDir, string[]? include, ResultWriterOptions options)
    {
        var read = ReadCase(cli, path);
        if (read is null) return Program.BadInput;
        if (!read.Ok) return cli.Problems(read.Problems);

        var catalog = PolicySource.Load(cli, policiesDir, include)?.Catalog;
        if (catalog is null) return Program.BadInput;

        Engine.Results.CaseResult result;
        try
        {
            result = new SettlementEngine(catalog).SettleCase(read.Value!);
        }
        catch (SettlementException ex)
        {
            return cli.Problems(ex.Problems);
        }

        // An amount the contract cannot carry is the engine's fault, not the input's: internal error, nothing written.
        // Stdout is checked before anything is written to it. A file is written to a temporary file that only replaces
        // the target when complete, so there the writer's own check (it throws on such an amount) is enough, and the
        // separate pass over a million results is made only to list the problems when there are some.
        if (output is null)
        {
            var unwritable = ResultWriter.Check(result);
            if (unwritable.Count > 0)
            {
                cli.Problems(unwritable);
                return Program.InternalError;
            }
            cli.WriteBinary(stream => ResultWriter.Write(result, stream, options));
            return Program.Ok;
        }
        try
        {
            AtomicFile.Write(output, stream => ResultWriter.Write(result, stream, options));
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException
                                   && ResultWriter.Check(result) is { Count: > 0 } unwritable)
        {
            cli.Problems(unwritable);
            return Program.InternalError;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return cli.Problem(output, $"无法写入结果文件 (cannot write the result file): {ex.Message}");
        }
        return Program.Ok;
    }

    private static ReadResult<CaseFile>? ReadCase(Cli cli, string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            return CaseReader.Read(stream);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            cli.Problem(path, $"无法读取文件 (cannot read file): {ex.Message}");
            return null;
        }
    }
}
