using Doudi.Policy.Parameters;

namespace Doudi.Policy.Loading;

/// <summary>A problem in a policy file, with its place.</summary>
public sealed record PolicyError(string File, int Line, int Column, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}

public sealed class PolicyLoadResult
{
    public PolicyLoadResult(Periods.PolicyCatalog? catalog, IReadOnlyList<PolicyError> errors, int files)
    { Catalog = catalog; Errors = errors; Files = files; }
    public Periods.PolicyCatalog? Catalog { get; }
    public IReadOnlyList<PolicyError> Errors { get; }
    public int Files { get; }
    public bool Ok => Errors.Count == 0 && Catalog is not null;
}

/// <summary>One policy file as read: a document and its clauses in the document's order.</summary>
public sealed class PolicyDocument
{
    public required string Id { get; init; }
    public required string Region { get; init; }
    public required string Title { get; init; }
    public required string Document { get; init; }
    public string? Seed { get; init; }
    public required DateOnly From { get; init; }
    public DateOnly To { get; init; } = DateOnly.MaxValue;
    public required string Cite { get; init; }
    public IReadOnlyList<string> Amends { get; init; } = [];
    /// <summary>
    /// A local parameter file: the documents whose open values (<c>missing</c> in the seed, I-10) it fills. It fills
    /// exactly the parameters and dates it names; it is never a policy of its own and never extends a period.
    /// </summary>
    public IReadOnlyList<string> Fills { get; init; } = [];
    public bool IsLocal => Fills.Count > 0;
    public bool Sample { get; init; }
    public IReadOnlyDictionary<string, string> Interpretations { get; init; } = new Dictionary<string, string>();
    public required IReadOnlyList<Clause> Clauses { get; init; }
    public required string File { get; init; }
    public int Line { get; init; }
}

/// <summary>A clause: the text it implements, its citation and dates, and the parameters it sets.</summary>
public sealed class Clause
{
    public required string Cite { get; init; }
    public string? Text { get; init; }
    public required DateOnly From { get; init; }
    public required DateOnly To { get; init; }
    public string? Interpretation { get; init; }
    /// <summary>The document a carried-forward clause comes from (I-17); null when the clause is the file's own.</summary>
    public string? Source { get; init; }
    public bool CarriedForward { get; init; }
    public required IReadOnlyList<Setting> Settings { get; init; }
    public required Citation Citation { get; init; }
    public int Line { get; init; }
}

/// <summary>One parameter set by a clause: a key from <see cref="ParameterSchema"/> and its typed value.</summary>
public sealed record Setting(string Key, ParameterKind Kind, object Value, int Line, int Column);
