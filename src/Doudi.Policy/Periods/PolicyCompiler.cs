using Doudi.Policy.Loading;
using Doudi.Policy.Parameters;

namespace Doudi.Policy.Periods;

/// <summary>
/// Turns documents into periods: checks the dates of each parameter (no overlap, no gap inside a file; no two
/// unrelated files setting the same key at once), layers amending documents over the ones they amend, cuts each
/// region's timeline where any parameter changes, and builds a typed <see cref="PolicyPeriod"/> for each piece.
/// </summary>
internal static class PolicyCompiler
{
    public static PolicyCatalog Compile(List<PolicyDocument> documents, List<PolicyError> errors, InterpretationRegister register)
    {
        var byId = new Dictionary<string, PolicyDocument>(StringComparer.Ordinal);
        foreach (var d in documents)
            if (!byId.TryAdd(d.Id, d)) errors.Add(new PolicyError(d.File, d.Line, 1, $"重复的政策编号 duplicate policy id '{d.Id}' (also in {byId[d.Id].File})"));
        foreach (var d in documents)
            foreach (var a in d.Amends)
                if (!byId.TryGetValue(a, out var amended)) errors.Add(new PolicyError(d.File, d.Line, 1, $"amends 指向不存在的政策 unknown policy '{a}'"));
                else if (amended.Region != d.Region) errors.Add(new PolicyError(d.File, d.Line, 1, $"amends '{a}' 属于其他地区 is of region '{amended.Region}'"));
        foreach (var d in documents)
            foreach (var f in d.Fills)
                if (!byId.TryGetValue(f, out var filled) || filled.IsLocal) errors.Add(new PolicyError(d.File, d.Line, 1, $"fills 指向不存在的政策 unknown policy '{f}'"));
                else if (filled.Region != d.Region) errors.Add(new PolicyError(d.File, d.Line, 1, $"fills '{f}' 属于其他地区 is of region '{filled.Region}'"));
        foreach (var d in documents) CheckDatesWithinFile(d, errors);
        if (errors.Count > 0) return new PolicyCatalog([], new Dictionary<string, PolicyPeriod[]>(), register);

        var periods = new Dictionary<string, PolicyPeriod[]>(StringComparer.Ordinal);
        foreach (var region in documents.GroupBy(d => d.Region))
            periods[region.Key] = CompileRegion(Order(region.Where(d => !d.IsLocal).ToList(), byId), region.Where(d => d.IsLocal).ToList(), byId, errors).ToArray();
        return new PolicyCatalog(documents, periods, register);
    }

    /// <summary>For each key in one file, its clauses must follow each other: no overlap, no gap.</summary>
    private static void CheckDatesWithinFile(PolicyDocument d, List<PolicyError> errors)
    {
        var byKey = d.Clauses.SelectMany(c => c.Settings.Select(s => (c, s))).GroupBy(x => x.s.Key);
        foreach (var group in byKey)
        {
            var sorted = group.OrderBy(x => x.c.From).ToList();
            for (int i = 1; i < sorted.Count; i++)
            {
                var (prev, _) = sorted[i - 1];
                var (next, s) = sorted[i];
                if (next.From <= prev.To)
                    errors.Add(new PolicyError(d.File, s.Line, s.Column, $"参数 '{group.Key}' 的日期重叠 date ranges overlap: {Show(next.From)}.. overlaps the clause at line {prev.Line} ({Show(prev.From)}..{Show(prev.To)})"));
                else if (next.From > prev.To.AddDays(1))
                    errors.Add(new PolicyError(d.File, s.Line, s.Column, $"参数 '{group.Key}' 的日期有间断 date ranges leave a gap: {Show(prev.To.AddDays(1))}..{Show(next.From.AddDays(-1))} after the clause at line {prev.Line}"));
            }
        }
    }

    /// <summary>Amended documents come before the documents that amend them (lowest layer first).</summary>
    private static List<PolicyDocument> Order(List<PolicyDocument> docs, Dictionary<string, PolicyDocument> byId)
    {
        int Depth(PolicyDocument d) => d.Amends.Count == 0 ? 0 : 1 + d.Amends.Max(a => Depth(byId[a]));
        return docs.OrderBy(Depth).ThenBy(d => d.Sample ? 0 : 1).ThenBy(d => d.Id, StringComparer.Ordinal).ToList();
    }

    private static bool Amends(PolicyDocument upper, PolicyDocument lower, IReadOnlyList<PolicyDocument> all) =>
        upper.Amends.Contains(lower.Id) || upper.Amends.Any(a => all.FirstOrDefault(d => d.Id == a) is { } mid && Amends(mid, lower, all));

