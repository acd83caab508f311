using Doudi.Engine.Cases;
using Doudi.Engine.Results;
using Doudi.Engine.Settlement;
using Doudi.Policy.Periods;

namespace Doudi.Server.Settlements;

/// <summary>What the server needs of the engine. The real one wraps <see cref="SettlementEngine"/>; tests may not replace it.</summary>
public interface ISettlementCalculator
{
    BillResult SettleBill(string region, Person person, Bill bill, PersonLedger ledger);
    (List<PersonYearResult> Persons, List<HouseholdYearResult> Households) SettleYears(CaseFile file, IReadOnlyList<BillResult> settled);
}

/// <summary>Loads the policy catalog once at start and holds the engine. Not ready (and /ready says why) when policies fail to load.</summary>
public sealed class EngineHost : ISettlementCalculator
{
    private readonly SettlementEngine? _engine;
    /// <summary>The loaded policy catalogue (null when the files failed to load); the policy browser reads it.</summary>
    public PolicyCatalog? Catalog { get; }
    public string? PolicyDirectory { get; }
    public IReadOnlyList<string> Errors { get; }
    public bool Ready => _engine is not null;
    /// <summary>The regions the policy files define — the one list of regions (none when they failed to load).</summary>
    public IReadOnlyList<string> Regions => Catalog?.Regions.ToList() ?? [];
    public bool IsRegion(string region) => Catalog?.HasRegion(region) == true;
    /// <summary>The engine itself, for what <see cref="ISettlementCalculator"/> does not offer (retroactive re-settlement).</summary>
    public SettlementEngine Engine => _engine ?? throw new SettlementException(
        [new SettlementProblem("policies", "policy files are not loaded: " + string.Join("; ", Errors))]);

    public EngineHost(IConfiguration config, ILogger<EngineHost> log)
    {
        PolicyDirectory = config["Doudi:Policies"] ?? Doudi.Policy.Loading.PolicyLocator.FindDefault();
        var (catalog, errors) = PolicyCatalogLoader.Load(PolicyDirectory);
        Errors = errors;
        Catalog = catalog;
        if (catalog is not null) _engine = new SettlementEngine(catalog);
        if (errors.Count > 0) log.LogError("Policy files failed to load from {Dir}: {Errors}", PolicyDirectory, string.Join("; ", errors));
        else log.LogInformation("Policies loaded from {Dir}", PolicyDirectory);
    }

    public BillResult SettleBill(string region, Person person, Bill bill, PersonLedger ledger) => Engine.SettleBill(region, person, bill, ledger);

    public (List<PersonYearResult> Persons, List<HouseholdYearResult> Households) SettleYears(CaseFile file, IReadOnlyList<BillResult> settled)
        => Engine.SettleYears(file, settled);
}
