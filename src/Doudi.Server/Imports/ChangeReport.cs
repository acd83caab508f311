namespace Doudi.Server.Imports;

/// <summary>What a name-list batch changed, with the dates each change takes effect (I-1).</summary>
public sealed class ChangeReport
{
    public required string Batch { get; init; }
    public required string Department { get; init; }
    public required string Month { get; init; }
    public required string Region { get; init; }
    public required string Mode { get; init; }
    public bool Repeated { get; set; }
    /// <summary><c>done</c>: the list is applied (a running import answers <see cref="NameListImportStatus"/> instead).</summary>
    public string State { get; set; } = "done";
    public int Rows { get; set; }
    public int Unchanged { get; set; }
    public List<Change> New { get; init; } = [];
    public List<Change> Ended { get; init; } = [];
    public List<Change> Changed { get; init; } = [];
    public List<Change> Updated { get; init; } = [];
    public List<Change> Conflicts { get; init; } = [];

    /// <summary>
    /// The JSON stored for this report when the list was applied, answered as is: a city's first list names every new person
    /// (a 100+ MB string), and serialising it a second time for the answer doubled the import's peak memory.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    internal string? StoredJson { get; set; }
}

public sealed record Change(string Person, string IdNumber, string Name, string? Category, string? PreviousCategory = null,
    DateOnly? Recognized = null, DateOnly? Revoked = null, DateOnly? EffectiveFrom = null, DateOnly? EffectiveTo = null, string? Note = null);
