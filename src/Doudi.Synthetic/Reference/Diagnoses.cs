using Doudi.Policy.Vocabulary;

namespace Doudi.Synthetic.Reference;

/// <summary>An ICD-10 diagnosis with how often it leads each kind of bill; <see cref="Special"/>: a chronic or serious
/// disease that hospitals flag as a special disease (特殊疾病/门诊慢特病) on the settlement.</summary>
public sealed record Diagnosis(string Code, string Name, bool Special, int Outpatient, int SpecialOutpatient, int Inpatient, int Emergency);

/// <summary>
/// Common diagnoses among assistance objects, with relative weights per kind of visit. Synthetic shape, not statistics:
/// chronic diseases dominate special outpatient visits, respiratory and circulatory diseases and cancers the stays.
/// </summary>
public static class Diagnoses
{
    public static readonly Diagnosis[] All =
    [
        new("J06.900", "急性上呼吸道感染", false, 30, 0, 2, 20),
        new("K29.700", "胃炎", false, 12, 0, 2, 5),
        new("I10.x00", "原发性高血压", true, 18, 30, 4, 5),
        new("E11.900", "2型糖尿病", true, 12, 22, 4, 2),
        new("M17.900", "膝关节病", false, 8, 2, 4, 0),
        new("J20.900", "急性支气管炎", false, 10, 0, 4, 12),
        new("I25.103", "冠状动脉粥样硬化性心脏病", true, 5, 10, 8, 8),
        new("N18.500", "慢性肾脏病5期", true, 0, 8, 4, 2),
        new("F20.900", "精神分裂症", true, 2, 10, 4, 0),
        new("C34.900", "支气管和肺恶性肿瘤", true, 1, 6, 6, 1),
        new("C16.900", "胃恶性肿瘤", true, 1, 3, 4, 1),
        new("J18.900", "肺炎", false, 2, 0, 14, 15),
        new("I63.900", "脑梗死", true, 1, 5, 12, 10),
        new("J44.100", "慢性阻塞性肺病伴急性加重", true, 2, 4, 10, 10),
        new("S72.000", "股骨颈骨折", false, 0, 0, 5, 4),
        new("K80.100", "胆囊结石伴胆囊炎", false, 1, 0, 5, 3),
        new("I21.900", "急性心肌梗死", true, 0, 0, 3, 4),
        new("O80.000", "单胎顺产", false, 0, 0, 3, 0),
    ];

    private static readonly int[][] Weights = Enum.GetValues<BillKind>()
        .Select(k => All.Select(d => k switch
        {
            BillKind.Outpatient => d.Outpatient,
            BillKind.SpecialOutpatient => d.SpecialOutpatient,
            BillKind.Inpatient => d.Inpatient,
            _ => d.Emergency,
        }).ToArray()).ToArray();

    public static Diagnosis Pick(Random rng, BillKind kind) => All[Draw.Weighted(rng, Weights[(int)kind])];
}
