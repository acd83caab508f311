using Doudi.Policy.Prevention;
using Doudi.Prevention.Common;
using YamlDotNet.RepresentationModel;

namespace Doudi.Prevention.Monitoring;

public static class StatisticNames
{
    public static Bilingual Of(Statistic s) => s switch
    {
        Statistic.UrbanDisposableIncome => new("城镇居民人均可支配收入", "urban per-capita disposable income"),
        Statistic.RuralDisposableIncome => new("农村居民人均可支配收入", "rural per-capita disposable income"),
        Statistic.RuralNetIncome => new("农村居民人均纯收入", "rural per-capita net income"),
        _ => new("企业年平均养老金", "average enterprise pension"),
    };
}

/// <summary>A statistic the data file marks <c>missing</c> (or does not list). Names region, year and statistic.</summary>
public sealed class MissingStatisticException(string region, int year, Statistic statistic, string? source)
    : PreventionException("statistic_missing",
        $"缺少统计数据：{region} {year} 年 {StatisticNames.Of(statistic).Zh}（{Doudi.Policy.Vocabulary.Codes.Snake(statistic.ToString())}）" +
        (source is null ? "" : $"，请按“{source}”补充"),
        $"missing statistic: {region} {year} {StatisticNames.Of(statistic).En} ({Doudi.Policy.Vocabulary.Codes.Snake(statistic.ToString())})" +
        (source is null ? "" : $"; fill it from \"{source}\""))
{
    public string Region { get; } = region;
    public int Year { get; } = year;
    public Statistic Statistic { get; } = statistic;
}

public sealed record StatisticFigure(string Region, int Year, Statistic Statistic, decimal? Value, string Source);

public sealed class RegionalStatistics
{
    public const string BuiltInName = "data/statistics/regional-statistics.yaml";
    private readonly Dictionary<(string, int, Statistic), StatisticFigure> _figures;

    public RegionalStatistics(IEnumerable<StatisticFigure> figures) =>
        _figures = figures.ToDictionary(f => (f.Region, f.Year, f.Statistic));

    public IEnumerable<StatisticFigure> Figures => _figures.Values;

    public static RegionalStatistics BuiltIn() => Parse(BuiltInData.Read(BuiltInName));

    public static RegionalStatistics Parse(string yaml)
    {
        var root = YamlNodes.ParseRoot(yaml, "统计数据 statistics");
        var list = new List<StatisticFigure>();
        foreach (var (region, rnode) in (root.Map("regions") ?? new YamlMappingNode()).Pairs())
            foreach (var (yearKey, ynode) in (((YamlMappingNode)rnode).Map("years") ?? new YamlMappingNode()).Pairs())
                foreach (var (statKey, snode) in ((YamlMappingNode)ynode).Pairs())
                {
                    if (!Doudi.Policy.Vocabulary.Codes.TryParse<Statistic>(statKey, out var stat))
                        throw new PreventionException("statistic_unknown", $"未知统计指标 {statKey}", $"unknown statistic {statKey}");
                    var m = (YamlMappingNode)snode;
                    var what = $"{region} {yearKey} {statKey}";
                    list.Add(new StatisticFigure(region, int.Parse(yearKey), stat,
                        YamlNodes.DecimalOrMissing(m.Get("value"), what),
                        m.Str("source") ?? throw new PreventionException("statistic_source_missing", $"{what} 未注明来源", $"{what} has no source")));
                }
        return new RegionalStatistics(list);
    }

    /// <summary>The figure, or an error naming region, year and statistic. Never zero for an unknown figure.</summary>
    public StatisticFigure Get(string region, int year, Statistic statistic)
    {
        if (_figures.TryGetValue((region, year, statistic), out var f) && f.Value is not null) return f;
        throw new MissingStatisticException(region, year, statistic, f?.Source);
    }
}