    private static IEnumerable<PolicyPeriod> CompileRegion(List<PolicyDocument> layers, List<PolicyDocument> locals,
        Dictionary<string, PolicyDocument> byId, List<PolicyError> errors)
    {
        var cuts = new SortedSet<DateOnly>();
        var filledClauses = new Dictionary<(Clause, Clause), Clause>();
        var periodCites = new Dictionary<PolicyDocument, Citation>();
        foreach (var d in layers.Concat(locals))
        {
            cuts.Add(d.From);
            if (d.To != DateOnly.MaxValue) cuts.Add(d.To.AddDays(1));
            foreach (var c in d.Clauses)
            {
                cuts.Add(c.From);
                if (c.To != DateOnly.MaxValue) cuts.Add(c.To.AddDays(1));
            }
        }
        var points = cuts.ToList();
        var reported = new HashSet<string>();
        for (int i = 0; i < points.Count; i++)
        {
            var from = points[i];
            var to = i + 1 < points.Count ? points[i + 1].AddDays(-1) : DateOnly.MaxValue;
            var inForce = layers.Where(d => d.From <= from && from <= d.To).ToList();
            var top = inForce.LastOrDefault(d => !d.Sample);
            if (top is null) continue;

            var effective = new Dictionary<string, (Setting Setting, Clause Clause, PolicyDocument Doc)>(StringComparer.Ordinal);
            foreach (var doc in inForce)
                foreach (var clause in doc.Clauses.Where(c => c.From <= from && from <= c.To))
                    foreach (var s in clause.Settings)
                    {
                        if (effective.TryGetValue(s.Key, out var earlier) && earlier.Doc != doc && !Amends(doc, earlier.Doc, layers))
                        {
                            var msg = $"{doc.File}:{s.Line}: '{s.Key}'";
                            if (reported.Add(msg))
                                errors.Add(new PolicyError(doc.File, s.Line, s.Column, $"参数 '{s.Key}' 与 {earlier.Doc.File}:{earlier.Setting.Line} 同时有效且两文件无修订关系 is also set there for {Show(from)} and neither file amends the other"));
                        }
                        effective[s.Key] = (s, clause, doc);
                    }
            var layerIds = inForce.Select(d => d.Id).Reverse().ToList();
            foreach (var local in locals.Where(d => d.From <= from && from <= d.To))
            {
                bool used = false;
                foreach (var clause in local.Clauses.Where(c => c.From <= from && from <= c.To))
                    foreach (var s in clause.Settings)
                    {
                        if (Fill(local, clause, s, from, effective, byId, filledClauses, errors, reported)) used = true;
                    }
                if (used) layerIds.Add(local.Id);
            }
            var period = PeriodBuilder.Build(inForce[0].Region, top.Id, top.Document, PeriodCite(top, periodCites), layerIds, from, to, effective,
                (s, message) =>
                {
                    var e = new PolicyError(s.Doc.File, s.Setting.Line, s.Setting.Column, message);
                    if (reported.Add(e.ToString())) errors.Add(e);
                });
            yield return period;
        }
    }

    /// <summary>
    /// A local value (I-10) replaces the seed's <c>missing</c> for exactly its key and dates. The policy stays the seed's:
    /// the value keeps the seed clause's citation, with the local source beside it. A value the seed gives, or a key no
    /// filled document leaves open on that date, is an error at the local file's line.
    /// </summary>
    private static bool Fill(PolicyDocument local, Clause clause, Setting s, DateOnly from,
        Dictionary<string, (Setting Setting, Clause Clause, PolicyDocument Doc)> effective, Dictionary<string, PolicyDocument> byId,
        Dictionary<(Clause, Clause), Clause> filledClauses, List<PolicyError> errors, HashSet<string> reported)
    {
        void Error(string message)
        {
            var e = new PolicyError(local.File, s.Line, s.Column, message);
            if (reported.Add(e.ToString())) errors.Add(e);
        }
        if (!effective.TryGetValue(s.Key, out var seed))
        {
            Error($"'{s.Key}' 在 {Show(from)} 未由 {string.Join(", ", local.Fills)} 设置，本地参数无可填补 is not a parameter of the filled policy on this date");
            return false;
        }
        bool ofFilled = local.Fills.Contains(seed.Doc.Id)
            || (seed.Clause.CarriedForward && local.Fills.Any(f => byId.TryGetValue(f, out var fd) && fd.Document == seed.Clause.Source));
        if (!ofFilled)
        {
            Error($"'{s.Key}' 在 {Show(from)} 由 {seed.Doc.Id} 设置，不在 fills 之列 is set by '{seed.Doc.Id}' on this date, which this file does not fill");
            return false;
        }
        if (seed.Setting.Value is not Limit { Missing: true })
        {
            Error($"'{s.Key}' 在 {Show(from)} 已由 {seed.Doc.File}:{seed.Setting.Line} 给出取值，本地参数只能填补文本未给出的值 the policy gives this value; a local file fills only open values (I-10)");
            return false;
        }
        if (!filledClauses.TryGetValue((seed.Clause, clause), out var filled))
        {
            var sc = seed.Clause;
            filled = new Clause
            {
                Cite = sc.Cite, Text = sc.Text, From = sc.From, To = sc.To, Interpretation = sc.Interpretation, Source = sc.Source,
                CarriedForward = sc.CarriedForward, Settings = sc.Settings, Line = sc.Line,
                Citation = sc.Citation.WithLocal(clause.Citation),
            };
            filledClauses[(seed.Clause, clause)] = filled;
        }
        effective[s.Key] = (s, filled, local);
        return true;
    }

    /// <summary>The document's own <c>cite</c> (the article that puts it in force) as a citation, one per document.</summary>
    private static Citation PeriodCite(PolicyDocument doc, Dictionary<PolicyDocument, Citation> made)
    {
        if (made.TryGetValue(doc, out var c)) return c;
        var article = doc.Cite.StartsWith(doc.Document, StringComparison.Ordinal) ? doc.Cite[doc.Document.Length..].Trim() : doc.Cite;
        return made[doc] = new Citation(doc.Id, doc.Document, article, null, false, doc.Sample, doc.File, doc.Line);
    }

    internal static string Show(DateOnly d) => d == DateOnly.MaxValue ? "…" : d.ToString("yyyy-MM-dd");
}
