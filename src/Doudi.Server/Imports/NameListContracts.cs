namespace Doudi.Server.Imports;

// Issue 9: the name-list API's records. The change report itself is ChangeReport.

/// <summary>
/// 名单 JSON 格式 / a name list as JSON: <c>{"rows": [...]}</c> or the array of rows itself. Each row also accepts the
/// national and Chinese aliases of its fields (certno, psn_name, 身份证号, 姓名, …; see the server README, Import formats).
/// </summary>
public sealed record NameListJson(IReadOnlyList<NameListJsonRow> Rows);

public sealed record NameListJsonRow(
    string IdNumber, string Name, string Category, string? Household = null, string? Township = null, string? Insurance = null,
    string? PsnNo = null, DateOnly? Recognized = null, DateOnly? Revoked = null, bool? ForMedicalSpending = null);

/// <summary>A name-list batch in the list of batches.</summary>
public sealed record NameListBatchRow(string Id, string Department, string Month, string Region, string Format, int Rows, DateTimeOffset CreatedAt, string CreatedBy);
