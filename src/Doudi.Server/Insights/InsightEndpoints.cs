using System.Globalization;
using System.Text.Json;
using Doudi.Server.Api;
using Doudi.Server.Audit;
using Doudi.Server.Prevention.Common;
using Doudi.Server.Prevention.Funds;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Insights;

/// <summary>
/// Figures of a group of settlements. 综合保障率 (coverage) = (basic + critical illness + supplementary + assistance +
/// tilted) ÷ total cost; 个人负担率 (burden) = personal burden ÷ total cost; 自费率 (self-pay) = cost outside the
/// policy scope ÷ total cost. Rates are null when there is no cost.
/// </summary>
public sealed record Figures(long Bills, long Assisted, decimal Total, decimal InPolicy, decimal Basic, decimal Critical, decimal Supplementary,
    decimal Assistance, decimal Tilted, decimal Burden, decimal SelfPay, decimal? CoverageRate, decimal? BurdenRate, decimal? SelfPayRate)
{
    public static Figures Of(IEnumerable<InsightRow> rows)
    {
        long bills = 0, assisted = 0;
        decimal total = 0, inPolicy = 0, basic = 0, critical = 0, sup = 0, assistance = 0, tilted = 0, burden = 0, selfPay = 0;
        foreach (var r in rows)
        {
            bills += r.Bills; assisted += r.Assisted; total += r.Total; inPolicy += r.InPolicy; basic += r.Basic; critical += r.Critical;
            sup += r.Supplementary; assistance += r.Assistance; tilted += r.Tilted; burden += r.Burden; selfPay += r.SelfPay;
        }
        decimal? Rate(decimal x) => total > 0 ? Math.Round(x / total, 4) : null;
        return new(bills, assisted, total, inPolicy, basic, critical, sup, assistance, tilted, burden, selfPay,
            Rate(basic + critical + sup + assistance + tilted), Rate(burden), Rate(selfPay));
    }
}

public sealed record KeyedFigures(string Key, string Label, Figures Figures);
public sealed record TargetView(string Policy, string Region, string Measure, string Comparison, decimal Value, string Cite, string Text, decimal? Actual, bool? Met);
public sealed record FundView(string Region, string Fund, string Name, decimal Income, decimal Spending, decimal Balance);
public sealed record StateCount(string State, long Count);
public sealed record RiskPoolView(long Total, List<StateCount> ByState);
public sealed record InstitutionSelfPay(string Code, string Name, long Bills, decimal Total, decimal SelfPay, decimal? Rate, bool? Met);
public sealed record DashboardResponse(string? Region, int Year, string[] Regions, Figures Totals, List<KeyedFigures> Months, List<KeyedFigures> Townships,
    List<KeyedFigures> Categories, List<TargetView> Targets, List<FundView> Funds, RiskPoolView RiskPool, List<InstitutionSelfPay> Institutions);

public sealed record TownshipView(string Township, long Persons, long RiskPool, long RiskPoolOpen, long Bills, long Assisted, decimal Total,
    decimal Assistance, decimal Burden, decimal? BurdenRate, decimal? AssistancePerHead);
public sealed record MapResponse(string Region, int Year, string? GeoJson, List<TownshipView> Townships);
public sealed record TownshipRiskEntry(string Id, string Person, string Name, string IdNumber, string? Household, decimal? Amount, decimal? Threshold, string Cite, string State);
public sealed record MapUpload(string Region, int Features);
/// <summary>A GeoJSON FeatureCollection whose features' properties.name are the townships' names.</summary>
public sealed record GeoJsonFeatureCollection(string Type, IReadOnlyList<System.Text.Json.JsonElement> Features);

public sealed record RankRow(string Code, string Label, string? Kind, long Count, long Quantity, decimal Amount, decimal SelfPay, decimal? SelfPayRate);
public sealed record RankingResponse(string Dimension, string? Kind, string? Region, string From, string To, List<RankRow> ByCount, List<RankRow> ByAmount);
public sealed record MonthValue(string Month, long Count, decimal Amount);
public sealed record TrendSeries(string Code, string Label, List<MonthValue> Months);
public sealed record TrendResponse(string Dimension, string? Region, string From, string To, List<TrendSeries> Series);

/// <summary>The console's dashboard (综合看板), map (防贫地图), rankings and trends — all from the monthly aggregates.</summary>
public static class InsightEndpoints
{
    private static readonly string[] RankDimensions = [InsightStore.Item, InsightStore.Diagnosis, InsightStore.Institution, InsightStore.Township, InsightStore.Category];
    private static readonly string[] ItemKinds = ["drug", "consumable", "service"];
    private static readonly string Resolved = Doudi.Policy.Vocabulary.Codes.ToCode(Doudi.Prevention.Monitoring.RiskState.Resolved);

