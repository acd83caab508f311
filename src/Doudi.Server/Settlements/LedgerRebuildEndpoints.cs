using Doudi.Server.Api;
using Doudi.Server.Security;

namespace Doudi.Server.Settlements;

/// <summary>A rebuild of the running ledger totals: a region (absent: all) and a year (absent: all); <c>apply</c> writes the recomputed values.</summary>
public sealed record LedgerRebuildRequest(string? Region, int? Year, bool Apply = false);

/// <summary>
/// <c>POST /api/ledger-totals/rebuild</c> (bureau administrators): the rebuild command of <see cref="LedgerRebuild"/> over
/// HTTP; the same is the server's <c>rebuild-totals</c> command-line verb (Hosting/ServerCommands).
/// </summary>
public static class LedgerRebuildEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapPost("/api/ledger-totals/rebuild", async (HttpContext http, EngineHost engine, LedgerRebuild rebuild, CancellationToken ct) =>
        {
            // Read strictly like every body (unknown or repeated fields refused by name), not bound leniently; {} is everything.
            var problems = new List<FieldProblem>();
            LedgerRebuildRequest request;
            using (var json = await Body.ReadJsonAsync(http.Request, ct))
            {
                var f = Fields.FromJson(Body.RequireObject(json), "", problems);
                request = new LedgerRebuildRequest(f.String("region", maxLength: 64), f.Int("year"), f.Bool("apply") ?? false);
                if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            }
            if (request.Region is not null && !engine.IsRegion(request.Region)) problems.Add(new("region", Msg.Unknown("统筹区", request.Region, engine.Regions)));
            if (request.Year is < 2000 or > 2100) problems.Add(new("year", new("年度须在 2000–2100 之间", "must be between 2000 and 2100")));
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            return TypedResults.Ok(await rebuild.RunAsync(request.Region, request.Year, request.Apply, http.Actor(), ct));
        }).RequireAuthorization(Policies.Admin).WithTags("Back office")
          .WithSummary("重算年度累计：由已存结算与补付重算每人每年各限额累计，列出差异，apply 时写入（留痕）/ rebuild the running ledger totals")
          .JsonBody<LedgerRebuildRequest>().Produces<LedgerRebuildReport>();
    }
}
