using Doudi.Engine.Settlement;
using Doudi.Server.Settlements;

namespace Doudi.Server.Prevention.Common;

/// <summary>
/// The settlement engine itself, for what the server's calculator interface does not offer (retroactive re-settlement,
/// RetroactiveAssistance.Compute). Loaded once from the same policy folder as the server's engine.
/// </summary>
public sealed class PreventionEngine(EngineHost host)
{
    private readonly Lazy<SettlementEngine?> _engine = new(() =>
    {
        var (catalog, _) = PolicyCatalogLoader.Load(host.PolicyDirectory);
        return catalog is null ? null : new SettlementEngine(catalog);
    });

    public SettlementEngine Engine => _engine.Value ?? throw new SettlementException(
        [new SettlementProblem("policies", "policy files are not loaded: " + string.Join("; ", host.Errors))]);
}
