using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Doudi.Analysis.Reconciliation;

/// <summary>A problem with its place: <c>file:line: message</c> (line 0: the whole file).</summary>
public sealed record PlacedProblem(string File, long Line, string Message)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}: {Message}" : $"{File}: {Message}";
}

/// <summary>
/// How one source's export names its columns: column → field of <see cref="ExportFields"/>, or <c>ignore</c> for a column
/// accepted and not read (e.g. <c>hifdm_pay</c>, <c>othfund_pay</c>, <c>acct_mulaid_pay</c>). A column that the profile
/// does not name is read only when its name is exactly a field; any other column refuses the file (listed, never
/// guessed).
/// </summary>
/// <remarks>
/// <code>
/// profile: zhejiang-warehouse          # required, a name for the reports
/// title: 浙江省医保数据仓库结算表        # optional
/// columns:
///   inscp_amt: inscp_scp_amt
///   cash_payamt: psn_cash_pay
///   med_type: ignore                   # here the name of the medical type
///   med_typecode: med_type             # and here its code
///   hifdm_pay: ignore
/// </code>
/// </remarks>
public sealed class MappingProfile
{
    public required string Name { get; init; }
    public string? Title { get; init; }
    /// <summary>Column (as in the file's header) → field, or <see cref="ExportFields.Ignore"/>.</summary>
    public required IReadOnlyDictionary<string, string> Columns { get; init; }

    /// <summary>The profile of an export in the national names (no column renamed or ignored).</summary>
    public static readonly MappingProfile National = new() { Name = "national", Title = "国家医保信息平台字段名", Columns = new Dictionary<string, string>() };

    public static (MappingProfile? Profile, List<PlacedProblem> Problems) Load(string path) => Parse(path, File.ReadAllText(path));

    public static (MappingProfile? Profile, List<PlacedProblem> Problems) Parse(string file, string text)
    {
        var problems = new List<PlacedProblem>();
        var stream = new YamlStream();
        try { stream.Load(new StringReader(text)); }
        catch (YamlException e)
        {
            problems.Add(new(file, e.Start.Line, $"YAML 格式错误 broken YAML: {e.Message}"));
            return (null, problems);
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            problems.Add(new(file, 1, "应为一个映射文档 expected one YAML mapping"));
            return (null, problems);
        }
        string? name = null, title = null;
        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        var targets = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in root.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value;
            long line = keyNode.Start.Line;
            switch (key)
            {
                case "profile": name = Scalar(value, "profile"); break;
                case "title": title = Scalar(value, "title"); break;
                case "columns":
                    if (value is not YamlMappingNode map) { problems.Add(new(file, line, "columns 应为映射 must be a mapping column: field")); break; }
                    foreach (var (colNode, fieldNode) in map.Children)
                    {
                        var column = (colNode as YamlScalarNode)?.Value;
                        var field = (fieldNode as YamlScalarNode)?.Value;
                        long at = colNode.Start.Line;
                        if (string.IsNullOrWhiteSpace(column) || string.IsNullOrWhiteSpace(field))
                        {
                            problems.Add(new(file, at, "列名和字段名都不能为空 column and field must both be given"));
                            continue;
                        }
                        if (field != ExportFields.Ignore && !ExportFields.All.Contains(field))
                        {
                            problems.Add(new(file, at, $"未知字段 '{field}' unknown field (known: {string.Join(", ", ExportFields.All.Order(StringComparer.Ordinal))}, or ignore)"));
                            continue;
                        }
                        if (field != ExportFields.Ignore && targets.TryGetValue(field, out long first))
                        {
                            problems.Add(new(file, at, $"字段 '{field}' 已由第 {first} 行的列映射 is already mapped at line {first}"));
                            continue;
                        }
                        if (field != ExportFields.Ignore) targets[field] = at;
                        columns[column] = field;
                    }
                    break;
                default:
                    problems.Add(new(file, line, $"未知键 '{key}' unknown key (known: profile, title, columns)"));
                    break;
            }
        }
        if (name is null) problems.Add(new(file, 1, "缺少 profile（名称）missing 'profile' (a name)"));
        return problems.Count > 0 ? (null, problems) : (new MappingProfile { Name = name!, Title = title, Columns = columns }, problems);

        string? Scalar(YamlNode node, string what)
        {
            if (node is YamlScalarNode { Value: { Length: > 0 } v }) return v;
            problems.Add(new(file, node.Start.Line, $"{what} 应为文本 must be text"));
            return null;
        }
    }

    /// <summary>
    /// The field each column of <paramref name="header"/> feeds (null: ignored), or the problems: unmapped columns (all
    /// listed), two columns for one field, required fields missing.
    /// </summary>
    public (string?[] Fields, List<string> Problems) Resolve(IReadOnlyList<string> header)
    {
        var fields = new string?[header.Count];
        var problems = new List<string>();
        var unmapped = new List<string>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < header.Count; i++)
        {
            string column = header[i];
            string? field = Columns.TryGetValue(column, out var mapped) ? mapped : ExportFields.All.Contains(column) ? column : null;
            if (field is null) { unmapped.Add(column); continue; }
            if (field == ExportFields.Ignore) continue;
            if (seen.TryGetValue(field, out var other))
            {
                problems.Add($"列 '{column}' 与列 '{other}' 都对应字段 '{field}' columns '{other}' and '{column}' both give '{field}'; the profile must say which (the other: ignore)");
                continue;
            }
            seen[field] = column;
            fields[i] = field;
        }
        if (unmapped.Count > 0)
            problems.Add($"映射配置 '{Name}' 未说明的列 columns the profile does not map: {string.Join(", ", unmapped)}");
        foreach (var required in ExportFields.Required)
            if (!seen.ContainsKey(required)) problems.Add($"缺少必需字段 '{required}' missing required field");
        return (fields, problems);
    }
}
