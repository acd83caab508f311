using System.Collections.Concurrent;
using Doudi.Engine.Cases;
using Doudi.Engine.Results;
using Doudi.Engine.Settlement;

namespace Doudi.Cases;

/// <summary>
/// Settles a case file as it is read and writes each bill's result as soon as it is settled (issue 7, point 6: a
/// city's year of millions of bills in bounded memory). One thread reads, parses and settles the bills, then the
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

    /// <summary>Results in the order they are to be written: bills, then person-years, then household-years.</summary>
    private sealed class Batch
    {
        public readonly object[] Items = new object[BatchSize];
        public int Count;
    }

    /// <summary>The settling side, on its own thread: receives the case from the reader, settles, hands batches over.</summary>
    private sealed class Settler(SettlementEngine engine, CancellationToken stop) : ICaseSink
    {
        public readonly BlockingCollection<Batch> Batches = new(BatchesInFlight);
        private Batch _batch = new();
        private CaseSettlement? _settlement;
        /// <summary>Settled and handed over to the end, years included.</summary>
        public volatile bool Complete;

        public void Start(string region, IReadOnlyList<Person> persons)
        {
            try
            {
                _settlement = engine.StartCase(region, persons);
            }
            catch (SettlementException)
            {
                throw new Abandoned();
            }
            if (_settlement.Problems.Count > 0) throw new Abandoned();
        }

        public void Bill(Bill bill, int index)
        {
            if (_settlement!.Settle(bill, index) is not { } result) throw new Abandoned();
            Add(result);
        }

        public void Years()
        {
            if (_settlement is null) return;
            try
            {
                _settlement.SettleYears(Add, Add);
            }
            catch (SettlementException)
            {
                return; // the whole-case path lists a year's problems
            }
            Complete = true;
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
            }
        }
    }

    /// <summary>Thrown through the reader to stop it: the case is to be settled whole instead.</summary>
    private sealed class Abandoned : Exception;

    public static Outcome Settle(SettlementEngine engine, Stream input, Stream output, ResultWriterOptions options)
    {
        using var stop = new CancellationTokenSource();
        var settler = new Settler(engine, stop.Token);
        var settling = Task.Factory.StartNew(() =>
        {
            try
            {
                var problems = CaseReader.Read(input, settler);
                if (problems.Count == 0) settler.Years();
                return problems;
            }
            catch (Exception ex) when (ex is Abandoned or OperationCanceledException)
            {
                return [];
            }
            finally
            {
                settler.End();
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        bool written = false;
        try
        {
            written = Write(settler, output, options);
        }
        finally
        {
            // The settling thread stops at its next result (or wherever it waits for room in the queue).
            if (!written) stop.Cancel();
        }
        var problems = settling.GetAwaiter().GetResult();
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
