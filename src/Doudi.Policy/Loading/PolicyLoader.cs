using System.Globalization;
using Doudi.Policy.Parameters;
using Doudi.Policy.Periods;
using YamlDotNet.RepresentationModel;
using ValueType = Doudi.Policy.Parameters.ValueType;

namespace Doudi.Policy.Loading;

/// <summary>
/// Reads policy files and rejects bad ones with file and line: unknown keys, bad dates, overlapping or
/// gapped date ranges, ratios outside 0..1, missing citations. Only a wholly valid set becomes a catalog.
/// </summary>
public static class PolicyLoader
{
    /// <summary>
    /// Loads <c>DIR/*.yaml</c> (one file per document), <c>DIR/local/*.yaml</c> (the bureau's local parameter
    /// files) and the <c>*.yaml</c> of each extra folder (e.g. <c>policies/samples</c> in tests); in each of these
    /// folders also the prevention definitions under <c>monitoring/</c>, <c>premium/</c> and <c>relief/</c>.
    /// </summary>
    public static PolicyLoadResult LoadDirectory(string dir, params string[] extraDirs) => LoadDirectory(dir, extraDirs, []);

    /// <summary>As above, plus single files loaded with them (a reform overlay: a document that amends one of the folder's).</summary>
    public static PolicyLoadResult LoadDirectory(string dir, string[] extraDirs, string[] extraFiles)
    {
        var files = new List<string>();
        foreach (var d in new[] { dir, Path.Combine(dir, "local") }.Concat(extraDirs))
        {
            if (Directory.Exists(d)) files.AddRange(Directory.EnumerateFiles(d, "*.yaml").OrderBy(f => f, StringComparer.Ordinal)
                .Where(f => d == dir || Path.GetFileName(f) != InterpretationRegister.FileName)
                .Concat(PreventionFileReader.Folders.SelectMany<string, string>(k => Directory.Exists(Path.Combine(d, k))
                    ? Directory.EnumerateFiles(Path.Combine(d, k), "*.yaml").OrderBy(f => f, StringComparer.Ordinal) : [])));
            else if (d != Path.Combine(dir, "local"))
                return new PolicyLoadResult(null, [new PolicyError(d, 0, 0, "目录不存在 folder not found")], 0);
        }
        foreach (var f in extraFiles)
        {
            if (!File.Exists(f)) return new PolicyLoadResult(null, [new PolicyError(f, 0, 0, "文件不存在 file not found")], 0);
            files.Add(f);
        }
        return LoadTexts(files.Select(f => (Path.GetRelativePath(Directory.GetCurrentDirectory(), f), File.ReadAllText(f))));
    }

    /// <summary>
    /// Loads policy texts given as (file name, content) pairs. A file named <c>interpretations.yaml</c> is the
    /// interpretations register; every I-n the policy files cite must be in it (without one, none may be cited).
    /// </summary>
    public static PolicyLoadResult LoadTexts(IEnumerable<(string File, string Text)> texts)
    {
        var errors = new List<PolicyError>();
        var documents = new List<PolicyDocument>();
        var all = texts.ToList();
        var register = InterpretationRegister.Empty;
        foreach (var (file, text) in all)
            if (Path.GetFileName(file) == InterpretationRegister.FileName)
                register = InterpretationRegister.Read(file, text, errors);
        var definitions = new List<PreventionFileReader.Pending>();
        int count = 0;
        foreach (var (file, text) in all)
        {
            count++;
            if (Path.GetFileName(file) == InterpretationRegister.FileName) continue;
            if (PreventionFileReader.KindOf(file) is { } kind)
            {
                if (PreventionFileReader.Read(kind, file, text, errors) is { } definition) definitions.Add(definition);
                continue;
            }
            var doc = ReadDocument(file, text, errors, register);
            if (doc is not null) documents.Add(doc);
        }
        if (errors.Count > 0) return new PolicyLoadResult(null, errors, count);
        var catalog = PolicyCompiler.Compile(documents, errors, register);
        if (errors.Count == 0) PreventionFileReader.Attach(catalog, definitions, errors);
        return new PolicyLoadResult(errors.Count == 0 ? catalog : null, errors, count);
    }

    private static readonly string[] DocumentKeys =
        ["id", "region", "title", "document", "seed", "period", "cite", "amends", "fills", "sample", "interpretations", "clauses"];
    private static readonly string[] ClauseKeys = ["cite", "text", "note", "from", "to", "interpretation", "source", "carriedForward", "set"];

