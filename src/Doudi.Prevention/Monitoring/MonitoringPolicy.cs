using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Common;
using YamlDotNet.RepresentationModel;

namespace Doudi.Prevention.Monitoring;

/// <summary>Which year total a rule looks at (POLICIES.md glossary and I-14).</summary>
public enum Measure { InPolicyPersonalBurden, PersonalBurden, CashPayment }

public enum Comparison { AtLeast, GreaterThan }

/// <summary>A threshold: a fixed amount, a share of a regional statistic of a year relative to the evaluated one, or missing.</summary>
public sealed record Threshold(decimal? Fixed, Statistic? Statistic, int YearOffset, decimal Ratio, bool IsMissing)
{
    public static Threshold Missing => new(null, null, 0, 1, true);
}

public sealed record RuleScope(bool? AssistanceObject, IReadOnlySet<InsuranceType>? Insurance)
{
    public bool Matches(PersonYear p) =>
        (AssistanceObject is null || AssistanceObject == p.AssistanceObject) &&
        (Insurance is null || Insurance.Contains(p.Insurance));
}

public sealed record MonitoringRule(string Id, string Cite, string Text, RuleScope AppliesTo, Measure Measure, Comparison Comparison, Threshold Threshold);

public sealed record MonitoringPolicy(
    string Id, string Region, string Document, string Title, DateOnly From,
    string SelfApplicationCite, IReadOnlyList<MonitoringRule> Rules)
{
    public static IReadOnlyList<string> BuiltInIds { get; } = ["fuyang-2023", "jiande-2024", "wenzhou-2022", "pengshui-2023"];

    public static MonitoringPolicy BuiltIn(string id) => Parse(BuiltInData.Read($"policies/monitoring/{id}.yaml"));

    public static MonitoringPolicy Parse(string yaml)
    {
        var root = YamlNodes.ParseRoot(yaml, "监测规则 monitoring policy");
        var id = root.Req("id", "monitoring policy");
        var rules = root.Seq("rules").Cast<YamlMappingNode>().Select(r => ParseRule(id, r)).ToArray();
        return new MonitoringPolicy(id, root.Req("region", id), root.Req("document", id), root.Str("title") ?? "",
            YamlNodes.Date(root.Req("from", id), $"{id} from"), root.Map("self_application")?.Str("cite") ?? root.Req("document", id), rules);
    }

    private static MonitoringRule ParseRule(string policy, YamlMappingNode r)
    {
        var rid = r.Req("id", policy);
        var what = $"{policy}/{rid}";
        var scopeMap = r.Map("applies_to") ?? new YamlMappingNode();
        bool? ao = scopeMap.Str("assistance_object") switch { "true" => true, "false" => false, _ => null };
        var ins = scopeMap.Get("insurance") is YamlSequenceNode s
            ? s.Children.Select(c => Parse<InsuranceType>(((YamlScalarNode)c).Value, what)).ToHashSet()
            : null;
        return new MonitoringRule(rid, r.Req("cite", what), r.Str("text") ?? "", new RuleScope(ao, ins),
            Parse<Measure>(r.Req("measure", what), what), Parse<Comparison>(r.Req("comparison", what), what),
            ParseThreshold(r.Get("threshold"), what));
    }

    private static Threshold ParseThreshold(YamlNode? node, string what)
    {
        if (node is null || node.IsMissing()) return Threshold.Missing;
        if (node is YamlScalarNode) return new Threshold(YamlNodes.DecimalOrMissing(node, what), null, 0, 1, false);
        var m = (YamlMappingNode)node;
        int offset = m.Str("year") switch { "previous" => -1, "current" => 0, null => -1, var o => int.Parse(o) };
        var ratio = YamlNodes.DecimalOrMissing(m.Get("ratio"), $"{what} ratio");
        if (ratio is null) return Threshold.Missing;
        return new Threshold(null, Parse<Statistic>(m.Req("statistic", what), what), offset, ratio.Value, false);
    }

    private static T Parse<T>(string? code, string what) where T : struct, Enum =>
        Codes.TryParse<T>(code, out var v) ? v
            : throw new PreventionException("code_unknown", $"{what}：未知代码 {code}", $"{what}: unknown code {code}");
}
