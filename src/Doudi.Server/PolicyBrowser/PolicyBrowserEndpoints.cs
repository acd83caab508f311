using System.Globalization;
using Doudi.Policy.Loading;
using Doudi.Server.Api;
using Doudi.Server.Settlements;

namespace Doudi.Server.PolicyBrowser;

public sealed record DocumentSummary(string Id, string Region, string Title, string Document, string From, string? To, bool Sample, string[] Amends, bool InForce);
public sealed record RegionDocuments(string Region, List<DocumentSummary> Documents);
public sealed record SettingView(string Key, string Value);
public sealed record Interpretation(string Code, string Text);
public sealed record ClauseView(int Index, string Cite, string Rule, string? Text, string From, string? To, bool InForce, string? Interpretation,
    string? InterpretationText, bool CarriedForward, string? Source, List<SettingView> Settings);
public sealed record DocumentView(string Id, string Region, string Title, string Document, string From, string? To, string Cite, bool Sample,
    string[] Amends, string? Date, List<Interpretation> Interpretations, List<ClauseView> Clauses);
public sealed record ClauseRef(string Policy, int Index, string Cite);

/// <summary>
/// The policy browser: regions → documents → clauses in force on a date, read from the loaded policy catalogue (the
/// YAML files; no policy text lives in code), and the clause a trace step's rule cites.
/// </summary>
public static class PolicyBrowserEndpoints
{
    public static void Map(WebApplication app)
    {
        var g = app.MapGroup("/api/policy-browser").WithTags("PolicyBrowser").RequireAuthorization();

        g.MapGet("/regions", (string? date, EngineHost engine) =>
        {
            var on = Date(date);
            return Documents(engine).GroupBy(d => d.Region).OrderBy(x => x.Key, StringComparer.Ordinal)
                .Select(x => new RegionDocuments(x.Key, x.OrderBy(d => d.From).Select(d => Summary(d, on)).ToList())).ToList();
        }).WithSummary("政策浏览：统筹区与政策文件 / regions and their documents").Produces<List<RegionDocuments>>().Problems(503);

        g.MapGet("/documents/{id}", (string id, string? date, EngineHost engine) =>
        {
            var doc = Documents(engine).FirstOrDefault(d => d.Id == id)
                ?? throw ApiProblemException.NotFound(new($"没有政策文件 {id}", $"no policy document {id}"));
            var on = Date(date);
            return new DocumentView(doc.Id, doc.Region, doc.Title, doc.Document, Show(doc.From), ShowTo(doc.To), doc.Cite, doc.Sample, doc.Amends.ToArray(),
                on is { } d0 ? Show(d0) : null,
                doc.Interpretations.Select(kv => new Interpretation(kv.Key, kv.Value)).ToList(),
                doc.Clauses.Select((c, i) => new ClauseView(i, c.Cite, c.Citation.Rule, c.Text, Show(c.From), ShowTo(c.To),
                    on is not { } d || (c.From <= d && d <= c.To), c.Interpretation,
                    c.Interpretation is { } code && doc.Interpretations.TryGetValue(code, out var t) ? t : null,
                    c.CarriedForward, c.Source, c.Settings.Select(s => new SettingView(s.Key, Render(s.Value))).ToList())).ToList());
        }).WithSummary("政策文件的条款、原文、参数与解释；可按日期标出生效条款 / a document's clauses in force on a date").Produces<DocumentView>().Problems(404, 503);

        g.MapGet("/lookup", (string rule, EngineHost engine) =>
        {
            // A trace step prints the citation's rule ("document article" and, for carried-forward or sample values, a note).
            ClauseRef? best = null;
            var bestLength = -1;
            foreach (var doc in Documents(engine))
                for (var i = 0; i < doc.Clauses.Count; i++)
                {
                    var c = doc.Clauses[i];
                    var key = $"{c.Citation.Document} {c.Citation.Article}";
                    if ((rule == c.Citation.Rule || rule.StartsWith(key, StringComparison.Ordinal) || rule.Contains(key, StringComparison.Ordinal)) && key.Length > bestLength)
                    {
                        best = new ClauseRef(doc.Id, i, c.Cite);
                        bestLength = key.Length;
                    }
                }
            return best ?? throw ApiProblemException.NotFound(new($"未找到所引条款：{rule}", $"no clause found for: {rule}"));
        }).WithSummary("由计算步骤所引依据找到条款 / the clause a trace step cites").Produces<ClauseRef>().Problems(404, 503);
    }

    private static IReadOnlyList<PolicyDocument> Documents(EngineHost engine) =>
        engine.Catalog?.Documents ?? throw new ApiProblemException(503, new("政策文件未载入", "policy files are not loaded"));

    private static DocumentSummary Summary(PolicyDocument d, DateOnly? on) =>
        new(d.Id, d.Region, d.Title, d.Document, Show(d.From), ShowTo(d.To), d.Sample, d.Amends.ToArray(), on is not { } x || (d.From <= x && x <= d.To));

    private static DateOnly? Date(string? date)
    {
        if (date is null) return null;
        if (DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        throw ApiProblemException.Invalid([new("date", Msg.NotDate(date))]);
    }

    private static string Show(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    private static string? ShowTo(DateOnly d) => d == DateOnly.MaxValue ? null : Show(d);

    private static string Render(object value) => value switch
    {
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        string s => s,
        System.Collections.IDictionary map => "{" + string.Join(", ", map.Keys.Cast<object>().Select(k => $"{k}: {Render(map[k]!)}")) + "}",
        System.Collections.IEnumerable list => "[" + string.Join(", ", list.Cast<object>().Select(Render)) + "]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
