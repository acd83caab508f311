using Doudi.Policy.Prevention;

namespace Doudi.Policy.Periods;

/// <summary>
/// The prevention definitions of each region (monitoring, premium subsidy, year-end relief), read by the same loader as
/// the settlement policy files and tied to a policy document, whose region they take. Where two definitions of one kind
/// are both in force, the one whose document amends the other's wins (wenzhou-2022 over wenzhou-2020, as in settlement).
/// </summary>
public sealed partial class PolicyCatalog
{
    internal sealed record Definition<T>(T Value, string Region, string Policy, DateOnly From, DateOnly To, int Depth);

    private List<Definition<MonitoringPolicy>> _monitoring = [];
    private List<Definition<PremiumPolicy>> _premiums = [];
    private List<Definition<ReliefPolicy>> _reliefs = [];
    private List<Definition<FundPolicy>> _funds = [];
    private List<Definition<PostHocPolicy>> _postHoc = [];
    private List<Definition<PlanTargetPolicy>> _targets = [];

    internal void AttachProcedures(List<Definition<FundPolicy>> funds, List<Definition<PostHocPolicy>> postHoc, List<Definition<PlanTargetPolicy>> targets)
    {
        _funds = funds; _postHoc = postHoc; _targets = targets;
    }

    public IReadOnlyList<PlanTargetPolicy> Targets => _targets.Select(d => d.Value).ToList();
    /// <summary>A region's plan targets for a year (policies/targets/): those in force at the latest date of the year they cover, or null.</summary>
    public PlanTargetPolicy? TargetsFor(string region, int year) => ForYear(_targets, region, year);

    public IReadOnlyList<FundPolicy> FundRules => _funds.Select(d => d.Value).ToList();
    public IReadOnlyList<PostHocPolicy> PostHocRules => _postHoc.Select(d => d.Value).ToList();
    /// <summary>A region's rules on its funds in force on a date (policies/funds/), or null.</summary>
    public FundPolicy? FundsOn(string region, DateOnly date) => On(_funds, region, date);
    /// <summary>A region's post-hoc assistance in force on a date (policies/posthoc/), or null: the region has none.</summary>
    public PostHocPolicy? PostHocOn(string region, DateOnly date) => On(_postHoc, region, date);

    internal void AttachPrevention(List<Definition<MonitoringPolicy>> monitoring, List<Definition<PremiumPolicy>> premiums, List<Definition<ReliefPolicy>> reliefs)
    {
        _monitoring = monitoring; _premiums = premiums; _reliefs = reliefs;
    }

    public IReadOnlyList<MonitoringPolicy> Monitoring => _monitoring.Select(d => d.Value).ToList();
    public IReadOnlyList<PremiumPolicy> Premiums => _premiums.Select(d => d.Value).ToList();
    public IReadOnlyList<ReliefPolicy> Reliefs => _reliefs.Select(d => d.Value).ToList();

    /// <summary>The monitoring rules in force in a region on a date, or null.</summary>
    public MonitoringPolicy? MonitoringOn(string region, DateOnly date) => On(_monitoring, region, date);
    /// <summary>The monitoring rules for a region's cost year: those in force at the latest date of the year they cover.</summary>
    public MonitoringPolicy? MonitoringFor(string region, int year) => ForYear(_monitoring, region, year);
    /// <summary>The premium-subsidy rules in force in a region on a date, or null (the region's documents set none).</summary>
    public PremiumPolicy? PremiumOn(string region, DateOnly date) => On(_premiums, region, date);
    /// <summary>The year-end relief jobs of a region's cost year, or null (its documents have none).</summary>
    public ReliefPolicy? ReliefFor(string region, int year) => ForYear(_reliefs, region, year);

