using Doudi.Cases;
using Doudi.Policy.Vocabulary;
using Doudi.Server.Api;

namespace Doudi.Server.Settlements;

/// <summary>
/// Plausibility bounds for incoming bills (configuration <c>Doudi:Plausibility</c>, see the server README): the most a
/// bill of each kind can plausibly cost, and what to do with a bill above it: <c>hold</c> (default: held for a bureau
/// operator's review, paying nothing meanwhile) or <c>refuse</c> (422). These are operational limits against data
/// errors and abuse, not policy: the policy's own limits are applied by the engine.
/// </summary>
public sealed class PlausibilityOptions
{
    public string Action { get; set; } = "hold";
    /// <summary>Highest total (medfee_sumamt) per bill kind, in yuan.</summary>
    public Dictionary<string, decimal> MaxTotal { get; set; } = new(StringComparer.Ordinal)
    {
        ["outpatient"] = 50_000m, ["special_outpatient"] = 300_000m, ["inpatient"] = 3_000_000m, ["emergency_observation"] = 300_000m,
    };
    /// <summary>Most item lines a bill may carry.</summary>
    public int MaxItems { get; set; } = 20_000;
    /// <summary>How far the settlement time may lie ahead of the server's clock (clocks of hospital systems drift).</summary>
    public int ClockSkewMinutes { get; set; } = 10;

    public static PlausibilityOptions From(IConfiguration config)
    {
        var o = new PlausibilityOptions();
        var section = config.GetSection("Doudi:Plausibility");
        if (section["Action"] is { } action) o.Action = action;
        if (o.Action is not ("hold" or "refuse")) throw new InvalidOperationException($"Doudi:Plausibility:Action must be hold or refuse, not {o.Action}");
        foreach (var kind in section.GetSection("MaxTotal").GetChildren())
        {
            if (!Codes.TryParse<BillKind>(kind.Key, out _)) throw new InvalidOperationException($"Doudi:Plausibility:MaxTotal: unknown bill kind {kind.Key}");
            o.MaxTotal[kind.Key] = decimal.Parse(kind.Value!, System.Globalization.CultureInfo.InvariantCulture);
        }
        if (section["MaxItems"] is { } items) o.MaxItems = int.Parse(items, System.Globalization.CultureInfo.InvariantCulture);
        if (section["ClockSkewMinutes"] is { } skew) o.ClockSkewMinutes = int.Parse(skew, System.Globalization.CultureInfo.InvariantCulture);
        return o;
    }
}

/// <summary>The checks at the edge that need the server's clock or its configuration (the engine has neither).</summary>
public sealed class Plausibility(PlausibilityOptions options, TimeProvider clock)
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    public PlausibilityOptions Options => options;

    /// <summary>
    /// Refuses (400) a bill dated in the future; returns why the bill is to be held (empty: settle it). With
    /// <c>Action = refuse</c> a bill over the bounds is refused (422) instead.
    /// </summary>
    public IReadOnlyList<FieldProblem> Check(BillDocument d)
    {
        var now = clock.GetUtcNow().ToOffset(Beijing);
        var today = DateOnly.FromDateTime(now.DateTime);
        if (d.Bill.Date > today || d.SettledAt > now.AddMinutes(options.ClockSkewMinutes))
            throw ApiProblemException.Invalid([new FieldProblem(d.FieldName("date"), new(
                $"结算日期 {d.Bill.Date:yyyy-MM-dd} 晚于今天 {today:yyyy-MM-dd}（北京时间），不能结算未来的单据",
                $"the settlement date {d.Bill.Date:yyyy-MM-dd} is after today {today:yyyy-MM-dd} (Beijing time)"))]);
        var reasons = new List<FieldProblem>();
        var kind = Codes.ToCode(d.Bill.Kind);
        if (options.MaxTotal.TryGetValue(kind, out var max) && d.Bill.Total > max)
            reasons.Add(new FieldProblem(d.FieldName("total"), new(
                $"总费用 {AmountText.Format(d.Bill.Total)} 元超过{kind}单据的合理上限 {AmountText.Format(max)} 元，需人工审核",
                $"the total {AmountText.Format(d.Bill.Total)} exceeds the plausible maximum of {AmountText.Format(max)} for a {kind} bill; needs review")));
        if (d.Bill.Items.Count > options.MaxItems)
            reasons.Add(new FieldProblem(d.FieldName("items"), new(
                $"费用明细 {d.Bill.Items.Count} 条，超过合理上限 {options.MaxItems} 条", $"{d.Bill.Items.Count} item lines exceed the plausible maximum of {options.MaxItems}")));
        if (reasons.Count > 0 && options.Action == "refuse")
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, new("单据超出合理范围，已拒绝", "The bill is outside the plausibility bounds"),
                reasons, "https://doudi.example/problems/implausible");
        return reasons;
    }
}