    private static PolicyDocument? ReadDocument(string file, string text, List<PolicyError> errors, InterpretationRegister register)
    {
        var y = new YamlReading(file, errors);
        var root = y.Root(text);
        if (root is null) return null;
        int before = errors.Count;
        y.OnlyKeys(root, "文件 file", DocumentKeys);

        var id = y.Text(root, "id", true, "文件 file");
        var region = y.Text(root, "region", true, "文件 file");
        var title = y.Text(root, "title", true, "文件 file");
        var document = y.Text(root, "document", true, "文件 file");
        var cite = y.Text(root, "cite", true, "文件 file");
        var sample = y.Bool(y.Get(root, "sample"), "sample") ?? false;

        DateOnly? from = null, to = null;
        if (y.Get(root, "period") is { } periodNode && y.Mapping(periodNode, "period") is { } period)
        {
            y.OnlyKeys(period, "period", "from", "to");
            from = y.Date(y.Get(period, "from"), "period.from");
            if (from is null) y.Error(period, "period 缺少 from (missing 'from')");
            to = y.Date(y.Get(period, "to"), "period.to");
            if (from is not null && to is not null && to < from) y.Error(period, "period.to 早于 period.from (ends before it starts)");
        }
        else if (y.Get(root, "period") is null) y.Error(root, "文件缺少 'period' (missing 'period')");

        var amends = new List<string>();
        if (y.Get(root, "amends") is { } amendsNode)
        {
            if (amendsNode is YamlSequenceNode seq) amends.AddRange(seq.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? ""));
            else y.Error(amendsNode, "'amends' 应为列表 must be a list of policy ids");
        }

