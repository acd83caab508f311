using Doudi.Prevention.Relief;

namespace Doudi.Server.Prevention.Common;

/// <summary>Which document speaks for prevention work in each region (POLICIES.md "Seeds").</summary>
public static class PreventionRegions
{
    public sealed record RegionPolicy(string Region, string PolicyId, string Document, RunKind[] ReliefKinds);

    public static readonly Dictionary<string, RegionPolicy> All = new(StringComparer.Ordinal)
    {
        // 富政办〔2022〕21号 二.4: special assistance (medical assistance fund) and the 50,000 cap (暖心无忧 fund)
        ["fuyang"] = new("fuyang", "fuyang-2023", "富政办〔2022〕21号", [RunKind.FuyangSpecialAssistance, RunKind.FuyangBurdenCap]),
        // 建政办函〔2024〕4号 二.(三), 三.(四): household lines, paid by the charity federation after tiered reduction
        ["jiande"] = new("jiande", "jiande-2024", "建政办函〔2024〕4号", [RunKind.JiandeHouseholdCap]),
        // 温政办〔2021〕78号 三.11: burden after the four tiers brought below 50,000 (慈善医疗救助共富基金)
        ["wenzhou"] = new("wenzhou", "wenzhou-2022", "温政办〔2021〕78号", [RunKind.WenzhouHighCostResolution]),
        // 彭水府办发〔2023〕52号: no year-end relief of its own (its tilted assistance is paid per bill)
        ["pengshui"] = new("pengshui", "pengshui-2023", "彭水府办发〔2023〕52号", []),
    };

    public static RegionPolicy Of(string region) => All.TryGetValue(region, out var p) ? p
        : throw Api.ApiProblemException.Invalid([new("region", Api.Msg.Unknown("统筹区", region, All.Keys))]);

    /// <summary>The fund a relief kind pays from (issue 4 item 8): special assistance is medical assistance; caps and resolutions are charity money.</summary>
    public static string FundOf(RunKind kind) => kind == RunKind.FuyangSpecialAssistance ? Funds.FundCodes.MedicalAssistance : Funds.FundCodes.Charity;
}
