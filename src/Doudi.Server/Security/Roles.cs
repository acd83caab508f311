namespace Doudi.Server.Security;

/// <summary>Staff roles and the hospital-system role of API tokens.</summary>
public static class Roles
{
    public const string BureauAdmin = "bureau_admin";        // 医保局管理员
    public const string BureauOperator = "bureau_operator";  // 医保局经办
    public const string CivilAffairs = "civil_affairs";      // 民政
    public const string Department = "department";           // 其他部门（乡村振兴、退役军人、残联…）
    public const string Charity = "charity";                 // 慈善总会
    public const string Auditor = "auditor";                 // 审计（只读）
    public const string Hospital = "hospital";               // 医院系统（API 令牌）

    public static readonly string[] Staff = [BureauAdmin, BureauOperator, CivilAffairs, Department, Charity, Auditor];

    /// <summary>Roles that see ID numbers in full; everyone else sees them masked.</summary>
    public static readonly HashSet<string> SeeIdNumbers = [BureauAdmin, BureauOperator, CivilAffairs];

    public static readonly Dictionary<string, Api.Text> Names = new()
    {
        [BureauAdmin] = new("医保局管理员", "bureau administrator"),
        [BureauOperator] = new("医保局经办人员", "bureau operator"),
        [CivilAffairs] = new("民政部门", "civil affairs"),
        [Department] = new("其他部门", "other department"),
        [Charity] = new("慈善总会", "charity federation"),
        [Auditor] = new("审计（只读）", "auditor (read-only)"),
        [Hospital] = new("医院系统", "hospital system"),
    };
}

/// <summary>Authorization policies: which roles may do what.</summary>
public static class Policies
{
    public const string Admin = "admin";
    public const string Operate = "operate";
    public const string Settle = "settle";
    public const string ImportNameLists = "import_name_lists";
    public const string ReadRegistry = "read_registry";
    public const string ReadSettlements = "read_settlements";
    public const string ReadAudit = "read_audit";
    /// <summary>Year summaries and year-end runs show every bill of a person or household (other hospitals' included) and household members: not for hospitals.</summary>
    public const string ReadYears = "read_years";

    public static void Add(Microsoft.AspNetCore.Authorization.AuthorizationBuilder b)
    {
        b.AddPolicy(Admin, p => p.RequireRole(Roles.BureauAdmin));
        b.AddPolicy(Operate, p => p.RequireRole(Roles.BureauAdmin, Roles.BureauOperator));
        b.AddPolicy(Settle, p => p.RequireRole(Roles.BureauAdmin, Roles.BureauOperator, Roles.Hospital));
        b.AddPolicy(ImportNameLists, p => p.RequireRole(Roles.BureauAdmin, Roles.BureauOperator, Roles.CivilAffairs, Roles.Department));
        b.AddPolicy(ReadRegistry, p => p.RequireRole(Roles.BureauAdmin, Roles.BureauOperator, Roles.CivilAffairs, Roles.Department, Roles.Charity, Roles.Auditor));
        b.AddPolicy(ReadSettlements, p => p.RequireRole(Roles.BureauAdmin, Roles.BureauOperator, Roles.Charity, Roles.Auditor, Roles.Hospital));
        b.AddPolicy(ReadAudit, p => p.RequireRole(Roles.BureauAdmin, Roles.Auditor));
        b.AddPolicy(ReadYears, p => p.RequireRole(Roles.BureauAdmin, Roles.BureauOperator, Roles.Charity, Roles.Auditor));
    }
}
