using Doudi.Policy.Prevention;
using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Common;

namespace Doudi.Prevention.Relief;

/// <summary>
/// Identifies one year-end job: (policy, year, kind). The ledger keys payments by run and payee, so the same run
/// made twice finds its own payments and pays nothing again.
/// </summary>
/// <remarks>
/// <see cref="KindCode"/> is the code the run is published under (run keys, payment ids, report names): the generic
/// kind's code, or the code a region's relief file keeps from before kinds were generic (e.g. <c>xxx_burden_cap</c>).
/// </remarks>
public sealed record RunId(string PolicyId, int Year, RunKind Kind, string? Code = null)
{
    public string KindCode => Code ?? Codes.ToCode(Kind);
    public override string ToString() => $"{PolicyId}:{Year}:{KindCode}";

    public static RunId Parse(string text)
    {
        var parts = text.Split(':');
        if (parts.Length == 3 && int.TryParse(parts[1], out var y) && RunKinds.TryParse(parts[2], out var k))
            return new RunId(parts[0], y, k, parts[2] == Codes.ToCode(k) ? null : parts[2]);
        throw new PreventionException("run_id_invalid", $"运行编号格式应为 政策:年度:类型，收到 {text}", $"a run id is policy:year:kind, got {text}");
    }

    public static Bilingual KindName(RunKind k) => k switch
    {
        RunKind.HouseholdCap => new("困难家庭医疗费用负担封顶", "household burden cap"),
        RunKind.SpecialAssistance => new("特殊医疗救助", "special assistance"),
        RunKind.BurdenCap => new("个人合理医疗费用负担封顶", "personal burden cap"),
        RunKind.Resolution => new("高额医疗费用化解", "high-cost resolution"),
        _ => new("补充支付", "supplementary payment"),
    };
}
