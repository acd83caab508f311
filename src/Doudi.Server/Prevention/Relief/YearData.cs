using Doudi.Engine.Tracing;

namespace Doudi.Server.Prevention.Relief;

/// <summary>
/// A region's stored cost year is read by the one loader, <see cref="Settlements.StoredYear"/> (its chunks are
/// <see cref="Settlements.YearData"/>); what is left here is how a relief report shows a trace step.
/// </summary>
public static class YearDataLoader
{
    /// <summary>A trace step as one line a person can read: rule, arithmetic, interpretation.</summary>
    public static string Line(TraceStep t) => $"{t.Step} {t.Amount:0.00}：{t.Detail}（{t.Rule}{(t.Interpretation is null ? "" : "；" + t.Interpretation)}）";
}