    public static void Map(WebApplication app)
    {
        var g = app.MapGroup("/api/insights").WithTags("Insights").RequireAuthorization(PreventionPolicies.Read);

        g.MapGet("/dashboard", async (string? region, int? year, Database db, Settlements.EngineHost policies, CancellationToken ct) =>
        {
            // A year outside 2000–2100 is refused naming the parameter (the plan targets are looked up by year).
            var y = Paging.Year(year) ?? DateTime.UtcNow.Year;
            var (from, to) = ($"{y:D4}-01", $"{y:D4}-12");
            return await db.ReadAsync(async c =>
            {
                var months = await InsightStore.SumAsync(c, InsightStore.Region, region, from, to, byMonth: true);
                var townships = await InsightStore.SumAsync(c, InsightStore.Township, region, from, to, byMonth: false);
                var categories = await InsightStore.SumAsync(c, InsightStore.Category, region, from, to, byMonth: false);
                var institutions = await InsightStore.SumAsync(c, InsightStore.Institution, region, from, to, byMonth: false);
                var totals = Figures.Of(months);
                var selfPayTarget = PlanTargets.Of(policies, region, y).FirstOrDefault(t => t.Measure == "institution_self_pay_rate");
                var targets = PlanTargets.Of(policies, region, y).Select(t =>
                {
                    var actual = t.Measure switch { "coverage_rate" => totals.CoverageRate, "burden_rate" => totals.BurdenRate, _ => totals.SelfPayRate };
                    return new TargetView(t.Policy, t.Region, t.Measure, t.Comparison, t.Value, t.Cite, t.Text, actual, actual is { } a ? t.Met(a) : null);
                }).ToList();
                var risk = await InsightStore.RiskPoolByTownshipAsync(c, region, y);
                return new DashboardResponse(region, y, Regions(policies), totals,
                    months.Select(m => new KeyedFigures(m.Month, m.Month, Figures.Of([m]))).ToList(),
                    townships.Select(t => new KeyedFigures(t.Key, t.Label, Figures.Of([t]))).ToList(),
                    categories.Select(t => new KeyedFigures(t.Key, t.Label, Figures.Of([t]))).ToList(),
                    targets, await FundsAsync(c, Regions(policies), region, y, months),
                    new RiskPoolView(risk.Sum(r => r.Count), risk.GroupBy(r => r.State).Select(s => new StateCount(s.Key, s.Sum(x => x.Count))).OrderBy(s => s.State).ToList()),
                    institutions.Select(i =>
                    {
                        var f = Figures.Of([i]);
                        return new InstitutionSelfPay(i.Key, i.Label, i.Bills, i.Total, i.SelfPay, f.SelfPayRate,
                            selfPayTarget is not null && f.SelfPayRate is { } r ? selfPayTarget.Met(r) : null);
                    }).OrderByDescending(i => i.Rate ?? 0).ToList());
            }, ct);
        }).WithSummary("综合看板：救助人次与金额、综合保障率、个人负担率、基金收支、风险库、按月按乡镇、方案目标 / dashboard")
          .Produces<DashboardResponse>();

        g.MapGet("/map", async (string region, int? year, Database db, CancellationToken ct) =>
        {
            var y = Paging.Year(year) ?? DateTime.UtcNow.Year; // outside 2000–2100: 400 naming it (dated targets and fund years need a real year)
            return await db.ReadAsync(async c =>
            {
                var geo = await InsightStore.MapAsync(c, region);
                var sums = (await InsightStore.SumAsync(c, InsightStore.Township, region, $"{y:D4}-01", $"{y:D4}-12", byMonth: false)).ToDictionary(r => r.Key);
                var persons = (await InsightStore.PersonsByTownshipAsync(c, region)).ToDictionary(p => p.Township, p => p.Persons);
                var risk = await InsightStore.RiskPoolByTownshipAsync(c, region, y);
                var names = persons.Keys.Union(sums.Keys).Union(risk.Select(r => r.Township)).Where(n => n != "").Order(StringComparer.Ordinal);
                var list = names.Select(n =>
                {
                    var f = sums.TryGetValue(n, out var row) ? Figures.Of([row]) : Figures.Of([]);
                    var people = persons.GetValueOrDefault(n);
                    return new TownshipView(n, people, risk.Where(r => r.Township == n).Sum(r => r.Count),
                        risk.Where(r => r.Township == n && r.State != Resolved).Sum(r => r.Count), f.Bills, f.Assisted, f.Total,
                        f.Assistance + f.Tilted, f.Burden, f.BurdenRate, people > 0 ? Math.Round((f.Assistance + f.Tilted) / people, 2) : null);
                }).ToList();
                return new MapResponse(region, y, geo, list);
            }, ct);
        }).WithSummary("防贫地图：各乡镇风险库人数、负担、人均救助，与地图图层 / poverty-prevention map").Produces<MapResponse>();

        g.MapGet("/map/township-risk-pool", async (string region, string township, int? year, HttpContext http, Database db, CancellationToken ct) =>
        {
            var y = Paging.Year(year) ?? DateTime.UtcNow.Year; // outside 2000–2100: 400 naming it (dated targets and fund years need a real year)
            var actor = http.Actor();
            var entries = await db.ReadAsync(c => InsightStore.TownshipRiskEntriesAsync(c, region, township, y), ct);
            return entries.Select(e => e with { IdNumber = IdMasking.For(actor, e.IdNumber) }).ToList();
        }).WithSummary("某乡镇的风险库名单（地图点击）/ the risk-pool entries of one township").Produces<List<TownshipRiskEntry>>();

        g.MapPut("/maps/{region}", async (string region, string? source, HttpContext http, Database db, Settlements.EngineHost policies, CancellationToken ct) =>
        {
            using var doc = await Body.ReadJsonAsync(http.Request, ct);
            var features = CheckGeoJson(doc.RootElement);
            if (!policies.IsRegion(region)) throw ApiProblemException.Invalid([new("region", Msg.Unknown("统筹区", region, policies.Regions))]);
            var actor = http.Actor();
            await db.WriteAsync(async (c, tx) =>
            {
                await InsightStore.SetMapAsync(c, tx, region, doc.RootElement.GetRawText(), source ?? "upload", actor.Name);
                await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "set_map", "insight_map", region, null, new { region, features });
                return 0;
            }, ct);
            return new MapUpload(region, features);
        }).RequireAuthorization(Policies.Admin)
          .WithSummary("载入乡镇地图 GeoJSON（FeatureCollection，properties.name 为乡镇名）/ load the townships' GeoJSON")
          .JsonBody<GeoJsonFeatureCollection>().Produces<MapUpload>();

