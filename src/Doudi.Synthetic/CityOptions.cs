namespace Doudi.Synthetic;

/// <summary>
/// What to generate. The region's policy (from the policy catalogue) decides the categories and which policy
/// features the data exercises; the sizes decide the scale. The same options and seed always give the same files.
/// </summary>
public sealed record CityOptions
{
    /// <summary>The pooling region whose policies apply (a region of the policy catalogue).</summary>
    public required string Region { get; init; }
    /// <summary>The medical-insurance year of the bills and name lists.</summary>
    public required int Year { get; init; }
    public int Residents { get; init; } = 9_000_000;
    /// <summary>Assistance objects (persons holding an identity at some time in the year), approximately.</summary>
    public int Objects { get; init; } = 250_000;
    /// <summary>Settlement records in the year, approximately (the count is drawn per person).</summary>
    public int Bills { get; init; } = 3_000_000;
    public int Seed { get; init; } = 20261129;
    /// <summary>Townships (乡镇街道); default one per 60,000 residents.</summary>
    public int? Townships { get; init; }
    /// <summary>Designated institutions; default one per 3,000 residents.</summary>
    public int? Institutions { get; init; }
    /// <summary>Bills whose <c>maf_pay</c> is deliberately wrong in the export (listed in planted.csv), for reconciliation tests.</summary>
    public int PlantedErrors { get; init; }
    /// <summary>Write the case file (case.json) for <c>doudi settle</c> besides the national export.</summary>
    public bool WriteCase { get; init; } = true;

    public int TownshipCount => Townships ?? Math.Max(3, Residents / 60_000);
    public int InstitutionCount => Institutions ?? Math.Max(12, Residents / 3_000);
}
