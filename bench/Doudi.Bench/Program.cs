using System.Diagnostics;
using BenchmarkDotNet.Running;
using Doudi.Cases;

namespace Doudi.Bench;

/// <summary>
/// <c>Doudi.Bench</c> subcommands:
/// <list type="bullet">
/// <item><c>gen -o FILE [--region R] [--bills N] [--seed S] [--engine-critical P] [--year Y]</c>: a deterministic case file (default 1,000,000 bills of pengshui; with --year, all in that year).</item>
/// <item><c>copy FILE -o OUT [--size-of RESULT] [--no-fsync]</c>: the CLI baselines: read the case with CaseReader and write the same
/// JSON back with Utf8JsonWriter; with --size-of, write the case's bills repeated to the size of RESULT (the CLI's output).</item>
/// <item><c>inproc [--bills-per-region N] [--warmups W] [--runs R] [--engine-critical P] [--policies DIR] [--only bill|case]</c>: Stopwatch throughput harness.</item>
/// <item><c>bdn [BenchmarkDotNet arguments]</c>: the BenchmarkDotNet version of the in-process figures.</item>
/// <item><c>phases FILE [--policies DIR] [--runs R]</c>: what `doudi settle` does, phase by phase in one process (read, settle, check, write), wall and CPU time.</item>
/// </list>
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0) return Usage();
        var rest = args[1..];
        try
        {
            return args[0] switch
            {
                "gen" => Generate(rest),
                "copy" => Copy(rest),
                "inproc" => Throughput.Run(Int(rest, "--bills-per-region", 250_000), Int(rest, "--warmups", 2), Int(rest, "--runs", 5),
                    Double(rest, "--engine-critical", 0.1), Opt(rest, "--policies"), Opt(rest, "--only") ?? "all"),
                "bdn" => RunBdn(rest),
                "phases" => Phases(rest),
                _ => Usage(),
            };
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"Doudi.Bench: {ex.Message}");
            return 2;
        }
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: Doudi.Bench gen -o FILE [--region fuyang|pengshui|wenzhou|jiande] [--bills N] [--seed S] [--engine-critical P] [--year Y]");
        Console.Error.WriteLine("       Doudi.Bench copy FILE -o OUT [--size-of RESULT] [--no-fsync]");
        Console.Error.WriteLine("       Doudi.Bench inproc [--bills-per-region N] [--warmups W] [--runs R] [--engine-critical P] [--policies DIR] [--only bill|case]");
        Console.Error.WriteLine("       Doudi.Bench bdn [BenchmarkDotNet arguments, e.g. --filter '*']");
        Console.Error.WriteLine("       Doudi.Bench phases FILE [--policies DIR] [--runs R]");
        return 2;
    }

    private static int Generate(string[] args)
    {
        string output = Opt(args, "-o") ?? Opt(args, "--output") ?? throw new ArgumentException("gen needs -o FILE");
        var gen = new CaseGenerator
        {
            Region = Opt(args, "--region") ?? "pengshui",
            Bills = Int(args, "--bills", 1_000_000),
            Seed = Int(args, "--seed", 20240601),
            EngineCriticalShare = Double(args, "--engine-critical", 0),
            Year = Opt(args, "--year") is { } y ? Int(args, "--year", 0) : null,
        };
        var sw = Stopwatch.StartNew();
        using (var stream = new FileStream(output, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            var (persons, bills) = gen.Write(stream);
            Console.Error.WriteLine($"{output}: {gen.Region}, {persons:N0} persons, {bills:N0} bills, {stream.Length:N0} bytes, seed {gen.Seed} ({sw.Elapsed.TotalSeconds:F1} s)");
        }
        return 0;
    }

    /// <summary>
    /// The baseline the CLI is compared with: the same read (CaseReader over a 64 KiB FileStream, every check of the
    /// case file) and the same kind of write (Utf8JsonWriter into a temporary file beside OUT, flushed to disk and
    /// moved over OUT, as the CLI writes -o), of the case file itself instead of its settlement.
    /// </summary>
    private static int Copy(string[] args)
    {
        string input = args.FirstOrDefault(a => !a.StartsWith('-') && a != Opt(args, "-o") && a != Opt(args, "--size-of")) ?? throw new ArgumentException("copy needs FILE");
        string output = Opt(args, "-o") ?? throw new ArgumentException("copy needs -o OUT");
        bool fsync = !args.Contains("--no-fsync");
        long target = Opt(args, "--size-of") is { } like ? new FileInfo(like).Length : 0;
        ReadResult<Engine.Cases.CaseFile> read;
        using (var stream = new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
            read = CaseReader.Read(stream);
        if (!read.Ok)
        {
            foreach (var p in read.Problems) Console.Error.WriteLine(p);
            return 2;
        }
        string full = Path.GetFullPath(output);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        {
            CaseFileWriter.Write(read.Value!, stream, target);
            stream.Flush(flushToDisk: fsync);
        }
        File.Move(temp, full, overwrite: true);
        return 0;
    }

    /// <summary>
    /// The phases of `doudi settle FILE -o OUT` timed one by one in a warm process (the first run includes the JIT):
    /// read the case, settle it, check the result, write it to a file (no fsync); then the baseline's write of the case.
    /// </summary>
    private static int Phases(string[] args)
    {
        string input = args.FirstOrDefault(a => !a.StartsWith('-') && a != Opt(args, "--policies") && a != Opt(args, "--runs")) ?? throw new ArgumentException("phases needs FILE");
        string dir = Opt(args, "--policies") ?? Doudi.Policy.Loading.PolicyLocator.FindDefault() ?? throw new ArgumentException("no policies folder");
        int runs = Int(args, "--runs", 3);
        string output = Path.Combine(Path.GetTempPath(), $"doudi-phases-{Environment.ProcessId}.json");
        using var process = Process.GetCurrentProcess();
        string gcs = "";
        (double Wall, double Cpu) Time(Action a)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var pause = GC.GetTotalPauseDuration();
            int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
            var sw = Stopwatch.StartNew();
            a();
            process.Refresh();
            gcs += $" {(GC.GetTotalPauseDuration() - pause).TotalSeconds:F2}s:{GC.CollectionCount(0) - g0}/{GC.CollectionCount(1) - g1}/{GC.CollectionCount(2) - g2}";
            return (sw.Elapsed.TotalSeconds, (process.TotalProcessorTime - cpu).TotalSeconds);
        }
        try
        {
            for (int run = 1; run <= runs; run++)
            {
                GC.Collect();
                gcs = "";
                ReadResult<Engine.Cases.CaseFile>? read = null;
                Doudi.Policy.Periods.PolicyCatalog? catalog = null;
                Engine.Results.CaseResult? result = null;
                var tRead = Time(() =>
                {
                    using var s = new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
                    read = CaseReader.Read(s);
                });
                if (!read!.Ok) { foreach (var p in read.Problems.Take(10)) Console.Error.WriteLine(p); return 2; }
                var tPolicies = Time(() => catalog = Doudi.Policy.Loading.PolicyLoader.LoadDirectory(dir).Catalog);
                var tSettle = Time(() => result = new Engine.Settlement.SettlementEngine(catalog!).SettleCase(read.Value!));
                // The year-end part of settle again on its own (SettleCase runs it after the bills).
                var tYears = Time(() => new Engine.Settlement.SettlementEngine(catalog!).SettleYears(read.Value!, result!.Bills));
                var tCheck = Time(() => { if (ResultWriter.Check(result!).Count > 0) throw new InvalidOperationException("unwritable result"); });
                var tWrite = Time(() =>
                {
                    using var s = new FileStream(output, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
                    ResultWriter.Write(result!, s);
                });
                long outBytes = new FileInfo(output).Length;
                var tCopy = Time(() =>
                {
                    using var s = new FileStream(output, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
                    CaseFileWriter.Write(read.Value!, s);
                });
                int bills = read.Value!.Bills.Count;
                Console.WriteLine($"run {run}: {bills:N0} bills; wall/CPU seconds: read {tRead.Wall:F2}/{tRead.Cpu:F2}, policies {tPolicies.Wall:F2}/{tPolicies.Cpu:F2}, " +
                                  $"settle {tSettle.Wall:F2}/{tSettle.Cpu:F2} (year-end rules alone {tYears.Wall:F2}/{tYears.Cpu:F2}), check {tCheck.Wall:F2}/{tCheck.Cpu:F2}, write result {tWrite.Wall:F2}/{tWrite.Cpu:F2} ({outBytes:N0} B), " +
                                  $"baseline write of the case {tCopy.Wall:F2}/{tCopy.Cpu:F2} ({new FileInfo(output).Length:N0} B); heap {GC.GetTotalMemory(false) / (1 << 20):N0} MiB; GC pause s:gen0/1/2 per phase{gcs}");
            }
        }
        finally
        {
            File.Delete(output);
        }
        return 0;
    }

    private static int RunBdn(string[] args)
    {
        var summary = BenchmarkSwitcher.FromTypes([typeof(SettleBillBenchmark), typeof(SettleCaseBenchmark)]).Run(args.Length == 0 ? ["--filter", "*"] : args);
        return summary.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
    }

    private static string? Opt(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int Int(string[] args, string name, int fallback) =>
        Opt(args, name) is { } v ? int.TryParse(v.Replace("_", ""), out int n) && n > 0 ? n : throw new ArgumentException($"{name}: '{v}' is not a positive whole number") : fallback;

    private static double Double(string[] args, string name, double fallback) =>
        Opt(args, name) is { } v ? double.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out double d) && d is >= 0 and <= 1
            ? d : throw new ArgumentException($"{name}: '{v}' is not a share between 0 and 1") : fallback;
}