        g.MapGet("/rankings", async (string dimension, string? kind, string? region, string? from, string? to, int? top, Database db, CancellationToken ct) =>
        {
            var (f, t) = Period(from, to);
            var prefix = Check(dimension, kind);
            var rows = await db.ReadAsync(c => InsightStore.SumAsync(c, dimension, region, f, t, byMonth: false, prefix), ct);
            var n = Math.Clamp(top ?? 20, 1, 200);
            var ranked = rows.Where(r => r.Key != "").Select(Rank).ToList();
            return new RankingResponse(dimension, kind, region, f, t,
                ranked.OrderByDescending(r => r.Count).ThenBy(r => r.Code, StringComparer.Ordinal).Take(n).ToList(),
                ranked.OrderByDescending(r => r.Amount).ThenBy(r => r.Code, StringComparer.Ordinal).Take(n).ToList());
        }).WithSummary("排名：高频、高额药品/耗材/诊疗项目、病种、机构 / rankings by count and amount").Produces<RankingResponse>();

        g.MapGet("/trends", async (string dimension, string? kind, string? region, string? from, string? to, int? top, Database db, CancellationToken ct) =>
        {
            var (f, t) = Period(from, to);
            var prefix = Check(dimension, kind);
            var rows = await db.ReadAsync(c => InsightStore.SumAsync(c, dimension, region, f, t, byMonth: true, prefix), ct);
            var n = Math.Clamp(top ?? 5, 1, 20);
            var series = rows.Where(r => r.Key != "").GroupBy(r => r.Key)
                .OrderByDescending(gr => gr.Sum(r => r.Total)).ThenBy(gr => gr.Key, StringComparer.Ordinal).Take(n)
                .Select(gr => new TrendSeries(CodeOf(gr.Key), gr.Max(r => r.Label) ?? "", gr.Select(r => new MonthValue(r.Month, r.Bills, r.Total)).ToList()))
                .ToList();
            return new TrendResponse(dimension, region, f, t, series);
        }).WithSummary("趋势：费用最高的病种（或项目）按月 / monthly trend of the costliest keys").Produces<TrendResponse>();
    }

    /// <summary>The regions of the policy catalogue (the one list of regions).</summary>
    private static string[] Regions(Settlements.EngineHost policies) => policies.Regions.Order(StringComparer.Ordinal).ToArray();

    private static RankRow Rank(InsightRow r)
    {
        var f = Figures.Of([r]);
        var kind = r.Dimension == InsightStore.Item ? r.Key.Split(':')[0] : null;
        return new RankRow(CodeOf(r.Key), r.Label, kind, r.Bills, r.Quantity, r.Total, r.SelfPay, f.SelfPayRate);
    }

    private static string CodeOf(string key) => key.IndexOf(':') is var i and >= 0 ? key[(i + 1)..] : key;

    private static string? Check(string dimension, string? kind)
    {
        if (!RankDimensions.Contains(dimension))
            throw ApiProblemException.Invalid([new("dimension", Msg.Unknown("维度", dimension, RankDimensions))]);
        if (kind is null) return null;
        if (dimension != InsightStore.Item || !ItemKinds.Contains(kind))
            throw ApiProblemException.Invalid([new("kind", Msg.Unknown("项目类别", kind, ItemKinds))]);
        return kind + ":";
    }

    private static (string From, string To) Period(string? from, string? to)
    {
        var problems = new List<FieldProblem>();
        string Month(string? v, string name, string fallback)
        {
            if (v is null) return fallback;
            if (DateOnly.TryParseExact(v + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)) return v;
            problems.Add(new(name, new($"“{v}”不是月份（yyyy-MM）", $"\"{v}\" is not a month (yyyy-MM)")));
            return fallback;
        }
        var year = DateTime.UtcNow.Year;
        var f = Month(from, "from", $"{year:D4}-01");
        var t = Month(to, "to", $"{year:D4}-12");
        if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
        return (f, t);
    }

    /// <summary>A FeatureCollection whose features are polygons named by <c>properties.name</c>; anything else is refused with its path.</summary>
    public static int CheckGeoJson(JsonElement root)
    {
        var problems = new List<FieldProblem>();
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "FeatureCollection")
            throw ApiProblemException.Invalid([new("type", new("应为 GeoJSON FeatureCollection", "must be a GeoJSON FeatureCollection"))]);
        if (!root.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array || features.GetArrayLength() == 0)
            throw ApiProblemException.Invalid([new("features", new("应为非空数组", "must be a non-empty array"))]);
        var i = 0;
        foreach (var f in features.EnumerateArray())
        {
            var at = $"features[{i++}]";
            if (f.ValueKind != JsonValueKind.Object || !f.TryGetProperty("properties", out var props) || props.ValueKind != JsonValueKind.Object
                || !props.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(name.GetString()))
                problems.Add(new(at + ".properties.name", new("缺少乡镇名称", "the township's name is missing")));
            if (f.ValueKind != JsonValueKind.Object || !f.TryGetProperty("geometry", out var geo) || geo.ValueKind != JsonValueKind.Object
                || !geo.TryGetProperty("type", out var gt) || gt.ValueKind != JsonValueKind.String || gt.GetString() is not ("Polygon" or "MultiPolygon"))
                problems.Add(new(at + ".geometry.type", new("应为 Polygon 或 MultiPolygon", "must be Polygon or MultiPolygon")));
        }
        if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
        return i;
    }

    /// <summary>Income and spending of each fund in the year: income and payments booked, plus one-stop assistance for the medical assistance fund.</summary>
    private static async Task<List<FundView>> FundsAsync(System.Data.Common.DbConnection c, string[] regions, string? region, int year, List<InsightRow> months)
    {
        var list = new List<FundView>();
        foreach (var r in region is null ? regions : [region])
            foreach (var fund in FundCodes.All)
            {
                var rows = await FundStore.EntriesAsync(c, null, r, fund);
                var inYear = rows.Where(e => e.Date.Year == year).ToList();
                var income = inYear.Where(e => e.IsIncome).Sum(e => e.Amount);
                var spending = inYear.Where(e => !e.IsIncome).Sum(e => e.Amount);
                if (fund == FundCodes.MedicalAssistance)
                    spending += (region is null ? await InsightStore.SumAsync(c, InsightStore.Region, r, $"{year:D4}-01", $"{year:D4}-12", byMonth: false) : months).Sum(m => m.Assistance + m.Tilted);
                var balance = rows.Where(e => e.IsIncome).Sum(e => e.Amount) - rows.Where(e => !e.IsIncome).Sum(e => e.Amount);
                list.Add(new FundView(r, fund, FundCodes.Name(r, fund).Zh, income, spending, balance));
            }
        return list;
    }
}
