using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Doudi.Prevention.Common;

/// <summary>
/// Small helpers over YamlDotNet's node model. The data files use the literal word <c>missing</c> for a number the
/// source does not give; these helpers keep that distinct from zero so nothing downstream can mistake one for the other.
/// </summary>
internal static class YamlNodes
{
    public const string Missing = "missing";

    public static YamlMappingNode ParseRoot(string yaml, string what)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(yaml)); }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new PreventionException("yaml_invalid", $"{what} 格式错误：{e.Message}", $"{what} is not valid YAML: {e.Message}");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new PreventionException("yaml_invalid", $"{what} 为空或不是映射", $"{what} is empty or not a mapping");
        return root;
    }

    public static YamlNode? Get(this YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    public static string? Str(this YamlMappingNode map, string key) => (map.Get(key) as YamlScalarNode)?.Value;

    public static string Req(this YamlMappingNode map, string key, string what) =>
        map.Str(key) ?? throw new PreventionException("yaml_field_missing", $"{what} 缺少字段 {key}", $"{what} lacks the field {key}");

    public static YamlMappingNode? Map(this YamlMappingNode map, string key) => map.Get(key) as YamlMappingNode;

    public static IEnumerable<YamlNode> Seq(this YamlMappingNode map, string key) =>
        map.Get(key) is YamlSequenceNode s ? s.Children : Enumerable.Empty<YamlNode>();

    public static IEnumerable<(string Key, YamlNode Value)> Pairs(this YamlMappingNode map) =>
        map.Children.Select(kv => (((YamlScalarNode)kv.Key).Value ?? "", kv.Value));

    public static bool IsMissing(this YamlNode? node) => node is YamlScalarNode s && s.Value == Missing;

    /// <summary>A decimal, or null when the file says <c>missing</c>. Anything else unreadable is an error, never a zero.</summary>
    public static decimal? DecimalOrMissing(YamlNode? node, string what)
    {
        if (node is null || node.IsMissing()) return null;
        if (node is YamlScalarNode s && decimal.TryParse(s.Value, NumberStyles.Number, CultureInfo.InvariantCulture, out var d)) return d;
        throw new PreventionException("yaml_number_invalid", $"{what} 不是数字：{node}", $"{what} is not a number: {node}");
    }

    public static DateOnly Date(string text, string what) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : throw new PreventionException("yaml_date_invalid", $"{what} 不是日期（yyyy-MM-dd）：{text}", $"{what} is not a date (yyyy-MM-dd): {text}");

    public static bool Bool(this YamlMappingNode map, string key) => map.Str(key) is "true" or "yes";
}
