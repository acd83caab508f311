namespace Doudi.Analysis.Reconciliation;

/// <summary>
/// The fields a settlement export can give, in the national platform's names (国家医保信息平台 结算信息), plus the bill
/// facts the national record does not carry comparably, in the server's names (as in the generated export). A mapping
/// profile maps a province's columns onto these; nothing else is read.
/// </summary>
public static class ExportFields
{
    /// <summary>Needed to settle and compare a bill.</summary>
    public static readonly string[] Required =
        ["setl_id", "psn_no", "setl_time", "med_type", "medfee_sumamt", "inscp_scp_amt", "hifp_pay", "maf_pay"];

    /// <summary>Read when present: amounts that enter the bill or its checks, and what the reports group by.</summary>
    public static readonly string[] Optional =
    [
        "hifob_pay", "hifes_pay", "hifmi_pay", "oth_pay", "fulamt_ownpay_amt", "psn_cash_pay", "insutype",
        "fixmedins_code", "fixmedins_name", "dise_codg", "dise_name", "psn_name",
        "hospitalLevel", "specialDisease", "designated", "referred", "withinCity", "excluded",
    ];

    /// <summary>National fields accepted and not used (they do not change what assistance is due).</summary>
    public static readonly string[] Informational =
        ["mdtrt_id", "begndate", "enddate", "overlmt_selfpay", "preselfpay_amt", "acct_pay", "psn_part_amt"];

    public static readonly HashSet<string> All = [.. Required, .. Optional, .. Informational];

    /// <summary>The target that says "accepted and ignored" in a profile.</summary>
    public const string Ignore = "ignore";
}
