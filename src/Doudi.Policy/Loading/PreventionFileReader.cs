using System.Globalization;
using Doudi.Policy.Periods;
using Doudi.Policy.Prevention;
using Doudi.Policy.Vocabulary;
using YamlDotNet.RepresentationModel;

namespace Doudi.Policy.Loading;

/// <summary>
/// Reads the prevention definition files — <c>monitoring/</c>, <c>premium/</c>, <c>relief/</c>, <c>funds/</c>,
/// <c>posthoc/</c> and the plans' <c>targets/</c> beside the policy
/// files (and under <c>local/</c>) — with the policy loader's checks: every problem with file and line, unknown keys,
/// dates, a citation on the file and on every rule. Each file belongs to a policy document (<c>policy:</c>) and takes
/// its region, document number and title from it, so a region exists only where a policy file says so.
/// </summary>
internal static class PreventionFileReader
{
    public static readonly string[] Folders = ["monitoring", "premium", "relief", "funds", "posthoc", "targets"];

    /// <summary>The definition kind of a file, from its folder (<c>…/monitoring/x.yaml</c>), or null for a policy file.</summary>
    public static string? KindOf(string file)
    {
        var folder = Path.GetFileName(Path.GetDirectoryName(file) ?? "");
        return Folders.Contains(folder) ? folder : null;
    }

    /// <summary>A definition as read, waiting for its policy document (known only once every file is read).</summary>
    internal sealed record Pending(string Kind, string Policy, DateOnly? From, DateOnly? To, string File, int Line, Func<PolicyDocument, DateOnly, DateOnly, object> Build);

    private static readonly string[] Header = ["policy", "period", "cite", "note"];

    public static Pending? Read(string kind, string file, string text, List<PolicyError> errors)
    {
        var y = new YamlReading(file, errors);
        var root = y.Root(text);
        if (root is null) return null;
        int before = errors.Count;
        var policy = y.Text(root, "policy", true, "文件 file");
        var cite = y.Text(root, "cite", true, "文件 file");
        DateOnly? from = null, to = null;
        if (y.Get(root, "period") is { } periodNode && y.Mapping(periodNode, "period") is { } period)
        {
            y.OnlyKeys(period, "period", "from", "to");
            from = y.Date(y.Get(period, "from"), "period.from");
            to = y.Date(y.Get(period, "to"), "period.to");
            if (from is not null && to is not null && to < from) y.Error(period, "period.to 早于 period.from (ends before it starts)");
        }
        Func<PolicyDocument, DateOnly, DateOnly, object>? build = kind switch
        {
            "monitoring" => Monitoring(y, root, cite),
            "premium" => Premium(y, root),
            "funds" => Funds(y, root, cite),
            "posthoc" => PostHoc(y, root, cite),
            "targets" => Targets(y, root, cite),
            _ => Relief(y, root, cite),
        };
        if (errors.Count > before || policy is null || cite is null || build is null) return null;
        return new Pending(kind, policy, from, to, file, (int)root.Start.Line, build);
    }

