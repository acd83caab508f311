using System.Text.Json;
using System.Text.Json.Serialization;

namespace Doudi.Server.Settlements;

// Issue 9: the settlement API's request and response records. Bills are read by Doudi.Cases.BillReader and answers
// are written from the stored row with Utf8JsonWriter (StoredSettlement.ToJson, NationalAnswer): these records declare
// exactly what those read and write (tests/Doudi.Server.Tests/OpenApi keeps them equal).

/// <summary>一张单据（本系统字段名）/ a bill in our names: the bill object of a <c>doudi settle</c> case file.</summary>
public sealed record BillInOurNames(
    string Id, string Person, DateOnly Date,
    string Kind,
    decimal Total, decimal InPolicy, decimal BasicPaid,
    decimal? CriticalPaid = null, decimal? SupplementaryPaid = null,
    decimal? AssistancePaid = null,
    IReadOnlyList<BillItem>? Items = null, BillInstitution? Institution = null, BillDiagnosis? Diagnosis = null,
    string? Insurance = null, string? Region = null, decimal? ReasonableOutOfPolicy = null, bool? SpecialDisease = null,
    string? HospitalLevel = null, bool? Designated = null, bool? Referred = null, bool? WithinCity = null, string? Excluded = null,
    bool? Emergency = null);

/// <summary>A fee detail in our names.</summary>
public sealed record BillItem(string Kind, bool InCatalog, decimal Amount, string? Class = null, string? Code = null, string? Name = null, decimal? Quantity = null);

public sealed record BillInstitution(string? Code = null, string? Name = null, string? Level = null, string? Township = null);

public sealed record BillDiagnosis(string? Code = null, string? Name = null);

/// <summary>
/// 一张单据（国家医保平台字段名，同 2207）/ a bill in the national platform's names, as interface 2207 sends it. Amounts
/// may also be numeric strings; times may carry +08:00. Fields the platform sends that Doudi does not use (psn_name,
/// certno, acct_pay, psn_cash_pay, …) are accepted; any other field is refused by name.
/// </summary>
public sealed record BillInNationalNames(
    [property: JsonPropertyName("setl_id")] string SetlId,
    [property: JsonPropertyName("psn_no")] string PsnNo,
    [property: JsonPropertyName("setl_time")] string SetlTime,
    [property: JsonPropertyName("med_type")] string MedType,
    [property: JsonPropertyName("medfee_sumamt")] decimal MedfeeSumamt,
    [property: JsonPropertyName("inscp_scp_amt")] decimal InscpScpAmt,
    [property: JsonPropertyName("hifp_pay")] decimal HifpPay,
    [property: JsonPropertyName("insutype")] string? Insutype = null,
    [property: JsonPropertyName("hifmi_pay")] decimal? HifmiPay = null,
    [property: JsonPropertyName("hifob_pay")] decimal? HifobPay = null,
    [property: JsonPropertyName("cvlserv_pay")] decimal? CvlservPay = null,
    [property: JsonPropertyName("hifes_pay")] decimal? HifesPay = null,
    [property: JsonPropertyName("oth_pay")] decimal? OthPay = null,
    [property: JsonPropertyName("maf_pay")] decimal? MafPay = null,
    [property: JsonPropertyName("fulamt_ownpay_amt")] decimal? FulamtOwnpayAmt = null,
    [property: JsonPropertyName("overlmt_selfpay")] decimal? OverlmtSelfpay = null,
    [property: JsonPropertyName("preselfpay_amt")] decimal? PreselfpayAmt = null,
    [property: JsonPropertyName("acct_pay")] decimal? AcctPay = null,
    [property: JsonPropertyName("psn_cash_pay")] decimal? PsnCashPay = null,
    [property: JsonPropertyName("mdtrt_id")] string? MdtrtId = null,
    [property: JsonPropertyName("fixmedins_code")] string? FixmedinsCode = null,
    [property: JsonPropertyName("fixmedins_name")] string? FixmedinsName = null,
    [property: JsonPropertyName("hosp_lv")] string? HospLv = null,
    [property: JsonPropertyName("township")] string? Township = null,
    [property: JsonPropertyName("dise_codg")] string? DiseCodg = null,
    [property: JsonPropertyName("dise_name")] string? DiseName = null,
    [property: JsonPropertyName("med_typecode")] string? MedTypecode = null,
    [property: JsonPropertyName("psn_name")] string? PsnName = null,
    [property: JsonPropertyName("certno")] string? Certno = null,
    [property: JsonPropertyName("feedetail")] IReadOnlyList<NationalFeeDetail>? Feedetail = null);

