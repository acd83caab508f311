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
