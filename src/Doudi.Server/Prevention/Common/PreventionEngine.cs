using Doudi.Engine.Settlement;
using Doudi.Server.Settlements;

namespace Doudi.Server.Prevention.Common;

/// <summary>
/// The settlement engine itself, for what the server's calculator interface does not offer (retroactive re-settlement,
/// RetroactiveAssistance.Compute): the one the server loaded at start, from the same policy catalogue.
/// </summary>
public sealed class PreventionEngine(EngineHost host)
{
    public SettlementEngine Engine => host.Engine;
}
