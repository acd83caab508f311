namespace Doudi.Analysis.Reconciliation;

/// <summary>
/// The fields a settlement export can give: the national platform's names that the bill contract (Doudi.Cases,
/// <see cref="Doudi.Cases.NationalNames"/>) reads or accepts, plus the bill facts the national record does not carry
/// comparably, in our names. A mapping profile maps a province's columns onto these; nothing else is read.
/// </summary>
public static class ExportFields
{
    /// <summary>Needed to settle and compare a bill.</summary>
    public static readonly string[] Required =
        ["setl_id", "psn_no", "setl_time", "med_type", "medfee_sumamt", "inscp_scp_amt", "hifp_pay", "maf_pay"];

    /// <summary>Read when present: amounts that enter the bill or its checks, and what the reports group by.</summary>
    public static readonly string[] Optional =
    [
        "hifob_pay", "hifes_pay", "cvlserv_pay", "hifmi_pay", "oth_pay", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt",
        "acct_pay", "psn_cash_pay", "insutype", "med_typecode", "mdtrt_id", "fixmedins_code", "fixmedins_name", "hosp_lv", "township",
        "dise_codg", "dise_name", "hospitalLevel", "specialDisease", "designated", "referred", "withinCity", "excluded",
        "emergency",
    ];

    /// <summary>National fields the bill contract accepts and does not use.</summary>
    public static IEnumerable<string> Informational => Doudi.Cases.NationalNames.Ignored;

    public static readonly HashSet<string> All = new([.. Required, .. Optional, .. Informational], StringComparer.Ordinal);

    /// <summary>The target that says "accepted and ignored" in a profile.</summary>
    public const string Ignore = "ignore";
}
