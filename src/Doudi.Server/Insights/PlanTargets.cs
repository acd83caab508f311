using System.Globalization;
using System.Reflection;
using YamlDotNet.RepresentationModel;

namespace Doudi.Server.Insights;

/// <summary>A target a plan sets for a figure (policies/targets/*.yaml): the measure, at least/at most, the share, and its clause.</summary>
public sealed record PlanTarget(string Policy, string Region, string Measure, string Comparison, decimal Value, string Cite, string Text)
{
    public bool Met(decimal actual) => Comparison == "at_least" ? actual >= Value : actual <= Value;
}

/// <summary>
/// The plans' targets, read once from the files built into the server. A file with an unknown key, measure or
/// comparison fails the start with its file and line, like every policy file.
/// </summary>
public static class PlanTargets
{
    public static readonly string[] Measures = ["coverage_rate", "burden_rate", "institution_self_pay_rate"];
    private static readonly string[] Comparisons = ["at_least", "at_most"];
    private static readonly string[] TargetKeys = ["measure", "comparison", "value", "cite", "text"];
    private static readonly string[] RootKeys = ["id", "region", "document", "targets"];

    public static IReadOnlyList<PlanTarget> All { get; } = Load();

    public static IEnumerable<PlanTarget> Of(string? region) => All.Where(t => region is null || t.Region == region);

    private static List<PlanTarget> Load()
    {
        var asm = Assembly.GetExecutingAssembly();
        var list = new List<PlanTarget>();
        foreach (var name in asm.GetManifestResourceNames().Where(n => n.StartsWith("policies/targets/", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var reader = new StreamReader(asm.GetManifestResourceStream(name)!);
            list.AddRange(Parse(reader.ReadToEnd(), name));
        }
        return list;
    }

    public static IEnumerable<PlanTarget> Parse(string yaml, string file)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        Known(root, RootKeys, file);
        var id = Str(root, "id", file);
        var region = Str(root, "region", file);
        foreach (var node in ((YamlSequenceNode)root.Children[new YamlScalarNode("targets")]).Children.Cast<YamlMappingNode>())
        {
            Known(node, TargetKeys, file);
            var measure = Str(node, "measure", file);
            var comparison = Str(node, "comparison", file);
            if (!Measures.Contains(measure)) throw Bad(file, node, $"unknown measure '{measure}'");
            if (!Comparisons.Contains(comparison)) throw Bad(file, node, $"unknown comparison '{comparison}'");
            if (!decimal.TryParse(Str(node, "value", file), NumberStyles.Number, CultureInfo.InvariantCulture, out var value) || value <= 0 || value > 1)
                throw Bad(file, node, "value must be a share between 0 and 1");
            yield return new PlanTarget(id, region, measure, comparison, value, Str(node, "cite", file), Str(node, "text", file));
        }
    }

    private static void Known(YamlMappingNode node, string[] keys, string file)
    {
        foreach (var k in node.Children.Keys)
            if (!keys.Contains(((YamlScalarNode)k).Value)) throw Bad(file, k, $"unknown key '{k}'");
    }

    private static string Str(YamlMappingNode node, string key, string file) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlScalarNode { Value: { Length: > 0 } s } ? s : throw Bad(file, node, $"'{key}' is required");

    private static InvalidDataException Bad(string file, YamlNode node, string message) =>
        new($"{file}:{node.Start.Line}:{node.Start.Column}: {message}");
}