    private static Func<PolicyDocument, DateOnly, DateOnly, object>? Monitoring(YamlReading y, YamlMappingNode root, string? cite)
    {
        y.OnlyKeys(root, "监测规则文件 monitoring file", [.. Header, "self_application", "rules"]);
        string? selfCite = null;
        if (y.Get(root, "self_application") is { } sa && y.Mapping(sa, "self_application") is { } self)
        {
            y.OnlyKeys(self, "self_application", "cite", "text");
            selfCite = y.Text(self, "cite", true, "self_application");
            y.Text(self, "text", true, "self_application");
        }
        var rules = new List<MonitoringRule>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in Sequence(y, root, "rules"))
        {
            if (y.Mapping(node, "规则 rule") is not { } r) continue;
            y.OnlyKeys(r, "规则 rule", "id", "cite", "text", "applies_to", "measure", "comparison", "threshold");
            var id = y.Text(r, "id", true, "规则 rule");
            if (id is not null && !ids.Add(id)) y.Error(r, $"重复的规则编号 duplicate rule id '{id}'");
            var ruleCite = RuleCite(y, r);
            var ruleText = y.Text(r, "text", true, "规则 rule");
            bool? ao = null;
            HashSet<InsuranceType>? insurance = null;
            if (y.Get(r, "applies_to") is { } scopeNode && y.Mapping(scopeNode, "applies_to") is { } scope)
            {
                y.OnlyKeys(scope, "applies_to", "assistance_object", "insurance");
                ao = y.Bool(y.Get(scope, "assistance_object"), "applies_to.assistance_object");
                if (y.Get(scope, "insurance") is { } ins) insurance = CodeList<InsuranceType>(y, ins, "applies_to.insurance");
            }
            var measure = Code<Measure>(y, r, "measure", true);
            var comparison = Code<Comparison>(y, r, "comparison", true);
            var threshold = ReadThreshold(y, y.Get(r, "threshold"), r);
            if (id is null || ruleCite is null || ruleText is null || measure is null || comparison is null || threshold is null) continue;
            rules.Add(new MonitoringRule(id, ruleCite, ruleText, new RuleScope(ao, insurance), measure.Value, comparison.Value, threshold));
        }
        return (doc, from, to) => new MonitoringPolicy(doc.Id, doc.Region, doc.Document, doc.Title, from, selfCite ?? cite ?? doc.Document, rules) { To = to, File = y.File };
    }

    private static Threshold? ReadThreshold(YamlReading y, YamlNode? node, YamlMappingNode rule)
    {
        if (node is null) { y.Error(rule, "规则缺少 'threshold'（文本未给出数值时写 missing）rule needs 'threshold' ('missing' where the text gives no number)"); return null; }
        if (node is YamlScalarNode { Value: "missing" }) return Threshold.Missing;
        if (node is YamlScalarNode s)
        {
            if (Number(s.Value) is { } d && d >= 0) return new Threshold(d, null, 0, 1, false);
            y.Error(node, $"'threshold' 应为非负金额、missing 或统计数据的比例 must be an amount, 'missing' or a share of a statistic: '{s.Value}'");
            return null;
        }
        if (y.Mapping(node, "threshold") is not { } m) return null;
        y.OnlyKeys(m, "threshold", "statistic", "year", "ratio");
        var stat = Code<Statistic>(y, m, "statistic", true);
        int offset = -1;
        if (y.Get(m, "year") is YamlScalarNode yearNode)
        {
            if (yearNode.Value == "previous") offset = -1;
            else if (yearNode.Value == "current") offset = 0;
            else y.Error(yearNode, $"'threshold.year' 应为 previous 或 current must be 'previous' or 'current': '{yearNode.Value}'");
        }
        var ratioNode = y.Get(m, "ratio");
        if (ratioNode is YamlScalarNode { Value: "missing" }) return Threshold.Missing;
        var ratio = Number((ratioNode as YamlScalarNode)?.Value);
        if (ratio is null or < 0) { y.Error(ratioNode ?? m, "'threshold.ratio' 应为非负数或 missing must be a non-negative number or 'missing'"); return null; }
        return stat is null ? null : new Threshold(null, stat, offset, ratio.Value, false);
    }

    private static Func<PolicyDocument, DateOnly, DateOnly, object>? Premium(YamlReading y, YamlMappingNode root)
    {
        y.OnlyKeys(root, "资助参保文件 premium file", [.. Header, "phase_out_keeps", "phase_out_cite", "timing_cite", "list_due_day", "list_due_cite", "rules"]);
        var keeps = y.Bool(y.Get(root, "phase_out_keeps"), "phase_out_keeps");
        if (keeps is null && y.Get(root, "phase_out_keeps") is null) y.Error(root, "文件缺少 'phase_out_keeps'（渐退期对象是否继续资助）missing 'phase_out_keeps'");
        var keepsCite = y.Text(root, "phase_out_cite", true, "文件 file");
        var timingCite = y.Text(root, "timing_cite", true, "文件 file");
        // The day of the next month the list is due by, postponed past holidays (pengshui 二.（四）.2 "每月5日前（法定节假日顺延）").
        var dueNode = y.Get(root, "list_due_day");
        var dueDay = Number((dueNode as YamlScalarNode)?.Value);
        if (dueDay is null or < 1 or > 28 || decimal.Truncate(dueDay.Value) != dueDay)
            y.Error(dueNode ?? root, "'list_due_day' 应为 1–28 的日（名单每月几日前报送）must be a day 1..28 (the list is due by that day of the month)");
        var dueCite = y.Text(root, "list_due_cite", true, "文件 file");
        var rules = new List<PremiumRule>();
        foreach (var node in Sequence(y, root, "rules"))
        {
            if (y.Mapping(node, "规则 rule") is not { } r) continue;
            y.OnlyKeys(r, "规则 rule", "item", "tier", "categories", "share", "of", "amount", "cite", "text");
            var item = Code<PremiumItem>(y, r, "item", true);
            var tier = Code<InsuranceTier>(y, r, "tier", false) ?? InsuranceTier.Any;
            var categories = y.Get(r, "categories") is { } cn ? CodeList<Category>(y, cn, "categories") : null;
            if (categories is null && y.Get(r, "categories") is null) y.Error(r, "规则缺少 'categories' rule needs 'categories'");
            var basis = Code<ContributionBasis>(y, r, "of", false) ?? ContributionBasis.OwnContribution;
            var ruleCite = RuleCite(y, r);
            bool fixedAmount = y.Get(r, "amount") is not null;
            if (fixedAmount == (y.Get(r, "share") is not null))
                y.Error(r, "规则应有 'share'（缴费的比例）或 'amount'（定额）之一 a rule has either 'share' (of a contribution) or 'amount' (fixed)");
            decimal? share = fixedAmount ? null : MissingOr(y, y.Get(r, "share"), "share", ratio: true);
            decimal? amount = fixedAmount ? MissingOr(y, y.Get(r, "amount"), "amount", ratio: false) : null;
            if (item is null || categories is null || ruleCite is null) continue;
            rules.Add(new PremiumRule(item.Value, tier, categories, share, basis, fixedAmount, amount, ruleCite));
        }
        return (doc, from, to) => new PremiumPolicy(doc.Id, doc.Document, keeps ?? false, keepsCite ?? "", rules) { Region = doc.Region, From = from, To = to, TimingCite = timingCite ?? "", File = y.File,
                ListDueDay = dueDay is >= 1 and <= 28 ? (int)dueDay.Value : 0, ListDueCite = dueCite ?? "" };
    }

    private static Func<PolicyDocument, DateOnly, DateOnly, object>? Relief(YamlReading y, YamlMappingNode root, string? cite)
    {
        y.OnlyKeys(root, "年度兜底文件 relief file", [.. Header, "runs"]);
        var jobs = new List<ReliefJob>();
        foreach (var node in Sequence(y, root, "runs"))
        {
            if (y.Mapping(node, "运行 run") is not { } r) continue;
            y.OnlyKeys(r, "运行 run", "kind", "code", "fund", "cite", "text", "reduction");
            var kind = Code<RunKind>(y, r, "kind", true);
            if (kind == RunKind.Supplementary) y.Error(r, "supplementary 由回溯补付产生，不是年度运行 is made by retroactive assistance, not a year-end run");
            var fund = Code<Fund>(y, r, "fund", true);
            var code = y.Text(r, "code", false, "运行 run");
            if (kind is not null && code is not null && (!RunKinds.TryParse(code, out var parsed) || parsed != kind || !Parameters.ParameterSchema.IsName(code)))
                y.Error(y.Get(r, "code")!, $"'code' 应为小写名称并以 '{Codes.ToCode(kind.Value)}' 结尾 must be a lower-case name ending with the kind");
            var ruleCite = RuleCite(y, r);
            var text = y.Text(r, "text", true, "运行 run");
            var reduction = ClauseOf(y, r, "reduction", ["departments", "answer_within"]);
            if (reduction is not null && kind is not null && kind != RunKind.HouseholdCap)
                y.Error(y.Get(r, "reduction")!, "'reduction'（梯次减负）只适用于 household_cap applies to the household cap only");
            var steps = y.Get(r, "reduction") is YamlMappingNode rm ? ReductionStepsOf(y, rm) : null;
            if (kind is null || fund is null || ruleCite is null || text is null) continue;
            if (jobs.Any(j => j.Kind == kind)) { y.Error(r, $"同一文件中重复的运行类型 duplicate run kind '{Codes.ToCode(kind.Value)}'"); continue; }
            jobs.Add(new ReliefJob(kind.Value, code ?? Codes.ToCode(kind.Value), fund.Value, ruleCite, text) { Reduction = reduction, ReductionSteps = steps });
        }
        return (doc, from, to) => new ReliefPolicy(doc.Id, doc.Region, doc.Document, from, to, cite ?? doc.Document, jobs) { File = y.File };
    }

    /// <summary>
    /// The steps of a tiered reduction: <c>departments</c> (codes, in the clause's order, each once) and
    /// <c>answer_within</c> ({ cite, text, not_eligible_or_granted, will_grant }: working days, whole and positive, the
    /// first not longer than the second). Both required.
    /// </summary>
    private static ReductionSteps? ReductionStepsOf(YamlReading y, YamlMappingNode reduction)
    {
        List<Department>? departments = null;
        if (y.Get(reduction, "departments") is not { } dn) y.Error(reduction, "'reduction' 缺少 'departments'（依次反馈的部门）missing 'departments' (the departments asked in turn)");
        else if (dn is not YamlSequenceNode seq || seq.Children.Count == 0) y.Error(dn, "'reduction.departments' 应为非空列表 must be a non-empty list of department codes");
        else
        {
            departments = [];
            foreach (var item in seq.Children)
            {
                var value = (item as YamlScalarNode)?.Value;
                if (!Codes.TryParse<Department>(value, out var d)) y.Error(item, $"'reduction.departments' 取值无效 must be one of {string.Join(", ", Codes.All<Department>())}: '{value}'");
                else if (departments.Contains(d)) y.Error(item, $"重复的部门 duplicate department '{value}'");
                else departments.Add(d);
            }
        }
        var deadlines = ClauseOf(y, reduction, "answer_within", ["not_eligible_or_granted", "will_grant"]);
        int? Days(YamlMappingNode m, string key)
        {
            if (y.Get(m, key) is not { } node) { y.Error(m, $"'answer_within' 缺少 '{key}'（工作日数）missing '{key}' (working days)"); return null; }
            if (node is YamlScalarNode s && int.TryParse(s.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 365) return n;
            y.Error(node, $"'answer_within.{key}' 应为 1 到 365 的整数工作日 must be a whole number of working days (1–365)");
            return null;
        }
        int? shortDays = null, longDays = null;
        if (y.Get(reduction, "answer_within") is not { } an) y.Error(reduction, "'reduction' 缺少 'answer_within'（反馈时限）missing 'answer_within' (the deadlines to answer)");
        else if (an is YamlMappingNode am)
        {
            shortDays = Days(am, "not_eligible_or_granted");
            longDays = Days(am, "will_grant");
            if (shortDays > longDays) y.Error(am, "'not_eligible_or_granted' 不应长于 'will_grant' must not be longer than 'will_grant'");
        }
        if (departments is not { Count: > 0 } || deadlines is null || shortDays is null || longDays is null || shortDays > longDays) return null;
        return new ReductionSteps(departments, shortDays.Value, longDays.Value, deadlines);
    }

    private static Func<PolicyDocument, DateOnly, DateOnly, object>? Funds(YamlReading y, YamlMappingNode root, string? cite)
    {
        y.OnlyKeys(root, "基金规则文件 funds file", [.. Header, "funds"]);
        var rules = new List<FundRule>();
        foreach (var node in Sequence(y, root, "funds"))
        {
            if (y.Mapping(node, "基金 fund") is not { } r) continue;
            y.OnlyKeys(r, "基金 fund", "fund", "fiscal_share", "disclosure");
            var fund = Code<Fund>(y, r, "fund", true);
            FiscalShareLimit? share = null;
            var clause = ClauseOf(y, r, "fiscal_share", ["at_most"]);
            if (y.Get(r, "fiscal_share") is YamlMappingNode sm)
            {
                var atMost = y.Text(sm, "at_most", true, "fiscal_share");
                var parts = atMost?.Split('/');
                if (atMost is not null && (parts!.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                    || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var d) || n <= 0 || d <= 0 || n > d))
                    y.Error(y.Get(sm, "at_most")!, $"'fiscal_share.at_most' 应为分数 a/b（0 < a ≤ b）must be a fraction a/b: '{atMost}'");
                else if (atMost is not null && clause is not null)
                    share = new FiscalShareLimit(int.Parse(parts![0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture), clause);
            }
            var disclosure = ClauseOf(y, r, "disclosure");
            if (y.Get(r, "fiscal_share") is null && y.Get(r, "disclosure") is null)
                y.Error(r, "基金规则应有 'fiscal_share' 或 'disclosure' a fund rule needs 'fiscal_share' or 'disclosure'");
            if (fund is null) continue;
            if (rules.Any(x => x.Fund == fund)) { y.Error(r, $"同一文件中重复的基金 duplicate fund '{Codes.ToCode(fund.Value)}'"); continue; }
            rules.Add(new FundRule(fund.Value, share, disclosure));
        }
        return (doc, from, to) => new FundPolicy(doc.Id, doc.Region, doc.Document, from, to, cite ?? doc.Document, rules) { File = y.File };
    }

    private static Func<PolicyDocument, DateOnly, DateOnly, object>? PostHoc(YamlReading y, YamlMappingNode root, string? cite)
    {
        y.OnlyKeys(root, "事后救助文件 post-hoc file", [.. Header, "text", "documents"]);
        var text = y.Text(root, "text", true, "文件 file");
        var docs = ClauseOf(y, root, "documents", ["list"]);
        HashSet<PostHocDocument>? list = null;
        if (y.Get(root, "documents") is YamlMappingNode dm)
        {
            if (y.Get(dm, "list") is { } ln) list = CodeList<PostHocDocument>(y, ln, "documents.list");
            else y.Error(dm, "'documents' 缺少 'list'（所需材料）missing 'list' (the documents an application needs)");
        }
        else if (y.Get(root, "documents") is null) y.Error(root, "文件缺少 'documents'（申请材料）missing 'documents'");
        if (text is null || cite is null || docs is null || list is null) return null;
        var ordered = Enum.GetValues<PostHocDocument>().Where(list.Contains).ToList();
        return (doc, from, to) => new PostHocPolicy(doc.Id, doc.Region, doc.Document, from, to, new CitedText(cite, text), docs, ordered) { File = y.File };
    }

    private static Func<PolicyDocument, DateOnly, DateOnly, object>? Targets(YamlReading y, YamlMappingNode root, string? cite)
    {
        y.OnlyKeys(root, "方案目标文件 targets file", [.. Header, "targets"]);
        var targets = new List<PlanTarget>();
        foreach (var node in Sequence(y, root, "targets"))
        {
            if (y.Mapping(node, "目标 target") is not { } t) continue;
            y.OnlyKeys(t, "目标 target", "measure", "comparison", "value", "cite", "text");
            var measure = Code<TargetMeasure>(y, t, "measure", true);
            var comparison = Code<TargetComparison>(y, t, "comparison", true);
            var valueNode = y.Get(t, "value");
            var value = Number((valueNode as YamlScalarNode)?.Value);
            if (valueNode is null) y.Error(t, "目标缺少 'value' target needs 'value'");
            else if (value is not (> 0 and <= 1)) { y.Error(valueNode, "'value' 应为 0 到 1 之间的比例 must be a share between 0 and 1"); value = null; }
            var targetCite = RuleCite(y, t);
            var text = y.Text(t, "text", true, "目标 target");
            if (measure is null || comparison is null || value is null || targetCite is null || text is null) continue;
            if (targets.Any(x => x.Measure == measure)) { y.Error(t, $"重复的目标 duplicate target for '{Codes.ToCode(measure.Value)}'"); continue; }
            targets.Add(new PlanTarget(measure.Value, comparison.Value, value.Value, targetCite, text));
        }
        return (doc, from, to) => new PlanTargetPolicy(doc.Id, doc.Region, doc.Document, from, to, cite ?? doc.Document, targets) { File = y.File };
    }

    /// <summary>An optional clause (<c>key: { cite, text }</c>, plus the keys given): both cite and text required when it is there.</summary>
    private static CitedText? ClauseOf(YamlReading y, YamlMappingNode parent, string key, string[]? more = null)
    {
        if (y.Get(parent, key) is not { } node) return null;
        if (y.Mapping(node, key) is not { } m) return null;
        y.OnlyKeys(m, key, ["cite", "text", .. more ?? []]);
        var cite = y.Text(m, "cite", false, key);
        if (cite is null && y.Get(m, "cite") is null) y.Error(m, $"'{key}' 缺少出处 has no citation ('cite')");
        var text = y.Text(m, "text", true, key);
        return cite is null || text is null ? null : new CitedText(cite, text);
    }

    /// <summary>
    /// Ties each definition to its policy document, checks its dates against the document's, and that two definitions of
    /// one kind in force at once in a region are related by amendment; attaches them to the catalog.
    /// </summary>
    public static void Attach(PolicyCatalog catalog, List<Pending> pending, List<PolicyError> errors)
    {
        var byId = catalog.Documents.ToDictionary(d => d.Id, StringComparer.Ordinal);
        int Depth(PolicyDocument d) => d.Amends.Count == 0 ? 0 : 1 + d.Amends.Where(byId.ContainsKey).Select(a => Depth(byId[a])).DefaultIfEmpty(0).Max();
        bool Amends(PolicyDocument upper, PolicyDocument lower) =>
            upper.Amends.Contains(lower.Id) || upper.Amends.Any(a => byId.TryGetValue(a, out var mid) && Amends(mid, lower));

        var resolved = new List<(Pending P, PolicyDocument Doc, DateOnly From, DateOnly To, object Value)>();
        foreach (var p in pending)
        {
            if (!byId.TryGetValue(p.Policy, out var doc))
            {
                errors.Add(new PolicyError(p.File, p.Line, 1, $"'policy' 指向不存在的政策文件 unknown policy '{p.Policy}' (known: {string.Join(", ", byId.Keys.Order(StringComparer.Ordinal))})"));
                continue;
            }
            var from = p.From ?? doc.From;
            var to = p.To ?? doc.To;
            if (from < doc.From || to > doc.To)
            {
                errors.Add(new PolicyError(p.File, p.Line, 1, $"有效期 {Show(from)}..{Show(to)} 超出政策 {doc.Id} 的有效期 falls outside the policy's period {Show(doc.From)}..{Show(doc.To)}"));
                continue;
            }
            if (resolved.FirstOrDefault(x => x.P.Kind == p.Kind && x.Doc == doc) is { P: not null } same)
            {
                errors.Add(new PolicyError(p.File, p.Line, 1, $"政策 {doc.Id} 已有 {p.Kind} 文件 the policy already has a {p.Kind} file: {same.P.File}"));
                continue;
            }
            foreach (var other in resolved.Where(x => x.P.Kind == p.Kind && x.Doc.Region == doc.Region && x.From <= to && from <= x.To))
                if (!Amends(doc, other.Doc) && !Amends(other.Doc, doc))
                    errors.Add(new PolicyError(p.File, p.Line, 1, $"与 {other.P.File} 同时有效且两政策无修订关系 is in force at the same time as {other.P.File} and neither policy amends the other"));
            resolved.Add((p, doc, from, to, p.Build(doc, from, to)));
        }
        if (errors.Count > 0) return;
        List<PolicyCatalog.Definition<T>> Of<T>(string kind) => resolved.Where(x => x.P.Kind == kind)
            .Select(x => new PolicyCatalog.Definition<T>((T)x.Value, x.Doc.Region, x.Doc.Id, x.From, x.To, Depth(x.Doc))).ToList();
        catalog.AttachPrevention(Of<MonitoringPolicy>("monitoring"), Of<PremiumPolicy>("premium"), Of<ReliefPolicy>("relief"));
        catalog.AttachProcedures(Of<FundPolicy>("funds"), Of<PostHocPolicy>("posthoc"), Of<PlanTargetPolicy>("targets"));
    }

    private static IEnumerable<YamlNode> Sequence(YamlReading y, YamlMappingNode root, string key)
    {
        if (y.Get(root, key) is YamlSequenceNode s) return s.Children;
        y.Error(y.Get(root, key) ?? root, $"'{key}' 应为列表 must be a list");
        return [];
    }

    private static string? RuleCite(YamlReading y, YamlMappingNode r)
    {
        var cite = y.Text(r, "cite", false, "规则 rule");
        if (cite is null && y.Get(r, "cite") is null) y.Error(r, "规则缺少出处 rule has no citation ('cite': article of the document)");
        return cite;
    }

    private static T? Code<T>(YamlReading y, YamlMappingNode map, string key, bool required) where T : struct, Enum
    {
        var node = y.Get(map, key);
        if (node is null) { if (required) y.Error(map, $"缺少 '{key}' (missing '{key}')"); return null; }
        var value = (node as YamlScalarNode)?.Value;
        if (Codes.TryParse<T>(value, out var v)) return v;
        y.Error(node, $"'{key}' 取值无效 must be one of {string.Join(", ", Codes.All<T>())}: '{value}'");
        return null;
    }

    private static HashSet<T>? CodeList<T>(YamlReading y, YamlNode node, string key) where T : struct, Enum
    {
        if (node is not YamlSequenceNode seq) { y.Error(node, $"'{key}' 应为列表 must be a list"); return null; }
        var set = new HashSet<T>();
        foreach (var item in seq.Children)
        {
            var value = (item as YamlScalarNode)?.Value;
            if (Codes.TryParse<T>(value, out var v)) set.Add(v);
            else y.Error(item, $"'{key}' 的取值无效 invalid entry '{value}' (allowed: {string.Join(", ", Codes.All<T>())})");
        }
        return set;
    }

    /// <summary>A number, or null for <c>missing</c> (what the text leaves open): never a silent zero.</summary>
    private static decimal? MissingOr(YamlReading y, YamlNode? node, string key, bool ratio)
    {
        if (node is null or YamlScalarNode { Value: "missing" }) return null;
        var d = Number((node as YamlScalarNode)?.Value);
        if (d is { } v && v >= 0 && (!ratio || v <= 1)) return v;
        y.Error(node!, ratio ? $"'{key}' 比例应在 0 到 1 之间或为 missing must be between 0 and 1, or 'missing'"
            : $"'{key}' 应为非负金额或 missing must be a non-negative amount, or 'missing'");
        return null;
    }

    private static decimal? Number(string? s) =>
        decimal.TryParse(s, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var d) ? d : null;

    private static string Show(DateOnly d) => d == DateOnly.MaxValue ? "…" : d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
