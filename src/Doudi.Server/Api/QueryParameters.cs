using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Doudi.Server.Api;

/// <summary>
/// A query parameter an endpoint does not take is refused by name, like an unknown body field: <c>?sort=name</c>,
/// <c>?size=1000000000</c> or a misspelt <c>?pagesize=</c> would otherwise be ignored silently and the caller would
/// believe the answer sorted, complete or filtered. The parameters an endpoint takes are the ones the OpenAPI document
/// declares for it (the same API description), so the document and the check cannot disagree.
/// </summary>
public static class QueryParameters
{
    public static void Use(WebApplication app)
    {
        // Read once from this application's API description, at the first request that carries a query string.
        var declared = new Lazy<Dictionary<string, HashSet<string>>>(() => Declared(app.Services), LazyThreadSafetyMode.ExecutionAndPublication);
        app.Use(async (ctx, next) =>
        {
            if (ctx.Request.Query.Count > 0 && ctx.GetEndpoint() is { DisplayName: { } name } && declared.Value.TryGetValue(name, out var taken))
                Check(ctx, taken);
            await next();
        });
    }

    private static void Check(HttpContext ctx, HashSet<string> taken)
    {
        var problems = new List<FieldProblem>();
        foreach (var key in ctx.Request.Query.Keys)
            if (!taken.Contains(key))
                problems.Add(new(key, taken.Count == 0
                    ? new("此接口不接受查询参数", "this endpoint takes no query parameters")
                    : new($"未知的查询参数，可用：{string.Join(", ", taken.Order(StringComparer.Ordinal))}",
                        $"unknown query parameter; this endpoint takes: {string.Join(", ", taken.Order(StringComparer.Ordinal))}")));
        if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
    }

    /// <summary>Each endpoint's query parameters by its display name ("HTTP: GET /api/persons"), as the OpenAPI document lists them.</summary>
    private static Dictionary<string, HashSet<string>> Declared(IServiceProvider services)
    {
        var taken = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var group in services.GetRequiredService<IApiDescriptionGroupCollectionProvider>().ApiDescriptionGroups.Items)
            foreach (var d in group.Items)
                if (d.ActionDescriptor.DisplayName is { } n)
                {
                    var names = d.ParameterDescriptions.Where(p => p.Source == BindingSource.Query).Select(p => p.Name);
                    if (taken.TryGetValue(n, out var set)) set.UnionWith(names);
                    else taken[n] = names.ToHashSet(StringComparer.OrdinalIgnoreCase);
                }
        return taken;
    }
}
