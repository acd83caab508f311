using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Common;

namespace Doudi.Prevention.Relief;

/// <summary>The year-end jobs of issue 4, each a clause of a seed.</summary>
public enum RunKind
{
    JiandeHouseholdCap,         // 建政办函〔2024〕4号 二.(三): household lines 5,000 / 30,000 / 50,000
    FuyangSpecialAssistance,    // 富政办〔2022〕21号 二.4: 60% / 50%, limit 100,000
    FuyangBurdenCap,            // 富政办〔2022〕21号 二.4: personal reasonable burden ≤ 50,000 in 2023
    WenzhouHighCostResolution,  // 温政办〔2021〕78号 三.(四).11: burden after four tiers brought below 50,000
    Supplementary,              // retroactive differences (I-15), run by the engine
}

/// <summary>
/// Identifies one year-end job: (policy, year, kind). The ledger keys payments by run and payee, so the same run
/// made twice finds its own payments and pays nothing again.
/// </summary>
public sealed record RunId(string PolicyId, int Year, RunKind Kind)
{
    public string KindCode => Codes.ToCode(Kind);
    public override string ToString() => $"{PolicyId}:{Year}:{KindCode}";

    public static RunId Parse(string text)
    {
        var parts = text.Split(':');
        if (parts.Length == 3 && int.TryParse(parts[1], out var y) && Codes.TryParse<RunKind>(parts[2], out var k))
            return new RunId(parts[0], y, k);
        throw new PreventionException("run_id_invalid", $"运行编号格式应为 政策:年度:类型，收到 {text}", $"a run id is policy:year:kind, got {text}");
    }

    public static Bilingual KindName(RunKind k) => k switch
    {
        RunKind.JiandeHouseholdCap => new("困难家庭医疗费用负担封顶", "household burden cap"),
        RunKind.FuyangSpecialAssistance => new("特殊医疗救助", "special assistance"),
        RunKind.FuyangBurdenCap => new("个人合理医疗费用负担封顶", "personal burden cap"),
        RunKind.WenzhouHighCostResolution => new("高额医疗费用化解", "high-cost resolution"),
        _ => new("补充支付", "supplementary payment"),
    };
}
