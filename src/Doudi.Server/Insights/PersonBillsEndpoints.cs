using Doudi.Engine.Cases;
using Doudi.Engine.Results;
using Doudi.Policy.Vocabulary;
using Doudi.Server.Api;
using Doudi.Server.Security;
using Doudi.Server.Settlements;
using Doudi.Server.Storage;

namespace Doudi.Server.Insights;

/// <summary>One bill's tiers in the order they pay, for the person page's waterfall: total → basic → … → personal burden.</summary>
public sealed record BillTiers(string Id, string Date, string Kind, string Policy, string? Category, string Status,
    decimal Total, decimal InPolicy, decimal Basic, decimal Critical, decimal Supplementary, decimal Assistance, decimal Tilted, decimal Burden);

/// <summary>The bills of a person's year with their inputs beside the result (the year summary gives results only).</summary>
public static class PersonBillsEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/api/insights/persons/{id}/bills", async (string id, int year, Database db, CancellationToken ct) =>
        {
            var rows = await db.ReadAsync(c => SettlementStore.OfPersonYearAsync(c, id, year), ct);
            return rows.Select(r =>
            {
                var bill = StoredResults.ReadBill(r.BillJson, r.ResultFormat);
                var result = StoredResults.Read(r.ResultJson, r.ResultFormat);
                return new BillTiers(r.Id, r.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), Codes.ToCode(bill.Kind), r.Policy,
                    result.Category is { } cat ? Codes.ToCode(cat) : null, r.Status, bill.Total, bill.InPolicy, bill.BasicPaid, result.CriticalIllness,
                    result.Supplementary, result.Assistance, result.Tilted, result.PersonalBurden);
            }).ToList();
        }).WithTags("Insights").RequireAuthorization(p => p.RequireRole(Roles.BureauAdmin, Roles.BureauOperator, Roles.Charity, Roles.Auditor))
          .WithSummary("某人某年各单据的分层金额（瀑布图）/ a person's bills of a year with their tiers").Produces<List<BillTiers>>();
    }
}
