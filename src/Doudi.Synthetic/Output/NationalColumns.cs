namespace Doudi.Synthetic.Output;

/// <summary>
/// The columns of the generated national-platform export. National names (国家医保信息平台 结算信息 setlinfo and
/// 费用明细 setldetail) where the national interface has the field; the bill facts it does not carry in a
/// comparable form (special disease, designation, referral, within the city, exclusion, the
/// negative-list class of an item) in the server's own field names, which its settlement parser reads beside national
/// records.
/// </summary>
public static class NationalColumns
{
    public static readonly string[] Settlement =
    [
        "setl_id", "mdtrt_id", "psn_no", "psn_name", "insutype", "med_type", "begndate", "enddate", "setl_time",
        "fixmedins_code", "fixmedins_name", "dise_codg", "dise_name",
        "medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt",
        "hifp_pay", "hifob_pay", "hifes_pay", "hifmi_pay", "maf_pay", "oth_pay", "acct_pay", "psn_part_amt", "psn_cash_pay",
        "hosp_lv", "township", "specialDisease", "designated", "referred", "withinCity", "excluded",
    ];

    public static readonly string[] Detail =
    [
        "setl_id", "feedetl_sn", "med_list_codg", "med_list_name", "med_chrgitm_type", "chrgitm_lv",
        "det_item_fee_sumamt", "inscp_scp_amt", "fulamt_ownpay_amt", "preselfpay_amt", "class",
    ];

    /// <summary>The server's name-list CSV (POST /api/name-lists, mode full).</summary>
    public static readonly string[] NameList =
        ["idNumber", "name", "category", "household", "township", "insurance", "psnNo", "recognized", "forMedicalSpending"];

    public static readonly string[] Persons = ["psn_no", "certno", "psn_name", "household", "township_code", "township", "insurance"];
    public static readonly string[] Townships = ["township_code", "township", "residents"];
    public static readonly string[] Institutions = ["fixmedins_code", "fixmedins_name", "hospitalLevel", "township_code", "withinCity", "designated"];
    public static readonly string[] Planted = ["setl_id", "psn_no", "kind", "maf_pay_exported", "maf_pay_due", "difference"];
}
