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
            if (key == CacheBuster && IsCacheBuster(ctx)) continue;
            else if (!taken.Contains(key))
                problems.Add(new(key, taken.Count == 0
                    ? new("此接口不接受查询参数", "this endpoint takes no query parameters")
                    : new($"未知的查询参数，可用：{string.Join(", ", taken.Order(StringComparer.Ordinal))}",
                        $"unknown query parameter; this endpoint takes: {string.Join(", ", taken.Order(StringComparer.Ordinal))}")));
            else if (string.Equals(key, Region, StringComparison.OrdinalIgnoreCase))
                RefuseUnknownRegion(ctx, key, problems);
        if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
    }

    private const string Region = "region";
    private const string CacheBuster = "_";

    /// <summary>
    /// <c>_=1732900000000</c>: the timestamp jQuery's <c>cache: false</c> (and clients modelled on it) adds to every GET so
    /// no cache answers it. It changes nothing a read answers, so it is accepted and ignored on GET and HEAD when it is
    /// one value of digits; on a write, or with any other value, it is refused like every undeclared parameter.
    /// </summary>
    private static bool IsCacheBuster(HttpContext ctx) =>
        (HttpMethods.IsGet(ctx.Request.Method) || HttpMethods.IsHead(ctx.Request.Method))
        && ctx.Request.Query[CacheBuster] is [{ Length: > 0 and <= 20 } v] && v.All(char.IsAsciiDigit);

    /// <summary>
    /// <c>region</c> means a region of the policy catalogue on every endpoint that takes it: an unknown one (a typo, a
    /// region of another deployment) is refused by name, never answered with an empty list the caller would read as
    /// "nothing there". An empty value is left to the endpoint (a form's unselected filter: no filter).
    /// </summary>
    private static void RefuseUnknownRegion(HttpContext ctx, string key, List<FieldProblem> problems)
    {
        var engine = ctx.RequestServices.GetRequiredService<Settlements.EngineHost>();
        foreach (var value in ctx.Request.Query[key])
            if (!string.IsNullOrEmpty(value) && !engine.IsRegion(value))
                problems.Add(new(key, Msg.Unknown("统筹区", value, engine.Regions)));
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
