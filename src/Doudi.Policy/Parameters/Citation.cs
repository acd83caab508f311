namespace Doudi.Policy.Parameters;

/// <summary>
/// Where a parameter comes from: the policy file, the document number and article, and the interpretation
/// (I-n) the clause relies on. <see cref="Rule"/> is what a trace step prints.
/// </summary>
public sealed class Citation
{
    public Citation(string policyId, string document, string article, string? interpretation, bool carriedForward, bool sample, string file, int line)
    {
        PolicyId = policyId; Document = document; Article = article; Interpretation = interpretation;
        CarriedForward = carriedForward; Sample = sample; File = file; Line = line;
        var rule = $"{document} {article}";
        if (carriedForward) rule += " (已失效条款延续适用 lapsed provision carried forward, I-17)";
        if (sample) rule += " (样例参数 sample value, I-11)";
        Rule = rule;
    }

    public string PolicyId { get; }
    public string Document { get; }
    public string Article { get; }
    public string? Interpretation { get; }
    public bool CarriedForward { get; }
    public bool Sample { get; }
    public string File { get; }
    public int Line { get; }
    public string Rule { get; private set; }
    /// <summary>Where a value the seed leaves open comes from (a local parameter file, I-10); null for the seed's own values.</summary>
    public Citation? Local { get; private init; }

    /// <summary>This clause's citation with a local value beside it: the seed's clause first, then the local source.</summary>
    public Citation WithLocal(Citation local) =>
        new(PolicyId, Document, Article, Interpretation, CarriedForward, Sample, File, Line, $"；本地参数 local value: {local.Document} {local.Article}")
        { Local = local };

    private Citation(string policyId, string document, string article, string? interpretation, bool carriedForward, bool sample, string file, int line, string suffix)
        : this(policyId, document, article, interpretation, carriedForward, sample, file, line) => Rule += suffix;

    public override string ToString() => Rule;
}

/// <summary>A parameter value together with its citation.</summary>
public readonly record struct Cited<T>(T Value, Citation Cite);
