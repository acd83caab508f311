namespace Doudi.Server.Api;

/// <summary>
/// Staff-facing text in Simplified Chinese, with English when the request asks for it (Accept-Language: en).
/// Each message is a pair; <see cref="Pick"/> chooses by the current request's language.
/// </summary>
public readonly record struct Text(string Zh, string En)
{
    public string Pick(bool english) => english ? En : Zh;
    public override string ToString() => Zh;

    public static bool WantsEnglish(HttpContext? http)
    {
        var lang = http?.Request.Headers.AcceptLanguage.ToString();
        if (string.IsNullOrEmpty(lang)) return false;
        var first = lang.Split(',')[0].Trim();
        return first.StartsWith("en", StringComparison.OrdinalIgnoreCase);
    }
}

public static class Msg
{
    public static Text Required => new("必填", "is required");
    public static Text NotAmount(string v) => new($"\"{v}\" 不是有效金额（非负数，最多两位小数）", $"\"{v}\" is not an amount (non-negative, at most two decimals)");
    public static Text NotDate(string v) => new($"\"{v}\" 不是有效日期（yyyy-MM-dd）", $"\"{v}\" is not a date (yyyy-MM-dd)");
    public static Text NotBool(string v) => new($"\"{v}\" 不是布尔值", $"\"{v}\" is not true/false");
    public static Text NotInt(string v) => new($"\"{v}\" 不是整数", $"\"{v}\" is not an integer");
    public static Text Unknown(string what, string v, IEnumerable<string> allowed) =>
        new($"未知的{what}“{v}”，可选：{string.Join(", ", allowed)}", $"unknown {what} \"{v}\"; allowed: {string.Join(", ", allowed)}");
    public static Text NotString => new("应为字符串", "must be a string");
    public static Text TooLong(int max) => new($"长度不能超过 {max}", $"must be at most {max} characters");
    public static Text Conflict(string a, string b) => new($"{a} 与 {b} 不一致", $"{a} and {b} disagree");
}
