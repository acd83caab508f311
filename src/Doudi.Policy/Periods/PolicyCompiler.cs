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
    public static PolicyCatalog Compile(List<PolicyDocument> documents, List<PolicyError> errors)
    {
        var byId = new Dictionary<string, PolicyDocument>(StringComparer.Ordinal);
        foreach (var d in documents)
            if (!byId.TryAdd(d.Id, d)) errors.Add(new PolicyError(d.File, d.Line, 1, $"重复的政策编号 duplicate policy id '{d.Id}' (also in {byId[d.Id].File})"));
        foreach (var d in documents)
            foreach (var a in d.Amends)
                if (!byId.TryGetValue(a, out var amended)) errors.Add(new PolicyError(d.File, d.Line, 1, $"amends 指向不存在的政策 unknown policy '{a}'"));
                else if (amended.Region != d.Region) errors.Add(new PolicyError(d.File, d.Line, 1, $"amends '{a}' 属于其他地区 is of region '{amended.Region}'"));
        foreach (var d in documents) CheckDatesWithinFile(d, errors);
        if (errors.Count > 0) return new PolicyCatalog([], new Dictionary<string, PolicyPeriod[]>());

        var periods = new Dictionary<string, PolicyPeriod[]>(StringComparer.Ordinal);
        foreach (var region in documents.GroupBy(d => d.Region))
            periods[region.Key] = CompileRegion(Order(region.ToList(), byId), errors).ToArray();
        return new PolicyCatalog(documents, periods);
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

    private static IEnumerable<PolicyPeriod> CompileRegion(List<PolicyDocument> layers, List<PolicyError> errors)
    {
        var cuts = new SortedSet<DateOnly>();
        foreach (var d in layers)
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
            var period = PeriodBuilder.Build(inForce[0].Region, top.Id, top.Document, inForce.Select(d => d.Id).Reverse().ToList(), from, to, effective,
                (s, message) =>
                {
                    var e = new PolicyError(s.Doc.File, s.Setting.Line, s.Setting.Column, message);
                    if (reported.Add(e.ToString())) errors.Add(e);
                });
            yield return period;
        }
    }

    internal static string Show(DateOnly d) => d == DateOnly.MaxValue ? "…" : d.ToString("yyyy-MM-dd");
}
