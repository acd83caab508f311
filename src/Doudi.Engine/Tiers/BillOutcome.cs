using Doudi.Engine.Tracing;
using Doudi.Policy.Vocabulary;

namespace Doudi.Engine.Tiers;

/// <summary>What settling one bill under one candidate category would pay, before the best candidate is chosen (I-2).</summary>
internal sealed class BillOutcome
{
    public Category? Category;
    public bool LookBack;
    /// <summary>The identity the candidate settles under (its trace step is made for the kept candidate only).</summary>
    public Doudi.Engine.Cases.Identity? Identity;
    public decimal Critical;
    public decimal AssistanceBase;
    public decimal Assistance;
    public decimal Tilted;
    /// <summary>What the bill adds to the ledger: annual-limit buckets, critical-illness running base, deductions used.</summary>
    public readonly List<KeyValuePair<string, decimal>> Counts = new(4);
    public readonly List<TraceStep> Trace = new(8);

    public decimal Benefit => Critical + Assistance + Tilted;

    /// <summary>Empties the outcome for the next bill or candidate (the settler reuses two of them).</summary>
    public BillOutcome Reset()
    {
        Category = null;
        LookBack = false;
        Identity = null;
        Critical = AssistanceBase = Assistance = Tilted = 0m;
        Counts.Clear();
        Trace.Clear();
        return this;
    }

    public void Count(string key, decimal amount)
    {
        if (amount != 0m) Counts.Add(new(key, amount));
    }
}
