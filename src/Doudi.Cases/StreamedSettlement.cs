using System.Collections.Concurrent;
using Doudi.Engine.Cases;
using Doudi.Engine.Results;
using Doudi.Engine.Settlement;

namespace Doudi.Cases;

/// <summary>
/// Settles a case file as it is read and writes each bill's result as soon as it is settled (issue 7, point 6: a
/// city's year of millions of bills in bounded memory). One thread reads and parses the bills, one settles them and then the
/// person-years and household-years from the few facts kept per bill; the calling thread writes the results in the
/// order they come. The output is byte for byte what <see cref="SettlementEngine.SettleCase"/> and
/// <see cref="ResultWriter.Write(CaseResult, Stream, ResultWriterOptions)"/> give: the same results in the same order,
/// settled by the same <see cref="CaseSettlement"/>, written by the same writer.
/// </summary>
/// <remarks>
/// Streaming needs each person's bills in settlement order in the file (I-3: date, then bill id), as an export listed
/// by date has them. When they are not, or when a bill cannot be settled or written, the outcome says so and the caller
/// settles the case whole, which sorts the bills and lists every problem in settlement order as before.
/// </remarks>
public static class StreamedSettlement
{
    /// <param name="Written">the whole result was written to the output</param>
    /// <param name="ReadProblems">the case file's problems (nothing usable was written)</param>
    public sealed record Outcome(bool Written, IReadOnlyList<SettlementProblem> ReadProblems)
    {
        /// <summary>Neither written nor refused: settle the case whole (out of order, or a problem only that path lists in order).</summary>
        public bool SettleWhole => !Written && ReadProblems.Count == 0;
    }

    private const int BatchSize = 512;
    private const int BatchesInFlight = 64;

    /// <summary>Bills as read, with their place in the file.</summary>
    private sealed class BillBatch
    {
        public readonly Bill[] Bills = new Bill[BatchSize];
        public readonly int[] Index = new int[BatchSize];
        public int Count;
    }

    /// <summary>Results in the order they are to be written: bills, then person-years, then household-years.</summary>
    private sealed class Batch
    {
        public readonly object[] Items = new object[BatchSize];
        public int Count;
    }

    /// <summary>The reading side, on its own thread: hands the case over as it is parsed.</summary>
    private sealed class Reader(CancellationToken stop) : ICaseSink
    {
        public readonly BlockingCollection<BillBatch> Batches = new(BatchesInFlight);
        public readonly TaskCompletionSource<(string Region, IReadOnlyList<Person> Persons)?> Started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private BillBatch _batch = new();

        public void Start(string region, IReadOnlyList<Person> persons) => Started.TrySetResult((region, persons));

        public void Bill(Bill bill, int index)
        {
            _batch.Bills[_batch.Count] = bill;
            _batch.Index[_batch.Count++] = index;
            if (_batch.Count == BatchSize)
            {
                Batches.Add(_batch, stop);
                _batch = new BillBatch();
            }
        }

        public void End()
        {
            try
            {
                if (_batch.Count > 0 && !stop.IsCancellationRequested) Batches.Add(_batch, stop);
            }
            catch (OperationCanceledException) { }
            finally
            {
                Batches.CompleteAdding();
                Started.TrySetResult(null);
            }
        }
    }

    /// <summary>The settling side, on its own thread: settles the bills as they come, then the years; hands results over.</summary>
    private sealed class Settler(CancellationToken stop)
    {
        public readonly BlockingCollection<Batch> Batches = new(BatchesInFlight);
        private Batch _batch = new();
        /// <summary>Settled and handed over to the end, years included.</summary>
        public volatile bool Complete;

        public void Run(SettlementEngine engine, Reader reader, Task<IReadOnlyList<SettlementProblem>> reading)
        {
            try
            {
                if (reader.Started.Task.GetAwaiter().GetResult() is not { } start) return;
                var settlement = engine.StartCase(start.Region, start.Persons);
                if (settlement.Problems.Count > 0) return;
                foreach (var batch in reader.Batches.GetConsumingEnumerable(stop))
                    for (int k = 0; k < batch.Count; k++)
                    {
                        // Out of its person's order, or a bill's problem: the whole-case path settles and lists them.
                        if (settlement.Settle(batch.Bills[k], batch.Index[k]) is not { } result) return;
                        Add(result);
                    }
                // The years only for a case read without problems (they are the outcome then).
                if (reading.GetAwaiter().GetResult().Count > 0) return;
                settlement.SettleYears(Add, Add);
                Complete = true;
            }
            catch (Exception ex) when (ex is SettlementException or OperationCanceledException)
            {
                // An unknown region or a year's problem: the whole-case path lists them.
            }
            finally
            {
                End();
            }
        }

        private void Add(object result)
        {
            _batch.Items[_batch.Count++] = result;
            if (_batch.Count == BatchSize)
            {
                Batches.Add(_batch, stop);
                _batch = new Batch();
            }
        }

        private void End()
        {
            try
            {
                if (_batch.Count > 0 && !stop.IsCancellationRequested) Batches.Add(_batch, stop);
            }
            catch (OperationCanceledException) { }
            finally
            {
                Batches.CompleteAdding();
            }
        }
    }

    public static Outcome Settle(SettlementEngine engine, Stream input, Stream output, ResultWriterOptions options)
    {
        using var stop = new CancellationTokenSource();
        var reader = new Reader(stop.Token);
        var settler = new Settler(stop.Token);
        var reading = Task.Factory.StartNew<IReadOnlyList<SettlementProblem>>(() =>
        {
            try
            {
                return CaseReader.Read(input, reader);
            }
            catch (OperationCanceledException)
            {
                return [];
            }
            finally
            {
                reader.End();
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var settling = Task.Factory.StartNew(() =>
        {
            try
            {
                settler.Run(engine, reader, reading);
            }
            finally
            {
                // Nothing more will be settled: the reader need not go on (unless the outcome is its problems).
                if (!settler.Complete && !reading.IsCompleted) stop.Cancel();
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        bool written = false;
        try
        {
            written = Write(settler, output, options);
        }
        finally
        {
            // The other threads stop at their next hand-over (or wherever they wait for room in a queue).
            if (!written) stop.Cancel();
        }
        settling.GetAwaiter().GetResult();
        var problems = reading.GetAwaiter().GetResult();
        if (problems.Count > 0) return new Outcome(false, problems);
        return new Outcome(written && settler.Complete, []);
    }

    private static bool Write(Settler settler, Stream output, ResultWriterOptions options)
    {
        using var writer = ResultOutput.Create(output, options);
        try
        {
            foreach (var batch in settler.Batches.GetConsumingEnumerable())
                for (int k = 0; k < batch.Count; k++)
                {
                    switch (batch.Items[k])
                    {
                        case BillResult bill:
                            if (!ResultWriter.Writable(bill)) return false;
                            writer.Bill(bill);
                            break;
                        case PersonYearResult person:
                            writer.Person(person);
                            break;
                        case HouseholdYearResult household:
                            writer.Household(household);
                            break;
                    }
                }
        }
        catch (InvalidOperationException)
        {
            // An amount the writer cannot carry: the whole-case path lists them.
            return false;
        }
        if (!settler.Complete) return false;
        writer.End();
        return true;
    }
}
