using Doudi.Policy.Vocabulary;

namespace Doudi.Cases;

/// <summary>
/// The national medical-security platform's names and code tables as far as a bill needs them (interfaces 2207
/// settlement, 2301 fee details, 1101 person). These are the platform's published dictionaries, not policy: a code
/// outside them is refused with the known codes listed, never guessed.
/// </summary>
public static class NationalNames
{
    /// <summary>Our field → the platform's, for fields that have one (problems are reported in the caller's naming).</summary>
    public static readonly IReadOnlyDictionary<string, string> Equivalent = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["id"] = "setl_id", ["person"] = "psn_no", ["date"] = "setl_time", ["kind"] = "med_type", ["insurance"] = "insutype",
        ["total"] = "medfee_sumamt", ["inPolicy"] = "inscp_scp_amt", ["basicPaid"] = "hifp_pay", ["criticalPaid"] = "hifmi_pay",
        ["supplementaryPaid"] = "oth_pay", ["assistancePaid"] = "maf_pay", ["items"] = "feedetail", ["diagnosis"] = "dise_codg",
        ["institution"] = "fixmedins_code",
    };

    /// <summary>
    /// Platform fields a bill may carry that Doudi accepts and does not use (identity and display fields, the parts of
    /// the personal share, the platform's own sums). Anything neither used nor listed here is refused by name.
    /// </summary>
    public static readonly IReadOnlySet<string> Ignored = new HashSet<string>(StringComparer.Ordinal)
    {
        // who and where (never stored: certno is a full ID number)
        "mdtrt_id", "psn_name", "psn_cert_type", "certno", "gend", "naty", "brdy", "age", "psn_type", "cvlserv_flag",
        "mdtrt_cert_type", "insuplc_admdvs", "mdtrt_area_admdvs", "medins_setl_id", "clr_optins", "clr_way", "clr_type",
        "begndate", "enddate", "setl_type", "refd_setl_flag",
        // the personal share and the platform's sums: checked where they constrain the bill, otherwise not used
        "acct_pay", "psn_cash_pay", "psn_part_amt", "fund_pay_sumamt", "hosp_part_amt", "act_pay_dedc", "pool_prop_selfpay",
        "balc", "acct_mulaid_pay", "overlmt_selfpay", "preselfpay_amt", "fulamt_ownpay_amt",
    };

    /// <summary>The field of a problem path of ours in the national naming (<c>items[2].amount</c> → <c>feedetail[2].det_item_fee_sumamt</c>).</summary>
    public static string ForPath(string path)
    {
        int dot = path.IndexOfAny(['.', '[']);
        string head = dot < 0 ? path : path[..dot];
        if (!Equivalent.TryGetValue(head, out var theirs)) return path;
        string rest = dot < 0 ? "" : path[dot..];
        if (head == "items")
            foreach (var (ours, national) in ItemEquivalent)
                if (rest.EndsWith("." + ours, StringComparison.Ordinal)) { rest = rest[..^ours.Length] + national; break; }
        return theirs + rest;
    }

    public static readonly (string Ours, string National)[] ItemEquivalent =
        [("amount", "det_item_fee_sumamt"), ("kind", "list_type"), ("inCatalog", "chrgitm_lv"), ("code", "med_list_codg"), ("name", "hilist_name"), ("quantity", "cnt")];

    /// <summary>
    /// 医疗类别 med_type: the kind of bill, whether the code itself says it was a referral (23) or an emergency visit
    /// (13 急诊, 24 急诊转住院: the bill's <c>emergency</c>, P-8 as revised), or why the code is refused.
    /// </summary>
    public static bool TryMedType(ReadOnlySpan<char> code, out BillKind kind, out bool referral, out bool emergency)
    {
        referral = false;
        emergency = false;
        kind = BillKind.Outpatient;
        switch (code)
        {
            case "11": case "12": case "41": case "51": return true;            // 普通门诊, 门诊挂号, 定点药店购药, 生育门诊
            case "13": emergency = true; return true;                            // 急诊
            case "14": kind = BillKind.SpecialOutpatient; return true;           // 门诊慢特病
            case "21": case "22": case "52": kind = BillKind.Inpatient; return true; // 普通住院, 外伤住院, 生育住院
            case "24": kind = BillKind.Inpatient; emergency = true; return true; // 急诊转住院
            case "23": kind = BillKind.Inpatient; referral = true; return true;  // 转外诊治住院
        }
        // Provinces extend 14 with sub-codes of six digits (1401xx 门诊慢性病, 1402xx 门诊特殊病): still 门诊慢特病.
        if (code.Length == 6 && code.StartsWith("14") && IsDigits(code)) { kind = BillKind.SpecialOutpatient; return true; }
        return false;
    }

    public static readonly string[] MedTypes =
        ["11 普通门诊", "12 门诊挂号", "13 急诊", "14 门诊慢特病 (14xxxx)", "21 普通住院", "22 外伤住院", "23 转外诊治住院", "24 急诊转住院", "41 定点药店购药", "51 生育门诊", "52 生育住院"];

    /// <summary>Why a med_type that is not mapped is refused (9x are local extensions whose meaning differs by province).</summary>
    public static (string Zh, string En) MedTypeRefusal(ReadOnlySpan<char> code) =>
        code.Length >= 2 && code[0] == '9'
            ? ("9 开头的医疗类别是各地扩展代码，含义因省而异，请改用 kind 字段给出就诊类型",
               "med_type codes starting with 9 are local extensions whose meaning differs by province; give the bill's kind in our field kind")
            : ("不是已知的医疗类别", "is not a known med_type");

    /// <summary>险种类型 insutype → our insurance type. 320/330 supplement employee insurance; 392 is residents' critical-illness insurance.</summary>
    public static bool TryInsuType(ReadOnlySpan<char> code, out InsuranceType insurance)
    {
        insurance = InsuranceType.Resident;
        switch (code)
        {
            case "310": case "320": case "330": insurance = InsuranceType.Employee; return true; // 职工基本医疗保险, 公务员医疗补助, 大额医疗费用补助
            case "340": insurance = InsuranceType.Retiree; return true;                        // 离休人员医疗保障
            case "390": case "391": case "392": return true;                                   // 城乡居民基本医疗保险, 城镇居民, 城乡居民大病医疗保险
        }
        return false;
    }

    public static readonly string[] InsuTypes =
        ["310 职工基本医疗保险", "320 公务员医疗补助", "330 大额医疗费用补助", "340 离休人员医疗保障", "390 城乡居民基本医疗保险", "391 城镇居民基本医疗保险", "392 城乡居民大病医疗保险"];

    /// <summary>医院等级 hosp_lv → our hospital level 0–3 (01–04 三级, 05–07 二级, 08–10 一级, 11 无等级).</summary>
    public static bool TryHospitalLevel(ReadOnlySpan<char> code, out int level)
    {
        level = 0;
        if (code.Length != 2 || !IsDigits(code)) return false;
        int n = (code[0] - '0') * 10 + (code[1] - '0');
        level = n switch { >= 1 and <= 4 => 3, >= 5 and <= 7 => 2, >= 8 and <= 10 => 1, 11 => 0, _ => -1 };
        return level >= 0;
    }

    public static readonly string[] HospitalLevels = ["01–04 三级", "05–07 二级", "08–10 一级", "11 无等级"];

    /// <summary>目录类别 list_type → item kind (1xx 药品, 2xx 医疗服务项目, 3xx 医用耗材).</summary>
    public static bool TryListType(ReadOnlySpan<char> code, out ItemKind kind)
    {
        kind = ItemKind.Drug;
        switch (code)
        {
            case "101": case "102": case "103": case "104": return true; // 西药中成药, 中药饮片, 医疗机构制剂, 民族药
            case "201": kind = ItemKind.Service; return true;           // 医疗服务项目
            case "301": kind = ItemKind.Consumable; return true;        // 医用耗材
        }
        return false;
    }

    public static readonly string[] ListTypes = ["101 西药中成药", "102 中药饮片", "103 医疗机构制剂", "104 民族药", "201 医疗服务项目", "301 医用耗材"];

    /// <summary>收费项目等级 chrgitm_lv → in the catalogue (01 甲类, 02 乙类) or not (03 丙类/自费).</summary>
    public static bool TryChargeLevel(ReadOnlySpan<char> code, out bool inCatalog)
    {
        inCatalog = code is "01" or "02";
        return inCatalog || code is "03";
    }

    public static readonly string[] ChargeLevels = ["01 甲类", "02 乙类", "03 丙类（自费）"];

    /// <summary>The platform's fund type of medical assistance in setldetail (基金支付类型 610100 医疗救助基金).</summary>
    public const string AssistanceFundType = "610100";
    public const string AssistanceFundName = "医疗救助基金";

    private static bool IsDigits(ReadOnlySpan<char> s)
    {
        foreach (char c in s) if (!char.IsAsciiDigit(c)) return false;
        return s.Length > 0;
    }
}

/// <summary>The platform's times: yyyy-MM-dd, or with hh:mm:ss (space or T), a fraction and an offset; without an offset Beijing time.</summary>
public static class NationalTime
{
    /// <summary>The date in Beijing of a platform time, or false when the text is not a time (25:99:99, trailing text, …).</summary>
    public static bool TryParse(string text, out DateOnly date) => Reading.CaseParser.TryParseDateTime(text, out date, out _);
}
