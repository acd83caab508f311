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
    public static string TooManyDecimals(string shown) => $"{shown} 超过两位小数 (has more than two decimals)";
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
    public static string UnknownPerson(string shown) => $"{shown} 不是本文件中的人员 (is not a person in this file)";
    public static string DuplicateId(string shown, string firstPath) => $"{shown} 与 {firstPath} 重复 (duplicate id, first at {firstPath})";
}
