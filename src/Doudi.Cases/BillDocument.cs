using Doudi.Engine.Cases;
using Doudi.Policy.Vocabulary;

namespace Doudi.Cases;

/// <summary>Which field names a bill was written in: ours (the case file's) or the national medical-security platform's.</summary>
public enum BillNaming { Ours, National }

/// <summary>The treating institution as the bill names it (定点医药机构). Every part is optional.</summary>
public sealed record Institution(string? Code, string? Name, int? Level, string? Township);

/// <summary>The main diagnosis: ICD-10 code (医保版 codes such as J18.900 included) and its name.</summary>
public sealed record Diagnosis(string Code, string? Name);

/// <summary>
/// One itemised cost of a bill (费用明细) with what the engine does not need: catalogue code, name, quantity.
/// The engine's <see cref="Item"/> of the same line is <c>Bill.Items[i]</c>.
/// </summary>
public sealed record ItemLine(string? Code, string? Name, decimal? Quantity);

/// <summary>
/// National amounts that the engine does not take but that the answer in national names echoes back
/// (the platform's own fields, as the caller sent them). Null when absent.
/// </summary>
public sealed record NationalFields(
    string? MedType, string? InsuType, string? SetlTime,
    decimal Hifp, decimal Hifob, decimal Cvlserv, decimal Hifes, decimal Hifmi, decimal Oth, decimal? Maf,
    decimal? FulamtOwnpay, decimal? Overlmt, decimal? Preselfpay, decimal? Acct, decimal? PsnCash, string? MdtrtId);

/// <summary>
/// One bill as a server receives it: the engine's <see cref="Bill"/>, the person reference as given (an id, the
/// platform's psn_no or an ID number: resolving it is the server's job), what the bill says beside the engine's
/// inputs (region, insurance, the time of settlement, institution, diagnosis, item lines), and, in the national
/// naming, the platform's own amounts.
/// </summary>
public sealed record BillDocument(
    Bill Bill, BillNaming Naming, string PersonKey, string? Region, InsuranceType? Insurance,
    DateTimeOffset? SettledAt, Institution? Institution, Diagnosis? Diagnosis, IReadOnlyList<ItemLine> Lines, NationalFields? National)
{
    /// <summary>
    /// The bill's emergency comes from its med_type (13 急诊, 24 急诊转住院) alone, the bill not saying emergency itself.
    /// Request hashes are computed as the bill was read before med_type set it, so a bill sent again hashes as before.
    /// </summary>
    public bool EmergencyFromMedType { get; init; }

    /// <summary>The field a path of ours is called in this bill's naming (engine problems name our fields).</summary>
    public string FieldName(string path) => Naming == BillNaming.National ? NationalNames.ForPath(path) : path;
}
