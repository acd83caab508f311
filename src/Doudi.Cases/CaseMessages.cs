namespace Doudi.Cases;

/// <summary>
/// The problem texts staff read, in one place: Simplified Chinese first, English in brackets.
/// A value quoted in a message is shown as it was written in the file (strings in quotes).
/// </summary>
internal static class CaseMessages
{
    private static string A(decimal amount) => AmountText.Format(amount);

    public static string InvalidJson(long line, long bytePosition, string detail) =>
        $"JSON 格式错误，第 {line} 行第 {bytePosition} 字节 (invalid JSON at line {line}, byte {bytePosition}): {detail}";
    public static string InvalidText(string detail) => $"文本不是有效的 UTF-8 (text is not valid UTF-8): {detail}";
    public const string Empty = "文件为空 (the file is empty)";

    public const string UnknownField = "未知字段 (unknown field)";
    public const string MissingField = "缺少必填字段 (required field is missing)";
    public const string DuplicateField = "字段重复出现 (field is given twice)";
    public const string NotNull = "不能为 null (must not be null)";
    public const string EmptyString = "不能为空字符串 (must not be empty)";

    public static string NotObject(string shown) => $"{shown} 应为对象 (must be an object)";
    public static string NotArray(string shown) => $"{shown} 应为数组 (must be an array)";
    public static string NotString(string shown) => $"{shown} 应为字符串 (must be a string)";
    public static string NotBoolean(string shown) => $"{shown} 应为 true 或 false (must be true or false)";
    public static string NotNumber(string shown) => $"{shown} 不是数字 (is not a number)";
    public static string Negative(string shown) => $"{shown} 不能为负数 (must not be negative)";
    public static string TooLarge(string shown) => $"{shown} 金额过大，不应超过 999999999999.99 (is too large an amount)";
    public static string TooManyDecimals(string shown, int decimals = 2) =>
        decimals == 2 ? $"{shown} 超过两位小数 (has more than two decimals)" : $"{shown} 超过 {decimals} 位小数 (has more than {decimals} decimals)";
    public static string NotPositive(string shown) => $"{shown} 应大于 0 (must be more than 0)";
    public static string TooLong(int max) => $"超过 {max} 个字符 (longer than {max} characters)";
    public static string ControlCharacter(string shown) => $"{shown} 含有控制字符 (contains a control character)";
    public static string NotPlainKey(string shown) => $"{shown} 只能包含字母、数字和 _ . : - (may contain only letters, digits and _ . : -)";
    public static string NotDateTime(string shown) =>
        $"{shown} 不是有效的日期时间，格式应为 YYYY-MM-DD 或 YYYY-MM-DD HH:MM:SS（可带 +08:00）(is not a date and time; expected YYYY-MM-DD or YYYY-MM-DD HH:MM:SS, optionally with an offset such as +08:00)";
    public static string MixedNaming(string first) =>
        $"本单据已用另一种字段命名（首个字段 {first}），同一张单据只能用一种命名 (this bill already uses the other naming, starting with {first}; use one naming per bill)";
    public static string UnknownNationalCode(string shown, string zh, string en, IEnumerable<string> known) =>
        $"{shown} {zh} ({en}; known: {string.Join(", ", known)})";
    public static string MedTypeConflict(string medType, string code) => $"med_type {medType} 与 med_typecode {code} 不一致 (med_type and med_typecode disagree)";
    public static string MedTypeNameWithoutCode(string shown) =>
        $"{shown} 是医疗类别名称而不是代码，请同时给出 med_typecode (is a name, not a code; give med_typecode beside it)";
    public static string NotInstitutionCode(string shown) => $"{shown} 不是有效的定点医药机构编码（字母和数字）(is not an institution code: letters and digits)";
    public static string NotCatalogueCode(string shown) => $"{shown} 不是有效的医保目录编码 (is not a catalogue code: letters, digits, - _ .)";
    public static string NotIcd10(string shown) => $"{shown} 不是有效的 ICD-10 编码，如 J18.900 (is not an ICD-10 code such as J18.900)";
    public static string LevelConflict(int given, int institution) =>
        $"hospitalLevel {given} 与机构等级 {institution} 不一致 (hospitalLevel disagrees with the institution's level)";
    public const string ReferralConflict = "医疗类别 23 转外诊治住院 即为转诊，不能同时给出 referred: false (med_type 23 is a referral; referred: false contradicts it)";
    public static string EmergencyConflict(string medType) =>
        $"医疗类别 {medType} 为急诊就医，即为紧急情况，不能同时给出 emergency: false (med_type {medType} is an emergency visit; emergency: false contradicts it)";
    public static string NotHospitalLevel(string shown) => $"{shown} 不是 0 到 3 的整数 (is not a whole number from 0 to 3)";
    public static string NotDate(string shown) => $"{shown} 不是有效日期 (is not a date)";
    public static string NotDateFormat(string shown) => $"{shown} 不是有效日期，格式应为 YYYY-MM-DD (is not a date; expected YYYY-MM-DD)";

    public static string UnknownCode(string shown, string whatZh, string whatEn, IEnumerable<string> known) =>
        $"{shown} 不是已知的{whatZh} (is not a known {whatEn}; known: {string.Join(", ", known)})";

    public static string RevokedBeforeRecognized(string revoked, string recognized) =>
        $"取消日期 {revoked} 早于认定日期 {recognized} (revoked before recognized)";
    public static string InPolicyOverTotal(decimal inPolicy, decimal total) =>
        $"政策范围内费用 {A(inPolicy)} 超过总费用 {A(total)} (inPolicy exceeds total)";
    public static string PaidOverInPolicy(decimal basic, decimal critical, decimal inPolicy) =>
        $"基本医保 {A(basic)} + 大病保险 {A(critical)} = {A(basic + critical)} 超过政策范围内费用 {A(inPolicy)} (basicPaid + criticalPaid exceeds inPolicy)";
    public static string ReasonableOverOutOfPolicy(decimal reasonable, decimal outOfPolicy) =>
        $"认定合理的目录外费用 {A(reasonable)} 超过目录外费用（总费用 − 政策范围内费用）{A(outOfPolicy)} (reasonableOutOfPolicy exceeds total − inPolicy)";
    public static string PaidOverTotal(decimal paid, decimal total) =>
        $"各项支付合计 {A(paid)} 超过总费用 {A(total)} (basicPaid + criticalPaid + supplementaryPaid + assistancePaid exceeds total)";
    public static string SelfPaidOverTotal(decimal outside, decimal inPolicy, decimal total) =>
        $"全自费、超限价自付与先行自付合计 {A(outside)} 加政策范围内费用 {A(inPolicy)} 超过医疗费总额 {A(total)} (fulamt_ownpay_amt + overlmt_selfpay + preselfpay_amt + inscp_scp_amt exceeds medfee_sumamt)";
    public static string UnknownPerson(string shown) => $"{shown} 不是本文件中的人员 (is not a person in this file)";
    public static string DuplicateId(string shown, string firstPath) => $"{shown} 与 {firstPath} 重复 (duplicate id, first at {firstPath})";
}
