using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Doudi.Policy.Loading;

/// <summary>Small helpers that read YAML nodes and report problems with the node's line and column.</summary>
internal sealed class YamlReading(string file, List<PolicyError> errors)
{
    public string File { get; } = file;

    public void Error(YamlNode node, string message) =>
        errors.Add(new PolicyError(File, (int)node.Start.Line, (int)node.Start.Column, message));

    public void Error(int line, int column, string message) => errors.Add(new PolicyError(File, line, column, message));

    /// <summary>The file's one YAML document as a mapping, or null with the problem reported (broken YAML, several documents).</summary>
    public YamlMappingNode? Root(string text)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(text)); }
        catch (YamlDotNet.Core.YamlException e)
        {
            Error((int)e.Start.Line, (int)e.Start.Column, $"YAML 格式错误 broken YAML: {e.Message}");
            return null;
        }
        if (stream.Documents.Count != 1) { Error(1, 1, "一个文件应只有一个文档 one YAML document per file"); return null; }
        return Mapping(stream.Documents[0].RootNode, "文件 file");
    }

    public YamlMappingNode? Mapping(YamlNode node, string what)
    {
        if (node is YamlMappingNode m) return m;
        Error(node, $"{what} 应为映射 must be a mapping");
        return null;
    }

    /// <summary>Reports every key of <paramref name="map"/> that is not in <paramref name="allowed"/>.</summary>
    public void OnlyKeys(YamlMappingNode map, string what, params string[] allowed)
    {
        foreach (var key in map.Children.Keys)
            if (key is not YamlScalarNode s || !allowed.Contains(s.Value))
                Error(key, $"{what} 中的未知键 unknown key '{(key as YamlScalarNode)?.Value}' (allowed: {string.Join(", ", allowed)})");
    }

    public YamlNode? Get(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    public string? Text(YamlMappingNode map, string key, bool required, string what)
    {
        var node = Get(map, key);
        if (node is null || IsNull(node))
        {
            if (required) Error(map, $"{what} 缺少 '{key}' (missing '{key}')");
            return null;
        }
        if (node is YamlScalarNode s && !string.IsNullOrWhiteSpace(s.Value)) return s.Value;
        Error(node, $"'{key}' 应为非空文本 must be non-empty text");
        return null;
    }

    public DateOnly? Date(YamlNode? node, string key)
    {
        if (node is null || IsNull(node)) return null;
        if (node is YamlScalarNode s && DateOnly.TryParseExact(s.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            return d;
        Error(node, $"'{key}' 不是有效日期 is not a date (YYYY-MM-DD): '{(node as YamlScalarNode)?.Value}'");
        return null;
    }

    public bool? Bool(YamlNode? node, string key)
    {
        if (node is null) return null;
        if (node is YamlScalarNode { Value: "true" }) return true;
        if (node is YamlScalarNode { Value: "false" }) return false;
        Error(node, $"'{key}' 应为 true 或 false must be true or false");
        return null;
    }

    public static bool IsNull(YamlNode node) => node is YamlScalarNode { Value: null or "" or "null" or "~" } s && s.Style == YamlDotNet.Core.ScalarStyle.Plain;
}
