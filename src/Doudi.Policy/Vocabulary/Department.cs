namespace Doudi.Policy.Vocabulary;

/// <summary>
/// Departments and organisations that may take part in a tiered-reduction procedure (glossary codes: trade_union,
/// veterans_affairs, …). Which of them a region's procedure asks, in what order and within how many working days is
/// the region's relief file (policies/relief/, <c>reduction.departments</c> and <c>reduction.answer_within</c>).
/// </summary>
public enum Department
{
    TradeUnion,          // 总工会
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
