using Doudi.Server.Tests.Infrastructure;
using Microsoft.OpenApi;

namespace Doudi.Server.Tests.OpenApi;

/// <summary>
/// Issue 9 item 2 for prevention (src/Doudi.Server/Prevention/**): every operation declares what it answers on success
/// with a schema (JSON record, or a file/text type), and every body it reads.
/// </summary>
public sealed class PreventionContractTests(SqliteFixture fx) : IClassFixture<SqliteFixture>
{
    private static readonly string[] Prefixes =
    [
        "/api/calendar", "/api/monitoring", "/api/risk-pool", "/api/reduction-cases", "/api/reduction-tasks", "/api/relief-runs", "/api/relief-payments",
        "/api/supplementary-payments", "/api/posthoc-applications", "/api/premium-lists", "/api/funds",
    ];

    private static bool Prevention(string path) =>
        Prefixes.Any(p => path.StartsWith(p, StringComparison.Ordinal)) || path.EndsWith("/retroactive", StringComparison.Ordinal) || path.EndsWith("/insurance-tier", StringComparison.Ordinal);

    [Fact]
    public async Task Every_prevention_operation_declares_its_success_answer_and_its_body()
    {
        var (document, _) = await OpenApiDocumentTests.ReadAsync(fx);
        var ops = OpenApiDocumentTests.Operations(document).Where(o => Prevention(o.Path)).ToList();
        Assert.True(ops.Count >= 45, $"only {ops.Count} prevention operations");
        var problems = new List<string>();
        foreach (var (path, method, op) in ops)
        {
            var name = $"{method.Method.ToUpperInvariant()} {path}";
            var success = (op.Responses ?? []).Where(r => r.Key.StartsWith('2')).ToList();
            if (success.Count == 0) problems.Add($"{name}: no success status");
            foreach (var (status, response) in success)
                if (response.Content is not { Count: > 0 } content || content.Values.Any(m => m.Schema is null))
                    problems.Add($"{name} {status}: no schema");
            bool readsBody = (method == HttpMethod.Post || method == HttpMethod.Put) && !path.EndsWith("/retroactive", StringComparison.Ordinal);
            if (readsBody && op.RequestBody?.Content is not { Count: > 0 }) problems.Add($"{name}: body not declared");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        // A list answered as JSON or CSV declares both.
        var premium = ops.Single(o => o.Path == "/api/premium-lists/monthly").Operation.Responses!["200"].Content!;
        Assert.Equal(["application/json", "text/csv"], premium.Keys.Order(StringComparer.Ordinal));
    }
}