    /// <summary>The prevention definitions a policy file has (for <c>policy show</c>): monitoring rules, premium rules, year-end jobs.</summary>
    private void DescribePrevention(string policyId, System.Text.StringBuilder sb)
    {
        string Period(DateOnly from, DateOnly to) => $"{PolicyCompiler.Show(from)} .. {PolicyCompiler.Show(to)}";
        foreach (var d in _monitoring.Where(d => d.Policy == policyId))
        {
            sb.AppendLine($"预警监测 monitoring ({d.Value.File}; {Period(d.From, d.To)}):");
            foreach (var r in d.Value.Rules)
                sb.AppendLine($"  {r.Id}: {Vocabulary.Codes.ToCode(r.Measure)} {Vocabulary.Codes.ToCode(r.Comparison)} {ThresholdText(r.Threshold)}    [{r.Cite}]");
        }
        foreach (var d in _premiums.Where(d => d.Policy == policyId))
        {
            sb.AppendLine($"资助参保 premium subsidy ({d.Value.File}; {Period(d.From, d.To)}):");
            foreach (var r in d.Value.Rules)
                sb.AppendLine($"  {Vocabulary.Codes.ToCode(r.Item)} {Vocabulary.Codes.ToCode(r.Tier)} [{string.Join(", ", r.Categories.Select(Vocabulary.Codes.ToCode))}]: " +
                    (r.FixedAmount ? $"amount {r.Amount?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing"}"
                        : $"{r.Share?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing"} × {Vocabulary.Codes.ToCode(r.Basis)}") + $"    [{r.Cite}]");
        }
        foreach (var d in _reliefs.Where(d => d.Policy == policyId))
        {
            sb.AppendLine($"年度兜底 year-end relief ({d.Value.File}; {Period(d.From, d.To)}):");
            foreach (var j in d.Value.Jobs)
                sb.AppendLine($"  {Vocabulary.Codes.ToCode(j.Kind)} (published as {j.Code}), fund {Vocabulary.Codes.ToCode(j.Fund)}    [{j.Cite}]"
                    + (j.Reduction is { } r ? $"; tiered reduction [{r.Cite}]" : ""));
        }
        foreach (var d in _funds.Where(d => d.Policy == policyId))
        {
            sb.AppendLine($"基金规则 funds ({d.Value.File}; {Period(d.From, d.To)}):");
            foreach (var f in d.Value.Funds)
                sb.AppendLine($"  {Vocabulary.Codes.ToCode(f.Fund)}:" + (f.FiscalShare is { } s ? $" fiscal share at most {s.Fraction} [{s.Clause.Cite}]" : "")
                    + (f.Disclosure is { } c ? $" disclosure [{c.Cite}]" : ""));
        }
        foreach (var d in _targets.Where(d => d.Policy == policyId))
        {
            sb.AppendLine($"方案目标 plan targets ({d.Value.File}; {Period(d.From, d.To)}):");
            foreach (var t in d.Value.Targets)
                sb.AppendLine($"  {Vocabulary.Codes.ToCode(t.Measure)} {Vocabulary.Codes.ToCode(t.Comparison)} {t.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}    [{t.Cite}]");
        }
        foreach (var d in _postHoc.Where(d => d.Policy == policyId))
            sb.AppendLine($"事后救助 post-hoc ({d.Value.File}; {Period(d.From, d.To)}): documents {string.Join(", ", d.Value.Documents.Select(Vocabulary.Codes.ToCode))}    [{d.Value.Procedure.Cite}]");
    }

    private static string ThresholdText(Threshold t) =>
        t.IsMissing ? "missing"
        : t.Statistic is { } s ? $"{t.Ratio.ToString(System.Globalization.CultureInfo.InvariantCulture)} × {Vocabulary.Codes.ToCode(s)} ({(t.YearOffset == 0 ? "current" : "previous")} year)"
        : t.Fixed!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static T? On<T>(List<Definition<T>> defs, string region, DateOnly date) where T : class =>
        defs.Where(d => d.Region == region && d.From <= date && date <= d.To).OrderByDescending(d => d.Depth).Select(d => d.Value).FirstOrDefault();

    private static T? ForYear<T>(List<Definition<T>> defs, string region, int year) where T : class
    {
        if (year is < 1 or > 9998) return null; // no calendar year: nothing is in force (and DateOnly could not hold it)
        var start = new DateOnly(year, 1, 1);
        var end = new DateOnly(year, 12, 31);
        var covering = defs.Where(d => d.Region == region && d.From <= end && d.To >= start).ToList();
        if (covering.Count == 0) return null;
        var last = covering.Max(d => d.To < end ? d.To : end);
        return On(covering, region, last);
    }
}
