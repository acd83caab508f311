using Doudi.Policy.Periods;
using Doudi.Policy.Prevention;
using Doudi.Policy.Vocabulary;
using Doudi.Server.Api;
using Doudi.Server.Settlements;

namespace Doudi.Server.Prevention.Common;

/// <summary>
/// Prevention's view of the policy catalogue the server loaded at start (<see cref="EngineHost"/>): the regions, and
/// per region and date the monitoring rules, premium-subsidy rules and year-end relief jobs its files define. No region,
/// document or job is named in code: a new county is new files under policies/ (or policies/local/).
/// </summary>
public sealed class PreventionCatalog(EngineHost host)
{
    /// <summary>The catalogue; when the policy files failed to load the server is not ready, and this answers 503.</summary>
    public PolicyCatalog Catalog => host.Catalog ?? throw new ApiProblemException(StatusCodes.Status503ServiceUnavailable,
        new("政策文件未加载，服务未就绪", "Policy files are not loaded; the service is not ready"),
        host.Errors.Select(e => new FieldProblem("policies", new(e, e))).ToList());

    public IReadOnlyList<string> Regions => host.Regions;
    public bool IsRegion(string region) => host.IsRegion(region);

    /// <summary>Adds a problem to <paramref name="f"/> when <paramref name="region"/> is not a region of the policy files.</summary>
    public void Check(Fields f, string field, string? region)
    {
        if (region is not null && !IsRegion(region)) f.Problem(field, Msg.Unknown("统筹区", region, Regions));
    }

    public FieldProblem? Problem(string field, string? region) =>
        region is null ? new(field, Msg.Required) : IsRegion(region) ? null : new(field, Msg.Unknown("统筹区", region, Regions));

    /// <summary>The year-end relief jobs of a region's cost year, or a 422 <c>no_relief_rule</c> naming the documents in force.</summary>
    public ReliefPolicy Relief(string region, int year)
    {
        var relief = Catalog.ReliefFor(region, year);
        if (relief is { Jobs.Count: > 0 }) return relief;
        var documents = string.Join("、", Catalog.PeriodsOf(region).Where(p => p.From.Year <= year && p.To.Year >= year).Select(p => p.Document).Distinct());
        throw PreventionProblems.Unprocessable(new($"{region} {year} 年没有年度兜底支付规则", $"{region} has no year-end relief rule for {year}"), "region",
            new($"{documents} 未规定年度兜底支付（policies/relief/ 中没有此统筹区此年度的文件）；按次结算的救助见个人年度汇总",
                $"{documents} set no year-end relief (no file in policies/relief/ for this region and year); per-bill assistance is in the person's year summary"), "no_relief_rule");
    }

    /// <summary>The job of a kind in a region's cost year (e.g. the household cap a reduction case pays).</summary>
    public (ReliefPolicy Policy, ReliefJob Job) Job(string region, int year, RunKind kind)
    {
        var relief = Relief(region, year);
        var job = relief.Jobs.FirstOrDefault(j => j.Kind == kind) ?? throw PreventionProblems.Unprocessable(
            new($"{region} {year} 年没有 {Codes.ToCode(kind)} 规则", $"{region} has no {Codes.ToCode(kind)} job for {year}"), "region",
            new($"{relief.Document} 未规定此项", $"{relief.Document} sets no such job"), "no_relief_rule");
        return (relief, job);
    }

    public static string FundCode(Fund fund) => Codes.ToCode(fund);
}
