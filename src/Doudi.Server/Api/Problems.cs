using Microsoft.AspNetCore.Http.HttpResults;

namespace Doudi.Server.Api;

/// <summary>A problem with one field of a request, named by its path (e.g. <c>inscp_scp_amt</c>, <c>rows[3].category</c>).</summary>
public sealed record FieldProblem(string Path, Text Message);

/// <summary>Thrown by request handling to answer with application/problem+json; nothing has been stored.</summary>
public sealed class ApiProblemException(int status, Text title, IReadOnlyList<FieldProblem>? fields = null, string? type = null)
    : Exception(title.En)
{
    public int Status { get; } = status;
    public Text Title { get; } = title;
    public IReadOnlyList<FieldProblem> Fields { get; } = fields ?? [];
    public string? Type { get; } = type;
    /// <summary>Seconds after which the client may try again (sent as Retry-After), for 503 and 409-while-running answers.</summary>
    public int? RetryAfterSeconds { get; init; }

    public static ApiProblemException Invalid(IReadOnlyList<FieldProblem> fields) =>
        new(StatusCodes.Status400BadRequest, new("请求有误，请检查下列字段", "The request has errors in the fields below"), fields, "https://doudi.example/problems/validation");

    public static ApiProblemException NotFound(Text what) => new(StatusCodes.Status404NotFound, what);
    public static ApiProblemException Conflict(Text what) => new(StatusCodes.Status409Conflict, what, type: "https://doudi.example/problems/conflict");
    public static ApiProblemException Forbidden(Text what) => new(StatusCodes.Status403Forbidden, what);
}

public static class Problems
{
    /// <summary>
    /// Titles of the answers the framework writes by status alone (no login, a role that may not, no such path or method,
    /// a body too large or of a type not taken): in Chinese, English on request, like every other problem.
    /// </summary>
    private static readonly Dictionary<int, Text> StatusTitles = new()
    {
        [StatusCodes.Status400BadRequest] = new("请求无效", "Bad request"),
        [StatusCodes.Status401Unauthorized] = new("未登录、登录已失效或令牌无效", "Not logged in, the session has ended, or the token is not valid"),
        [StatusCodes.Status403Forbidden] = new("无权限：当前角色不能进行此操作", "Forbidden: this role may not do this"),
        [StatusCodes.Status404NotFound] = new("未找到", "Not found"),
        [StatusCodes.Status405MethodNotAllowed] = new("此路径不支持该请求方法", "This path does not take this method"),
        [StatusCodes.Status406NotAcceptable] = new("无法按要求的格式回答", "Not acceptable"),
        [StatusCodes.Status408RequestTimeout] = new("请求超时", "Request timeout"),
        [StatusCodes.Status411LengthRequired] = new("请求须带 Content-Length", "Length required"),
        [StatusCodes.Status413PayloadTooLarge] = new("请求体过大", "The request body is too large"),
        [StatusCodes.Status414UriTooLong] = new("请求地址过长", "The URI is too long"),
        [StatusCodes.Status415UnsupportedMediaType] = new("不支持的内容类型", "Unsupported media type"),
        [StatusCodes.Status431RequestHeaderFieldsTooLarge] = new("请求头过大", "Request header fields too large"),
        [StatusCodes.Status500InternalServerError] = new("服务器内部错误，本次请求未保存任何内容", "Internal server error; nothing was stored"),
    };

    /// <summary>The problem-details service's hook: a title the framework left as the status's English reason phrase is replaced.</summary>
    public static void Localize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Status is not { } status || !StatusTitles.TryGetValue(status, out var title)) return;
        var reason = Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
        // A 5xx's title is the exception handler's English sentence, not the reason phrase: replaced too.
        if (problem.Title is null || problem.Title == reason || status >= 500)
            problem.Title = title.Pick(Text.WantsEnglish(context.HttpContext));
        // The framework's 500 may carry the exception's text in development only; never a stack trace to a client.
        if (status >= 500) { problem.Detail = null; problem.Extensions.Remove("exception"); }
    }

    /// <summary>The framework's refusal of a request it could not read (a body over the limit, a bad header…), in both languages.</summary>
    public static ApiProblemException FromBadRequest(BadHttpRequestException e)
    {
        if (e.StatusCode != StatusCodes.Status413PayloadTooLarge) return new(e.StatusCode, new("请求无效：" + e.Message, "bad request: " + e.Message));
        var limit = System.Text.RegularExpressions.Regex.Match(e.Message, "([0-9]+) bytes") is { Success: true } m ? m.Groups[1].Value : null;
        return new(e.StatusCode, limit is null ? StatusTitles[e.StatusCode] : new($"请求体过大（上限 {limit} 字节）", $"The request body is too large (limit {limit} bytes)"));
    }

    /// <summary>Writes the problem as application/problem+json; <c>errors</c> maps each bad field to its messages.</summary>
    public static IResult ToResult(ApiProblemException e, HttpContext http)
    {
        if (e.RetryAfterSeconds is { } retry) http.Response.Headers.RetryAfter = retry.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var en = Text.WantsEnglish(http);
        Dictionary<string, string[]>? errors = null;
        if (e.Fields.Count > 0)
            errors = e.Fields.GroupBy(f => f.Path, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(f => f.Message.Pick(en)).ToArray(), StringComparer.Ordinal);
        var extensions = new Dictionary<string, object?>();
        if (errors is not null) extensions["errors"] = errors;
        return Results.Problem(
            statusCode: e.Status,
            title: e.Title.Pick(en),
            type: e.Type,
            detail: e.Fields.Count > 0 ? string.Join("; ", e.Fields.Select(f => $"{f.Path}: {f.Message.Pick(en)}")) : null,
            extensions: extensions);
    }

    /// <summary>The answer to a request the database could not take now (<see cref="Storage.Busy"/>): 503, Retry-After, in both languages.</summary>
    public static ApiProblemException Busy(Storage.BusyReason reason) => new(StatusCodes.Status503ServiceUnavailable,
        reason switch
        {
            Storage.BusyReason.StatementTimeout => new("数据库处理超时，请稍后重试；本次请求未保存任何内容", "The database took too long; nothing was stored. Please try again shortly"),
            Storage.BusyReason.Deadlock or Storage.BusyReason.Serialization =>
                new("与其他操作冲突，请稍后重试；本次请求未保存任何内容", "The request collided with another change; nothing was stored. Please try again shortly"),
            _ => new("相关记录正被其他操作（如名单导入）占用，请稍后重试；本次请求未保存任何内容",
                "The records this request needs are busy (for example a name-list import is changing them); nothing was stored. Please try again shortly"),
        },
        type: "https://doudi.example/problems/busy")
    { RetryAfterSeconds = reason == Storage.BusyReason.StatementTimeout ? 5 : 1 };
}
