using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Common;

namespace Doudi.Prevention.Reduction;

public static class Departments
{
    /// <summary>How the console and messages name a department (which departments a procedure asks, and in what order, is the region's policy file).</summary>
    public static Bilingual Name(Department d) => d switch
    {
        Department.TradeUnion => new("市总工会", "trade union"),
        Department.VeteransAffairs => new("退役军人事务局", "veterans affairs"),
        Department.DisabledFederation => new("残联", "disabled persons' federation"),
        Department.Health => new("卫生健康局", "health"),
        Department.Education => new("教育局", "education"),
        Department.WomensFederation => new("妇联", "women's federation"),
        Department.AgricultureRural => new("农业农村局", "agriculture and rural affairs"),
        Department.CivilAffairs => new("民政局", "civil affairs"),
        Department.RedCross => new("红十字会", "Red Cross"),
        _ => new("慈善总会", "charity federation"),
    };
}

/// <summary>
/// The answers a department may give. "Not eligible" and "already granted" are due within the procedure's short
/// deadline, "will grant" within its long one (<c>reduction.answer_within</c> of the region's relief file).
/// </summary>
public enum AnswerKind
{
    NotEligible,     // 不符合享受相关补助条件 — short deadline
    AlreadyGranted,  // 已享受相关补助：具体项目及金额 — short deadline
    WillGrant,       // 暂未享受但符合条件：具体项目及金额 — long deadline
    NoAnswer,        // recorded by the bureau when a department never answered, so the case can go on; counts as no grant
}

public static class AnswerKinds
{
    public static Bilingual Name(AnswerKind k) => k switch
    {
        AnswerKind.NotEligible => new("不符合补助条件", "not eligible"),
        AnswerKind.AlreadyGranted => new("已享受补助", "already granted"),
        AnswerKind.WillGrant => new("符合条件，拟补助", "will grant"),
        _ => new("逾期未反馈（医保局登记）", "no answer (recorded by the bureau)"),
    };

    public static bool IsGrant(AnswerKind k) => k is AnswerKind.AlreadyGranted or AnswerKind.WillGrant;
}
