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
            var w = new Where().Eq("a.region", region).Eq("a.state", state);
            return await db.ReadAsync(c => c.ListAsync(
                $"SELECT a.*, p.name AS person_name FROM posthoc_applications a JOIN persons p ON p.id = a.person_id{w.Sql} ORDER BY a.created_at DESC, a.id LIMIT 500", null,
                r => new PostHocRow(r.S("id"), r.S("person_id"), r.S("person_name"), r.S("region"), r.S("township"), r.M("claimed_amount"), r.S("state"),
                    r.IsDBNull(r.GetOrdinal("paid_amount")) ? null : r.M("paid_amount"), r.T("created_at"), r.S("created_by")), w.Args), ct);
        }).RequireAuthorization(PreventionPolicies.PostHoc).WithTags("Post-hoc")
          .WithSummary("事后救助申请列表 / post-hoc applications, newest first").Produces<List<PostHocRow>>();
    }
}
