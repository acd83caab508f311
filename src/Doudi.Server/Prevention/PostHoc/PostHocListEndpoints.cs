using Doudi.Policy.Vocabulary;
using Doudi.Prevention.PostHoc;
using Doudi.Server.Api;
using Doudi.Server.Prevention.Common;
using Doudi.Server.Storage;

namespace Doudi.Server.Prevention.PostHoc;

public sealed record PostHocRow(string Id, string Person, string PersonName, string Region, string Township, decimal ClaimedAmount, string State,
    decimal? PaidAmount, DateTimeOffset CreatedAt, string CreatedBy);

/// <summary>Issue 10: the list of post-hoc applications the console's work page shows (newest first, by region and state).</summary>
public static class PostHocListEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/api/posthoc-applications", async (string? region, string? state, Database db, CancellationToken ct) =>
        {
            // An unknown state is refused by name, not answered with an empty list.
            if (state is not null && !Codes.TryParse<PostHocState>(state, out _))
                throw ApiProblemException.Invalid([new("state", Msg.Unknown("状态", state, Codes.All<PostHocState>()))]);
            return await db.ReadAsync(c => PostHocService.ListAsync(c, region, state), ct);
        })
          .RequireAuthorization(PreventionPolicies.PostHoc).WithTags("Post-hoc")
          .WithSummary("事后救助申请列表 / post-hoc applications, newest first").Produces<List<PostHocRow>>();
    }
}