        var fills = new List<string>();
        if (y.Get(root, "fills") is { } fillsNode)
        {
            if (fillsNode is YamlSequenceNode seq) fills.AddRange(seq.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? ""));
            else y.Error(fillsNode, "'fills' 应为列表 must be a list of policy ids whose open values this file fills (I-10)");
            if (amends.Count > 0) y.Error(fillsNode, "本地参数文件不能同时 amends a local parameter file fills open values; it does not amend a document");
        }

        var interpretations = new Dictionary<string, string>();
        if (y.Get(root, "interpretations") is { } interpNode && y.Mapping(interpNode, "interpretations") is { } interp)
            foreach (var (k, v) in interp.Children)
            {
                var key = ((YamlScalarNode)k).Value ?? "";
                if (!register.Contains(key)) y.Error(k, NotInRegister(key));
                interpretations[key] = (v as YamlScalarNode)?.Value ?? "";
            }

        var clauses = new List<Clause>();
        if (y.Get(root, "clauses") is not YamlSequenceNode clauseNodes) { y.Error(root, "文件缺少 'clauses' 列表 (missing 'clauses' list)"); }
        else if (id is not null && document is not null && from is not null)
        {
            foreach (var node in clauseNodes.Children)
            {
                var clause = ReadClause(y, node, id, document, from.Value, to ?? DateOnly.MaxValue, sample, register);
                if (clause is not null) clauses.Add(clause);
            }
        }

        if (errors.Count > before || id is null || region is null || title is null || document is null || cite is null || from is null)
            return null;
        return new PolicyDocument
        {
            Id = id, Region = region, Title = title, Document = document, Seed = y.Text(root, "seed", false, "文件 file"),
            From = from.Value, To = to ?? DateOnly.MaxValue, Cite = cite, Amends = amends, Fills = fills, Sample = sample,
            Interpretations = interpretations, Clauses = clauses, File = file, Line = (int)root.Start.Line,
        };
    }

    private static string NotInRegister(string id) =>
        $"解释 '{id}' 不在解释登记册中 interpretation '{id}' is not in the register ({InterpretationRegister.FileName})";

    private static Clause? ReadClause(YamlReading y, YamlNode node, string policyId, string document, DateOnly docFrom, DateOnly docTo, bool sample,
        InterpretationRegister register)
    {
        var map = y.Mapping(node, "条款 clause");
        if (map is null) return null;
        y.OnlyKeys(map, "条款 clause", ClauseKeys);
        var cite = y.Text(map, "cite", false, "条款 clause");
        if (cite is null) y.Error(map, "条款缺少出处 clause has no citation ('cite': article of the document)");
        if (y.Get(map, "text") is null && y.Get(map, "note") is null)
            y.Error(map, "条款缺少原文或说明 clause needs 'text' (the words it implements) or 'note'");
        var text = y.Text(map, "text", false, "条款 clause") ?? y.Text(map, "note", false, "条款 clause");
        var from = y.Date(y.Get(map, "from"), "from") ?? docFrom;
        var to = y.Date(y.Get(map, "to"), "to") ?? docTo;
        if (to < from) y.Error(map, $"条款结束日期早于开始日期 clause ends ({to:yyyy-MM-dd}) before it starts ({from:yyyy-MM-dd})");
        if (from < docFrom || to > docTo)
            y.Error(map, $"条款日期超出文件有效期 clause dates {from:yyyy-MM-dd}..{Show(to)} fall outside the file's period {docFrom:yyyy-MM-dd}..{Show(docTo)}");
        var source = y.Text(map, "source", false, "条款 clause");
        var carried = y.Bool(y.Get(map, "carriedForward"), "carriedForward") ?? false;
        if (carried && source is null) y.Error(map, "延续适用的条款须写明原文件 a carried-forward clause needs 'source' (its document number)");
        var interpretation = y.Text(map, "interpretation", false, "条款 clause");
        if (interpretation is not null && !register.Contains(interpretation)) y.Error(y.Get(map, "interpretation")!, NotInRegister(interpretation));
        var citation = new Citation(policyId, source ?? document, cite ?? "", interpretation, carried, sample, y.File, (int)map.Start.Line);

        var settings = new List<Setting>();
        if (y.Get(map, "set") is not YamlMappingNode set) y.Error(map, "条款缺少 'set' 映射 clause needs a 'set' mapping of parameters");
        else ReadSettings(y, set, "", settings);
        if (cite is null) return null;
        return new Clause
        {
            Cite = cite, Text = text, From = from, To = to, Interpretation = interpretation, Source = source,
            CarriedForward = carried, Settings = settings, Citation = citation, Line = (int)map.Start.Line,
        };
    }

    /// <summary>Flattens nested mappings into dotted keys, then checks each key and value against the schema.</summary>
    private static void ReadSettings(YamlReading y, YamlMappingNode map, string prefix, List<Setting> into)
    {
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var key = prefix + ((YamlScalarNode)keyNode).Value;
            var kind = ParameterSchema.Match(key, out var why);
            if (kind is null && valueNode is YamlMappingNode nested) { ReadSettings(y, nested, key + ".", into); continue; }
            if (kind is null) { y.Error(keyNode, why!); continue; }
            var value = ReadValue(y, kind, key, valueNode);
            if (value is not null) into.Add(new Setting(key, kind, value, (int)keyNode.Start.Line, (int)keyNode.Start.Column));
        }
    }

    private static object? ReadValue(YamlReading y, ParameterKind kind, string key, YamlNode node)
    {
        string? scalar = (node as YamlScalarNode)?.Value;
        switch (kind.Type)
        {
            case ValueType.Ratio:
                if (Number(scalar) is { } r && r >= 0 && r <= 1) return r;
                y.Error(node, $"'{key}' 比例应在 0 到 1 之间 ratio must be between 0 and 1: '{scalar}'");
                return null;
            case ValueType.Amount:
                if (Number(scalar) is { } a && a >= 0) return a;
                y.Error(node, $"'{key}' 应为非负金额 must be a non-negative amount: '{scalar}'");
                return null;
            case ValueType.Limit:
                if (scalar == "unlimited") return Limit.None;
                if (scalar == "missing") return Limit.Unknown;
                if (Number(scalar) is { } l && l >= 0) return Limit.Of(l);
                y.Error(node, $"'{key}' 应为金额、unlimited 或 missing must be an amount, 'unlimited' or 'missing': '{scalar}'");
                return null;
            case ValueType.Int:
                if (int.TryParse(scalar, NumberStyles.None, CultureInfo.InvariantCulture, out var i)) return i;
                y.Error(node, $"'{key}' 应为非负整数 must be a whole number: '{scalar}'");
                return null;
            case ValueType.Bool:
                return y.Bool(node, key);
            case ValueType.Choice:
                if (scalar is not null && kind.Choices!.Contains(scalar)) return scalar;
                y.Error(node, $"'{key}' 取值无效 must be one of {string.Join(", ", kind.Choices!)}: '{scalar}'");
                return null;
            case ValueType.Name:
                if (scalar is not null && ParameterSchema.IsName(scalar)) return scalar;
                y.Error(node, $"'{key}' 应为名称或 none must be a name or 'none': '{scalar}'");
                return null;
            case ValueType.ChoiceList:
            case ValueType.NameList:
                if (node is not YamlSequenceNode seq) { y.Error(node, $"'{key}' 应为列表 must be a list"); return null; }
                var list = new List<string>();
                foreach (var item in seq.Children)
                {
                    var v = (item as YamlScalarNode)?.Value;
                    bool ok = v is not null && (kind.Type == ValueType.NameList ? ParameterSchema.IsName(v) : kind.Choices!.Contains(v));
                    if (ok) list.Add(v!);
                    else y.Error(item, $"'{key}' 的取值无效 invalid entry '{v}'" + (kind.Choices is null ? "" : $" (allowed: {string.Join(", ", kind.Choices)})"));
                }
                return list;
        }
        return null;
    }

    private static decimal? Number(string? s) =>
        decimal.TryParse(s, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var d) ? d : null;

    private static string Show(DateOnly d) => d == DateOnly.MaxValue ? "…" : d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
