using System.Data.Common;
using Doudi.Server.Api;
using Doudi.Server.Storage;

namespace Doudi.Server.Settlements;

/// <summary>Reads of stored settlements for the API's listings and summaries (the settlement's own writes are in SettlementService).</summary>
public static class SettlementStore
{
    /// <summary>A page of settlements by person, year and region; <paramref name="createdBy"/> limits it to one hospital's own.</summary>
    public static Task<(List<StoredSettlement> Items, long Total)> ListAsync(DbConnection c, string? person, int? year, string? region, string? createdBy, Paging paging) =>
        new Filter().Equal("person_id", person).Equal("year", year).Equal("region", region).Equal("created_by", createdBy)
            .PageAsync(c, SettlementService.Columns, "settlements", "date, id", StoredSettlement.Map, paging);

    /// <summary>A person's settlements of a year, reversed ones included, by date.</summary>
    public static Task<List<StoredSettlement>> OfPersonYearAsync(DbConnection c, string person, int year) =>
        c.ListAsync($"SELECT {SettlementService.Columns} FROM settlements WHERE person_id = @p AND year = @y ORDER BY date, id", null,
            StoredSettlement.Map, ("p", person), ("y", year));
}
