using System.Diagnostics;
using System.Runtime;
using Doudi.Engine.Settlement;

namespace Doudi.Bench;

/// <summary>
/// A Stopwatch harness for the in-process figure: warm-up passes until the JIT has tiered up, then timed passes over
/// the whole workload; reports the median (and min/max) bills per second, bytes allocated per bill and GC counts.
/// Run it pinned to one core (<c>taskset -c 1</c>, as bench/cli-bench.sh does) for the one-core figure.
/// </summary>
public static class Throughput
{
    public static int Run(int billsPerRegion, int warmups, int runs, double engineCriticalShare, string? policies, string only = "all")
    {
        Console.WriteLine($"# in-process settlement throughput");
        Console.WriteLine($"processors visible: {Environment.ProcessorCount}; GC: {(GCSettings.IsServerGC ? "server" : "workstation")}, " +
                          $"{(GCSettings.LatencyMode == GCLatencyMode.Batch ? "non-concurrent" : "concurrent")}; .NET {Environment.Version}");
        var sw = Stopwatch.StartNew();
        var work = Workload.Create(billsPerRegion, engineCriticalShare, policiesDir: policies);
        Console.WriteLine($"workload: {work.TotalBills:N0} bills ({billsPerRegion:N0} per region: {string.Join(", ", CaseGenerator.Regions)}), " +
                          $"{work.Cases.Sum(c => c.Persons.Count):N0} persons; criticalPaid null share (wenzhou, pengshui) {engineCriticalShare:P0}; " +
                          $"generated and read in {sw.Elapsed.TotalSeconds:F1} s");
        var engine = new SettlementEngine(work.Catalog);

        // 1. SettleBill against a ledger (one-stop settlement, as a server calls it).
        Figures? bill = only is "all" or "bill" ? Measure("SettleBill", work.TotalBills, warmups, runs, () => Workload.SettleBills(engine, work.Calls)) : null;

        // 2. SettleCase on each region's whole case (sort, bills, person and household years).
        var perCase = new List<Figures>();
        foreach (var c in work.Cases)
            if (only is "all" or "case") perCase.Add(Measure($"SettleCase {c.Region}", c.Bills.Count, Math.Max(1, warmups - 1), runs, () => engine.SettleCase(c).Bills.Count));
        double caseSeconds = perCase.Sum(f => f.MedianSeconds);
        int caseBills = work.Cases.Sum(c => c.Bills.Count);
        Console.WriteLine();
        double caseCpu = perCase.Sum(f => f.MedianCpuSeconds);
        if (bill is not null) Console.WriteLine($"RESULT SettleBill: {bill.MedianRate:N0} bills/s wall (median of {runs}; min {bill.MinRate:N0}, max {bill.MaxRate:N0}); " +
                          $"{bill.Bills / bill.MedianCpuSeconds:N0} bills per CPU-second; {bill.BytesPerBill:N0} B allocated/bill");
        if (perCase.Count > 0) Console.WriteLine($"RESULT SettleCase (4 regions): {caseBills / caseSeconds:N0} bills/s wall (sum of medians {caseSeconds:F3} s for {caseBills:N0} bills); " +
                          $"{caseBills / caseCpu:N0} bills per CPU-second; {perCase.Sum(f => f.BytesPerBill * f.Bills) / caseBills:N0} B allocated/bill");
        return 0;
    }

    /// <summary>
    /// Wall-clock rates, and the median CPU time of the process (user + system, all threads: GC included) per run:
    /// on a shared machine the wall clock also counts the time the core was given to someone else.
    /// </summary>
    public sealed record Figures(int Bills, double MedianSeconds, double MinRate, double MedianRate, double MaxRate, double BytesPerBill, double MedianCpuSeconds);

    private static Figures Measure<T>(string name, int bills, int warmups, int runs, Func<T> op)
    {
        for (int i = 0; i < warmups; i++)
        {
            var sw = Stopwatch.StartNew();
            op();
            Console.WriteLine($"{name,-22} warm-up {i + 1}: {bills / sw.Elapsed.TotalSeconds,12:N0} bills/s");
        }
        var seconds = new List<double>();
        var cpu = new List<double>();
        using var process = Process.GetCurrentProcess();
        long allocated = 0;
        int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
        for (int i = 0; i < runs; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            long before = GC.GetAllocatedBytesForCurrentThread();
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            op();
            sw.Stop();
            process.Refresh();
            cpu.Add((process.TotalProcessorTime - cpuBefore).TotalSeconds);
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            seconds.Add(sw.Elapsed.TotalSeconds);
            Console.WriteLine($"{name,-22} run {i + 1}:     {bills / sw.Elapsed.TotalSeconds,12:N0} bills/s  ({sw.Elapsed.TotalMilliseconds:F0} ms wall, {cpu[^1] * 1000:F0} ms CPU)");
        }
        seconds.Sort();
        cpu.Sort();
        double median = seconds[seconds.Count / 2];
        var f = new Figures(bills, median, bills / seconds[^1], bills / median, bills / seconds[0], (double)allocated / runs / bills, cpu[cpu.Count / 2]);
        Console.WriteLine($"{name,-22} median:    {f.MedianRate,12:N0} bills/s; {bills / f.MedianCpuSeconds:N0} bills/CPU-s; {f.BytesPerBill:N0} B/bill; " +
                          $"GCs gen0/1/2 {GC.CollectionCount(0) - g0}/{GC.CollectionCount(1) - g1}/{GC.CollectionCount(2) - g2} (incl. forced)");
        return f;
    }
}
