using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Doudi.Policy.Loading;

/// <summary>One interpretation (I-n) of the register: the project's decision where a seed leaves a choice.</summary>
public sealed record Interpretation(string Id, string Title, DateOnly Adopted, string? Revised, string Decides, IReadOnlyList<string> Clauses, string File, int Line)
{
    /// <summary>
    /// The engine's mechanisms that rest on this decision in every policy (<c>limit_order</c>, <c>rounding</c>,
    /// <c>personal_burden</c>): their trace steps cite it from here, not from a number written in code.
    /// </summary>
    public IReadOnlyList<string> Mechanisms { get; init; } = [];
}

/// <summary>
/// The interpretations register (<c>policies/interpretations.yaml</c>): every I-n a policy file or a trace may cite,
/// in the project's own words, with its dates and the clauses relying on it. A policy file citing a number that is
/// not here is refused.
/// </summary>
public sealed partial class InterpretationRegister
{
    public const string FileName = "interpretations.yaml";
    private readonly Dictionary<string, Interpretation> _byId;

    private readonly Dictionary<string, string> _byMechanism = new(StringComparer.Ordinal);

    private InterpretationRegister(Dictionary<string, Interpretation> byId)
    {
        _byId = byId;
        foreach (var i in byId.Values)
            foreach (var m in i.Mechanisms) _byMechanism.TryAdd(m, i.Id);
    }

    /// <summary>The I-n the engine's <paramref name="mechanism"/> rests on (see <see cref="Interpretation.Mechanisms"/>), or null.</summary>
    public string? ForMechanism(string mechanism) => _byMechanism.GetValueOrDefault(mechanism);

    public static readonly InterpretationRegister Empty = new(new Dictionary<string, Interpretation>(StringComparer.Ordinal));

    public IReadOnlyCollection<Interpretation> All => _byId.Values;
    public bool Contains(string id) => _byId.ContainsKey(id);
    public Interpretation? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>
    /// Numerically ordered ids (I-2 before I-10), the digest's I-n first, then the project's own readings P-n.
    /// </summary>
    public static IEnumerable<string> Ordered(IEnumerable<string> ids) =>
        ids.OrderBy(i => Pattern().Match(i) is { Success: true } m ? m.Groups[1].Value : "~").ThenBy(i => Number(i)).ThenBy(i => i, StringComparer.Ordinal);

    private static int Number(string id) => Pattern().Match(id) is { Success: true } m ? int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : int.MaxValue;

    // I-n: numbered in the policy digest (POLICIES.md). P-n: a reading the project made where the seeds and the digest
    // are silent; its own series, so the digest's list can grow without a collision.
    [GeneratedRegex(@"^(I|P)-([1-9][0-9]{0,3})$")]
    private static partial Regex Pattern();

    public static bool IsWellFormed(string id) => Pattern().IsMatch(id);

    internal static InterpretationRegister Read(string file, string text, List<PolicyError> errors)
    {
        var y = new YamlReading(file, errors);
        var stream = new YamlStream();
        try { stream.Load(new StringReader(text)); }
        catch (YamlDotNet.Core.YamlException e)
        {
            y.Error((int)e.Start.Line, (int)e.Start.Column, $"YAML 格式错误 broken YAML: {e.Message}");
            return Empty;
        }
        var byId = new Dictionary<string, Interpretation>(StringComparer.Ordinal);
        if (stream.Documents.Count != 1 || y.Mapping(stream.Documents[0].RootNode, "登记册 register") is not { } root) return Empty;
        y.OnlyKeys(root, "登记册 register", "interpretations");
        if (y.Get(root, "interpretations") is not YamlSequenceNode entries)
        {
            y.Error(root, "登记册缺少 'interpretations' 列表 (the register needs an 'interpretations' list)");
            return Empty;
        }
        foreach (var node in entries.Children)
        {
            if (y.Mapping(node, "解释 interpretation") is not { } map) continue;
            y.OnlyKeys(map, "解释 interpretation", "id", "title", "adopted", "revised", "decides", "clauses", "mechanisms");
            var id = y.Text(map, "id", true, "解释 interpretation");
            var title = y.Text(map, "title", true, "解释 interpretation");
            var decides = y.Text(map, "decides", true, "解释 interpretation");
            var adopted = y.Date(y.Get(map, "adopted"), "adopted");
            if (adopted is null) y.Error(map, "解释缺少 'adopted' 日期 (missing 'adopted' date)");
            var revised = y.Text(map, "revised", false, "解释 interpretation");
            var clauses = new List<string>();
            if (y.Get(map, "clauses") is { } cl)
            {
                if (cl is YamlSequenceNode seq) clauses.AddRange(seq.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? ""));
                else y.Error(cl, "'clauses' 应为列表 must be a list of \"policy-id cite\"");
            }
            var mechanisms = new List<string>();
            if (y.Get(map, "mechanisms") is { } mech)
            {
                if (mech is YamlSequenceNode seq) mechanisms.AddRange(seq.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? ""));
                else y.Error(mech, "'mechanisms' 应为列表 must be a list of engine mechanisms");
                foreach (var m in mechanisms)
                    if (byId.Values.FirstOrDefault(i => i.Mechanisms.Contains(m)) is { } other)
                        y.Error(mech, $"机制 '{m}' 已由 {other.Id} 决定 (mechanism '{m}' already rests on {other.Id})");
            }
            if (id is null || title is null || decides is null || adopted is null) continue;
            if (!IsWellFormed(id)) { y.Error(map, $"解释编号应为 I-n 或 P-n (an interpretation id is I-n, or P-n for the project's own reading): '{id}'"); continue; }
            if (!byId.TryAdd(id, new Interpretation(id, title, adopted.Value, revised, decides, clauses, file, (int)map.Start.Line) { Mechanisms = mechanisms }))
                y.Error(map, $"重复的解释编号 duplicate interpretation '{id}'");
        }
        return new InterpretationRegister(byId);
    }
}
