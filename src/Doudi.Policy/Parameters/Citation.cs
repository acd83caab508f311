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
    public string Rule { get; }

    public override string ToString() => Rule;
}

/// <summary>A parameter value together with its citation.</summary>
public readonly record struct Cited<T>(T Value, Citation Cite);
