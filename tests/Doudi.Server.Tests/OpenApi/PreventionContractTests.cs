using Doudi.Server.Tests.Infrastructure;

namespace Doudi.Server.Tests.OpenApi;

/// <summary>
/// Issue 9 item 2 for prevention: a list answered as JSON or as a file declares both, each with its schema
/// (OpenApiDocumentTests checks that every operation has a schema for its answers and bodies).
/// </summary>
public sealed class PreventionContractTests(SqliteFixture fx) : IClassFixture<SqliteFixture>
{
    [Theory]
    [InlineData("/api/premium-lists/monthly", "text/csv")]
    [InlineData("/api/funds/{region}/{fund}/disclosure", "text/plain")]
    public async Task A_list_answered_as_json_or_a_file_declares_both(string path, string fileType)
    {
        var (document, _) = await OpenApiDocumentTests.ReadAsync(fx);
        var content = OpenApiDocumentTests.Operations(document).Single(o => o.Path == path).Operation.Responses!["200"].Content!;
        Assert.Equal(["application/json", fileType], content.Keys.Order(StringComparer.Ordinal));
        Assert.All(content.Values, m => Assert.NotNull(m.Schema));
    }

    [Fact]
    public async Task A_reduction_case_is_the_bureaus_whole_case_or_a_departments_own_task()
    {
        var (document, _) = await OpenApiDocumentTests.ReadAsync(fx);
        var schema = OpenApiDocumentTests.Operations(document).Single(o => o.Path == "/api/reduction-cases/{id}" && o.Method == HttpMethod.Get)
            .Operation.Responses!["200"].Content!["application/json"].Schema!;
        Assert.Equal(2, schema.OneOf!.Count);
    }
}
