namespace Doudi.Server.Api;

/// <summary>A page of a list: <c>?page=1&amp;pageSize=50</c> (at most 500).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int PageNumber, int PageSize, long Total)
{
    [System.Text.Json.Serialization.JsonPropertyName("page")] public int PageNumber { get; init; } = PageNumber;
}

public readonly record struct Paging(int Page, int PageSize)
{
    public int Offset => (Page - 1) * PageSize;

    public static Paging From(int? page, int? pageSize)
    {
        var problems = new List<FieldProblem>();
        if (page is < 1) problems.Add(new("page", new("页码从 1 开始", "page starts at 1")));
        if (pageSize is < 1 or > 500) problems.Add(new("pageSize", new("每页条数须在 1 到 500 之间", "pageSize must be between 1 and 500")));
        if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
        return new Paging(page ?? 1, pageSize ?? 50);
    }
}
