namespace Doudi.Server.Api;

/// <summary>A page of a list: <c>?page=1&amp;pageSize=50</c> (at most 500).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int PageNumber, int PageSize, long Total)
{
    [System.Text.Json.Serialization.JsonPropertyName("page")] public int PageNumber { get; init; } = PageNumber;
}

public readonly record struct Paging(int Page, int PageSize)
{
    public const int MaxPage = 1_000_000;
    public long Offset => (Page - 1L) * PageSize;

    public static Paging From(int? page, int? pageSize)
    {
        var problems = new List<FieldProblem>();
        if (page is < 1) problems.Add(new("page", new("页码从 1 开始", "page starts at 1")));
        else if (page is > MaxPage) problems.Add(new("page", new($"页码不能超过 {MaxPage}", $"page must be at most {MaxPage}")));
        if (pageSize is < 1 or > 500) problems.Add(new("pageSize", new("每页条数须在 1 到 500 之间", "pageSize must be between 1 and 500")));
        if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
        return new Paging(page ?? 1, pageSize ?? 50);
    }

    /// <summary>A year parameter: a plausible cost year (2000–2100) or absent; anything else is refused naming the parameter.</summary>
    public static int? Year(int? year, string name = "year") => year is null or (>= 2000 and <= 2100) ? year
        : throw ApiProblemException.Invalid([new(name, new($"年份 {year} 不合理（2000–2100）", $"{year} is not a plausible year (2000–2100)"))]);

    /// <summary>A year given in the path, as text (so "abc" is refused naming it, not answered 404).</summary>
    public static int Year(string text, string name = "year") =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var y)
            ? Year(y, name)!.Value
            : throw ApiProblemException.Invalid([new(name, Msg.NotInt(text))]);
}
