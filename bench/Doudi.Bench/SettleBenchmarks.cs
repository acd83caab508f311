using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Doudi.Engine.Cases;
using Doudi.Engine.Settlement;

namespace Doudi.Bench;

/// <summary>
/// The same two measurements under BenchmarkDotNet (in-process toolchain, pinned to one core, memory diagnoser).
/// One operation is one bill: SettleBill over the interleaved four-region workload, SettleCase over one region's case.
/// </summary>
[Config(typeof(Config))]
public class SettleBenchmarks
{
    public const int BillsPerRegion = 25_000;

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithAffinity((IntPtr)(1 << Math.Min(1, Environment.ProcessorCount - 1)))
                .WithWarmupCount(3).WithIterationCount(10).WithLaunchCount(1));
            AddDiagnoser(MemoryDiagnoser.Default);
            WithOptions(ConfigOptions.DisableOptimizationsValidator);
        }
    }

    private Workload _work = null!;
    private SettlementEngine _engine = null!;
    private CaseFile _case = null!;

    [Params("fuyang", "pengshui", "wenzhou", "jiande")]
    public string Region { get; set; } = "fuyang";

    [GlobalSetup]
    public void Setup()
    {
        _work = Workload.Create(BillsPerRegion);
        _engine = new SettlementEngine(_work.Catalog);
        _case = _work.Cases.Single(c => c.Region == Region);
    }

    /// <summary>All four regions interleaved (the Region parameter does not change it).</summary>
    [Benchmark(OperationsPerInvoke = BillsPerRegion * 4)]
    public decimal SettleBill() => Workload.SettleBills(_engine, _work.Calls);

    [Benchmark(OperationsPerInvoke = BillsPerRegion)]
    public int SettleCase() => _engine.SettleCase(_case).Bills.Count;
}