/// <summary>A fee detail in the national names (2301).</summary>
public sealed record NationalFeeDetail(
    [property: JsonPropertyName("list_type")] string ListType,
    [property: JsonPropertyName("chrgitm_lv")] string ChrgitmLv,
    [property: JsonPropertyName("det_item_fee_sumamt")] decimal DetItemFeeSumamt,
    [property: JsonPropertyName("med_list_codg")] string? MedListCodg = null,
    [property: JsonPropertyName("hilist_name")] string? HilistName = null,
    [property: JsonPropertyName("cnt")] decimal? Cnt = null,
    [property: JsonPropertyName("class")] string? Class = null,
    [property: JsonPropertyName("feedetl_sn")] string? FeedetlSn = null);

/// <summary>
/// 结算结果 / a settlement as answered by POST /api/settlements, GET /api/settlements/{id} and a reversal: the engine's
/// result for the bill exactly as <c>doudi settle</c> writes it (result format 2; a row stored in format 1 is upgraded on
/// read and says so in <c>resultFormat</c>), then the server's fields.
/// </summary>
public sealed record SettlementAnswer(
    string Id, string Person, DateOnly Date, string Policy, string? Category,
    decimal AssistanceBase, decimal CriticalIllness, decimal Assistance, decimal Tilted, decimal Supplementary,
    decimal PersonalBurden, decimal ReasonableBurden,
    IReadOnlyDictionary<string, decimal> Counted, IReadOnlyList<ResultTraceStep> Trace,
    [property: JsonPropertyName("maf_pay")] decimal MafPay,
    int ResultFormat, string Household, string Region, string Source, string Status, DateTimeOffset SettledAt, SettlementReversal? Reversal)
{
    /// <summary>I-24: only on a bill that carried assistance paid upstream.</summary>
    public decimal? AssistanceDue { get; init; }
    public decimal? AssistanceUpstream { get; init; }
    public decimal? AssistanceDifference { get; init; }
    /// <summary>Only for a bill sent in the national names.</summary>
    [JsonPropertyName("setlinfo")] public NationalSetlinfo? Setlinfo { get; init; }
    [JsonPropertyName("setldetail")] public IReadOnlyList<NationalSetldetail>? Setldetail { get; init; }
}

public sealed record SettlementReversal(DateTimeOffset At, string By, string? Reason);

/// <summary>A step of a result's trace (result format 2): what, how much, the rule, its clause, formula and inputs.</summary>
public sealed record ResultTraceStep(
    string Step, decimal Amount, string Rule, string Detail, string? Interpretation, ResultClause? Clause, string? Formula,
    IReadOnlyDictionary<string, decimal> Inputs)
{
    /// <summary>On an annual step: the bills or persons it adds up.</summary>
    public ResultBasis? Basis { get; init; }
}

public sealed record ResultClause(string Policy, string Clause, string Document);

public sealed record ResultBasis(string Of, string Field, string Total, IReadOnlyList<ResultBasisEntry> Entries);

public sealed record ResultBasisEntry(string Id, decimal Amount)
{
    public string? Reason { get; init; }
    public string? Detail { get; init; }
}

