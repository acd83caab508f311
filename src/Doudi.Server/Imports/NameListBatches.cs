using System.Data.Common;
using Doudi.Server.Api;
using Doudi.Server.Storage;

namespace Doudi.Server.Imports;

/// <summary>Reads of stored name-list batches for the API (the import's writes are in NameListImporter).</summary>
public static class NameListBatches
{
    /// <summary>The stored change report of a batch, as JSON, or null.</summary>
    public static async Task<string?> ReportJsonAsync(DbConnection c, string id) =>
        await c.ScalarAsync("SELECT report_json FROM name_list_batches WHERE id = @id", null, ("id", id)) as string;

    public static Task<(List<NameListBatchRow> Items, long Total)> ListAsync(DbConnection c, Paging paging) =>
        new Filter().PageAsync(c, "id, department, month, region, format, row_count, created_at, created_by", "name_list_batches", "created_at DESC, id",
            r => new NameListBatchRow(r.S("id"), r.S("department"), r.S("month"), r.S("region"), r.S("format"), r.I("row_count"), r.T("created_at"), r.S("created_by")),
            paging);
}
