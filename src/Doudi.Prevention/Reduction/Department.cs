using Doudi.Prevention.Common;

namespace Doudi.Prevention.Reduction;

/// <summary>The departments of jiande 三.(四), in the order the text names them ("依次").</summary>
public enum Department
{
    TradeUnion,          // 市总工会
    VeteransAffairs,     // 退役军人事务
    DisabledFederation,  // 残联
    Health,              // 卫生健康
    Education,           // 教育
    WomensFederation,    // 妇联
    AgricultureRural,    // 农业农村
    CivilAffairs,        // 民政
    RedCross,            // 红十字会
    CharityFederation,   // 慈善总会
}

public static class Departments
{
    /// <summary>建政办函〔2024〕4号 三.(四): 市总工会、退役军人事务、残联、卫生健康、教育、妇联、农业农村、民政、红十字会、慈善总会.</summary>
    public static IReadOnlyList<Department> InOrder { get; } = Enum.GetValues<Department>();

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

/// <summary>The three answers a department may give (三.(四)).</summary>
public enum AnswerKind
{
    NotEligible,     // 不符合享受相关补助条件 — within 3 working days
    AlreadyGranted,  // 已享受相关补助：具体项目及金额 — within 3 working days
    WillGrant,       // 暂未享受但符合条件：具体项目及金额 — within 7 working days
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