/// <summary>setlinfo: the platform's amounts echoed with Doudi's maf_pay (医疗救助基金).</summary>
public sealed record NationalSetlinfo(
    [property: JsonPropertyName("setl_id")] string SetlId,
    [property: JsonPropertyName("psn_no")] string PsnNo,
    [property: JsonPropertyName("setl_time")] string SetlTime,
    [property: JsonPropertyName("medfee_sumamt")] decimal MedfeeSumamt,
    [property: JsonPropertyName("inscp_scp_amt")] decimal InscpScpAmt,
    [property: JsonPropertyName("hifp_pay")] decimal HifpPay,
    [property: JsonPropertyName("hifob_pay")] decimal HifobPay,
    [property: JsonPropertyName("cvlserv_pay")] decimal CvlservPay,
    [property: JsonPropertyName("hifes_pay")] decimal HifesPay,
    [property: JsonPropertyName("hifmi_pay")] decimal HifmiPay,
    [property: JsonPropertyName("maf_pay")] decimal MafPay,
    [property: JsonPropertyName("oth_pay")] decimal OthPay,
    [property: JsonPropertyName("fund_pay_sumamt")] decimal FundPaySumamt,
    [property: JsonPropertyName("psn_part_amt")] decimal PsnPartAmt)
{
    [JsonPropertyName("mdtrt_id")] public string? MdtrtId { get; init; }
    [JsonPropertyName("med_type")] public string? MedType { get; init; }
    [JsonPropertyName("insutype")] public string? Insutype { get; init; }
    [JsonPropertyName("fulamt_ownpay_amt")] public decimal? FulamtOwnpayAmt { get; init; }
    [JsonPropertyName("overlmt_selfpay")] public decimal? OverlmtSelfpay { get; init; }
    [JsonPropertyName("preselfpay_amt")] public decimal? PreselfpayAmt { get; init; }
    /// <summary>I-24: assistance the request said was paid upstream, and what is still to pay (negative: to recover).</summary>
    [JsonPropertyName("maf_pay_upstream")] public decimal? MafPayUpstream { get; init; }
    [JsonPropertyName("maf_pay_difference")] public decimal? MafPayDifference { get; init; }
}

/// <summary>setldetail: the medical-assistance fund's line (fund_pay_type 610100).</summary>
public sealed record NationalSetldetail(
    [property: JsonPropertyName("fund_pay_type")] string FundPayType,
    [property: JsonPropertyName("fund_pay_type_name")] string FundPayTypeName,
    [property: JsonPropertyName("inscp_scp_amt")] decimal InscpScpAmt,
    [property: JsonPropertyName("fund_payamt")] decimal FundPayamt,
    [property: JsonPropertyName("setl_proc_info")] string SetlProcInfo);

/// <summary>A page of settlements.</summary>
public sealed record SettlementPage(IReadOnlyList<SettlementAnswer> Items, int Page, int PageSize, long Total);

/// <summary>冲销 / a reversal's optional reason.</summary>
public sealed record ReversalRequest(string? Reason = null);

/// <summary>A bill held for review (202): nothing paid until a bureau operator releases it.</summary>
public sealed record HeldSettlementView(
    string Id, string Person, string Region, DateOnly Date, string Status,
    [property: JsonPropertyName("maf_pay")] decimal MafPay, decimal Assistance,
    IReadOnlyDictionary<string, string[]> Reasons, DateTimeOffset HeldAt, string HeldBy, string Source, HeldReview? Review,
    [property: JsonPropertyName("bill")] JsonElement Bill);

public sealed record HeldReview(DateTimeOffset? At, string? By, string? Note);

public sealed record HeldSettlementPage(IReadOnlyList<HeldSettlementView> Items, int Page, int PageSize, long Total);

/// <summary>A release or rejection note (required for a rejection).</summary>
public sealed record ReviewNoteRequest(string? Note = null);

/// <summary>2208 结算撤销: reverse by setl_id; psn_no, when given, must be the settlement's person.</summary>
public sealed record National2208Request(
    [property: JsonPropertyName("setl_id")] string SetlId,
    [property: JsonPropertyName("psn_no")] string? PsnNo = null,
    [property: JsonPropertyName("mdtrt_id")] string? MdtrtId = null);

