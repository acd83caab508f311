using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Doudi.Engine.Cases;
using Doudi.Engine.Settlement;

namespace Doudi.Bench;

/// <summary>
/// The in-process measurements under BenchmarkDotNet: in-process toolchain (no child project to build), pinned to
/// one core, memory diagnoser. One operation is one bill, so "Mean" is the time per bill and 1 s / Mean the bills
/// per second.
/// </summary>
public sealed class BenchConfig : ManualConfig
{
    public BenchConfig()
    {
        // DOUDI_BENCH_SMOKE=1 (bench/smoke.sh, run by CI): one iteration, so the command is known to run, not to measure.
        var job = Environment.GetEnvironmentVariable("DOUDI_BENCH_SMOKE") == "1"
            ? Job.Dry.WithToolchain(InProcessEmitToolchain.Instance)
            : Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(10).WithLaunchCount(1);
        AddJob(job.WithAffinity((IntPtr)(1 << Math.Min(1, Environment.ProcessorCount - 1))));
        AddDiagnoser(MemoryDiagnoser.Default);
        WithOptions(ConfigOptions.DisableOptimizationsValidator);
    }
}

/// <summary>SettleBill against a person's ledger, over the four regions' bills interleaved (as a server calls it).</summary>
[Config(typeof(BenchConfig))]
public class SettleBillBenchmark
{
    public const int BillsPerRegion = 25_000;
    private Workload _work = null!;
    private SettlementEngine _engine = null!;

    [GlobalSetup]
    public void Setup()
    {
        _work = Workload.Create(BillsPerRegion);
        _engine = new SettlementEngine(_work.Catalog);
    }

    [Benchmark(OperationsPerInvoke = BillsPerRegion * 4)]
    public decimal SettleBill() => Workload.SettleBills(_engine, _work.Calls);
}

/// <summary>SettleCase on one region's whole generated case (bills, then person and household years).</summary>
[Config(typeof(BenchConfig))]
public class SettleCaseBenchmark
{
    public const int Bills = 25_000;
    private SettlementEngine _engine = null!;
    private CaseFile _case = null!;

    [Params("fuyang", "pengshui", "wenzhou", "jiande")]
    public string Region { get; set; } = "fuyang";

    [GlobalSetup]
    public void Setup()
    {
        var work = Workload.Create(Bills);
        _engine = new SettlementEngine(work.Catalog);
        _case = work.Cases.Single(c => c.Region == Region);
    }

    [Benchmark(OperationsPerInvoke = Bills)]
    public int SettleCase() => _engine.SettleCase(_case).Bills.Count;
}
