using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Reduction;
using Doudi.Server.Security;

namespace Doudi.Server.Prevention.Reduction;

/// <summary>
/// Which department of a tiered-reduction procedure (policies/relief/, reduction.departments) a user acts for: a <c>department</c> user by its department claim
/// (trade_union, veterans_affairs, disabled_federation, health, education, womens_federation, agriculture_rural,
/// civil_affairs, red_cross, charity_federation), civil affairs and the charity federation by their roles.
/// Bureau staff act for none (they see every task).
/// </summary>
public static class DepartmentOf
{
    public static bool IsBureau(Actor a) => a.Role is Roles.BureauAdmin or Roles.BureauOperator;

    public static Department? For(Actor a) => a.Role switch
    {
        Roles.CivilAffairs => Department.CivilAffairs,
        Roles.Charity => Department.CharityFederation,
        Roles.Department when Codes.TryParse<Department>(a.Department, out var d) => d,
        _ => null,
    };

    public static string Code(Department d) => Codes.ToCode(d);
}