/// <summary>1101 人员信息获取: one of psn_no, mdtrt_cert_no, certno; begntime picks the identities in force on that day.</summary>
public sealed record National1101Request(
    [property: JsonPropertyName("psn_no")] string? PsnNo = null,
    [property: JsonPropertyName("mdtrt_cert_no")] string? MdtrtCertNo = null,
    [property: JsonPropertyName("certno")] string? Certno = null,
    [property: JsonPropertyName("mdtrt_cert_type")] string? MdtrtCertType = null,
    [property: JsonPropertyName("psn_cert_type")] string? PsnCertType = null,
    [property: JsonPropertyName("card_sn")] string? CardSn = null,
    [property: JsonPropertyName("psn_name")] string? PsnName = null,
    [property: JsonPropertyName("begntime")] string? Begntime = null);

/// <summary>1101's answer: baseinfo, insuinfo, and the assistance identities as idetinfo.</summary>
public sealed record National1101Answer(
    [property: JsonPropertyName("baseinfo")] National1101Base Baseinfo,
    [property: JsonPropertyName("insuinfo")] IReadOnlyList<National1101Insurance> Insuinfo,
    [property: JsonPropertyName("idetinfo")] IReadOnlyList<National1101Identity> Idetinfo);

public sealed record National1101Base(
    [property: JsonPropertyName("psn_no")] string PsnNo,
    [property: JsonPropertyName("psn_cert_type")] string PsnCertType,
    [property: JsonPropertyName("certno")] string Certno,
    [property: JsonPropertyName("psn_name")] string PsnName,
    [property: JsonPropertyName("insuplc_admdvs")] string? InsuplcAdmdvs,
    [property: JsonPropertyName("region")] string Region);

public sealed record National1101Insurance([property: JsonPropertyName("insutype")] string Insutype);

public sealed record National1101Identity(
    [property: JsonPropertyName("psn_idet_type")] string PsnIdetType,
    [property: JsonPropertyName("category")] string Category,
    [property: JsonPropertyName("begntime")] string Begntime,
    [property: JsonPropertyName("endtime")] string? Endtime,
    [property: JsonPropertyName("memo")] string Memo);

/// <summary>
/// A stored settlement import (GET /api/settlement-imports/{id}): the published fields, then its state (running, done,
/// failed), rows done so far (live on the node running it), held rows and when it last moved and ended. The list
/// (GET /api/settlement-imports) leaves the row errors out (null).
/// </summary>
public sealed record SettlementImportView(
    string Id, string Format, string Mode, long Rows, long Settled, long Replayed, long Rejected, bool Committed,
    IReadOnlyList<RowError>? Errors, DateTimeOffset CreatedAt, string CreatedBy,
    string State = BulkImport.Done, long RowsDone = 0, long Held = 0, DateTimeOffset? UpdatedAt = null, DateTimeOffset? FinishedAt = null);

/// <summary>年度结算 / a year-end run: a region's year (year-end runs: POST /api/year-end-runs).</summary>
public sealed record YearEndRunRequest(string Region, int Year);

/// <summary>A person's year: every settlement with its trace, the sums of the settled ones, the ledger and the latest year-end result.</summary>
public sealed record PersonYearSummary(
    string Id, string Name, string IdNumber, string Household, string Region, int Year,
    decimal Assistance, decimal Tilted, decimal PersonalBurden, IReadOnlyDictionary<string, decimal> Counted,
    IReadOnlyList<SettlementAnswer> Bills, Doudi.Engine.Results.PersonYearResult? YearEnd, string? YearEndRun);

/// <summary>A household's year: its members' years and the household's latest year-end result.</summary>
public sealed record HouseholdYearSummary(
    string Id, int Year, decimal Assistance, decimal Tilted, decimal PersonalBurden, IReadOnlyList<PersonYearSummary> Members,
    Doudi.Engine.Results.HouseholdYearResult? YearEnd, string? YearEndRun);
