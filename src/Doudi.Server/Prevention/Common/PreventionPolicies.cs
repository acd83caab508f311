using Doudi.Server.Security;

namespace Doudi.Server.Prevention.Common;

/// <summary>Who may do what in prevention work; appended to the server's authorization policies.</summary>
public static class PreventionPolicies
{
    /// <summary>Risk pool, cases, runs and funds to read: the bureau, civil affairs, the charity federation, auditors.</summary>
    public const string Read = "prevention_read";
    /// <summary>Self-applications are filed by grassroots staff of the bureau, civil affairs or a department (个人、单位或组织申报).</summary>
    public const string SelfApply = "prevention_self_apply";
    /// <summary>Department tasks of tiered reduction: each department (and civil affairs, the charity federation) sees its own.</summary>
    public const string DepartmentTasks = "prevention_department_tasks";
    /// <summary>Relief reports and payments: the bureau, the charity federation (it pays), auditors.</summary>
    public const string ReadRelief = "prevention_read_relief";
    /// <summary>Fund books: the bureau and the charity federation record income; payments come from runs and cases.</summary>
    public const string WriteFunds = "prevention_write_funds";
    /// <summary>Post-hoc applications: township (civil affairs / bureau counter) and county review.</summary>
    public const string PostHoc = "prevention_posthoc";

    public static void Add(Microsoft.AspNetCore.Authorization.AuthorizationBuilder b)
    {
        b.AddPolicy(Read, p => p.RequireRole(Roles.BureauAdmin, Roles.BureauOperator, Roles.CivilAffairs, Roles.Charity, Roles.Auditor));
        b.AddPolicy(SelfApply, p => p.RequireRole(Roles.BureauAdmin, Roles.BureauOperator, Roles.CivilAffairs, Roles.Department));
        b.AddPolicy(DepartmentTasks, p => p.RequireRole(Roles.Department, Roles.CivilAffairs, Roles.Charity, Roles.BureauAdmin, Roles.BureauOperator));
        b.AddPolicy(ReadRelief, p => p.RequireRole(Roles.BureauAdmin, Roles.BureauOperator, Roles.Charity, Roles.Auditor));
        b.AddPolicy(WriteFunds, p => p.RequireRole(Roles.BureauAdmin, Roles.BureauOperator, Roles.Charity));
        b.AddPolicy(PostHoc, p => p.RequireRole(Roles.BureauAdmin, Roles.BureauOperator, Roles.CivilAffairs));
    }
}
