using System.Text.Json;
using Doudi.Cases.Json;
using Doudi.Policy.Vocabulary;

namespace Doudi.Cases.Reading;

// The national platform's names for a bill (settlement record of interface 2207 and the platform's exports).
// Mapping: basicPaid = hifp_pay + hifob_pay (职工大额) + cvlserv_pay (公务员医疗补助) + hifes_pay (企业补充): all paid before
// medical assistance, so all reduce its base; criticalPaid = hifmi_pay (0 when absent: the platform settled it);
// supplementaryPaid = oth_pay; assistancePaid = maf_pay (assistance already paid upstream, I-24).
internal sealed partial class CaseParser
{
    private static readonly (int, string)[] NationalRequired =
        [(N.SetlId, "setl_id"), (N.PsnNo, "psn_no"), (N.SetlTime, "setl_time"), (N.Medfee, "medfee_sumamt"), (N.Inscp, "inscp_scp_amt"), (N.Hifp, "hifp_pay")];

    private readonly HashSet<string> _ignoredSeen = new(StringComparer.Ordinal);
    private HashSet<string>.AlternateLookup<ReadOnlySpan<char>> IgnoredSeen => _ignoredSeen.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> IgnoredNames =
        ((HashSet<string>)NationalNames.Ignored).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Fields of the national naming; false when the name is not one of them.</summary>
    private bool ReadNationalBillField(ref JsonCursor c, scoped ReadOnlySpan<char> name, ref BillValues v, ref string? id, ref string? person, ref bool personKnown)
    {
        switch (name)
        {
            case "setl_id":
                v.Nat("setl_id");
                if (First(ref c, ref v.SeenN, N.SetlId, name) && ReadBillId(ref c, "setl_id", out var value)) id = value;
                return true;
            case "psn_no":
                v.Nat("psn_no");
                if (First(ref c, ref v.SeenN, N.PsnNo, name)) ReadPersonReference(ref c, "psn_no", out person, out personKnown);
                return true;
            case "setl_time":
                v.Nat("setl_time");
                if (First(ref c, ref v.SeenN, N.SetlTime, name) && ReadDateTime(ref c, "setl_time", out v.Date, out v.SettledAt, out var shown)) v.SetlTime = shown;
                return true;
            case "med_type":
                v.Nat("med_type");
                if (First(ref c, ref v.SeenN, N.MedType, name)) ReadMedType(ref c, "med_type", ref v);
                return true;
            case "med_typecode":
                v.Nat("med_typecode");
                if (First(ref c, ref v.SeenN, N.MedTypeCode, name)) ReadMedType(ref c, "med_typecode", ref v);
                return true;
            case "insutype":
                v.Nat("insutype");
                if (First(ref c, ref v.SeenN, N.InsuType, name)) ReadInsuType(ref c, ref v);
                return true;
            case "medfee_sumamt":
                v.Nat("medfee_sumamt");
                if (First(ref c, ref v.SeenN, N.Medfee, name)) v.TotalOk = ReadAmount(ref c, "medfee_sumamt", out v.Total, text: true);
                return true;
            case "inscp_scp_amt":
                v.Nat("inscp_scp_amt");
                if (First(ref c, ref v.SeenN, N.Inscp, name)) v.InPolicyOk = ReadAmount(ref c, "inscp_scp_amt", out v.InPolicy, text: true);
                return true;
            case "hifp_pay":
                v.Nat("hifp_pay");
                if (First(ref c, ref v.SeenN, N.Hifp, name)) v.BasicOk = ReadAmount(ref c, "hifp_pay", out v.Basic, text: true);
                return true;
            case "hifob_pay":
                v.Nat("hifob_pay");
                if (First(ref c, ref v.SeenN, N.Hifob, name)) v.OthersOk &= ReadNationalAmount(ref c, "hifob_pay", out v.Hifob);
                return true;
            case "cvlserv_pay":
                v.Nat("cvlserv_pay");
                if (First(ref c, ref v.SeenN, N.Cvlserv, name)) v.OthersOk &= ReadNationalAmount(ref c, "cvlserv_pay", out v.Cvlserv);
                return true;
            case "hifes_pay":
                v.Nat("hifes_pay");
                if (First(ref c, ref v.SeenN, N.Hifes, name)) v.OthersOk &= ReadNationalAmount(ref c, "hifes_pay", out v.Hifes);
                return true;
            case "hifmi_pay":
                v.Nat("hifmi_pay");
                if (First(ref c, ref v.SeenN, N.Hifmi, name))
                {
                    v.CriticalOk = ReadNationalAmount(ref c, "hifmi_pay", out var paid);
                    v.Critical = paid;
                }
                return true;
            case "oth_pay":
                v.Nat("oth_pay");
                if (First(ref c, ref v.SeenN, N.Oth, name)) v.SupplementaryOk = ReadNationalAmount(ref c, "oth_pay", out v.Supplementary);
                return true;
            case "maf_pay":
                v.Nat("maf_pay");
                if (First(ref c, ref v.SeenN, N.Maf, name)) v.AssistanceOk = ReadNullableAmount(ref c, "maf_pay", out v.Assistance, text: true);
                return true;
            case "fulamt_ownpay_amt":
                v.Nat("fulamt_ownpay_amt");
                if (First(ref c, ref v.SeenN, N.Fulamt, name)) v.SelfPaidOk &= ReadOptionalAmount(ref c, "fulamt_ownpay_amt", out v.FulamtOwnpay);
                return true;
            case "overlmt_selfpay":
                v.Nat("overlmt_selfpay");
                if (First(ref c, ref v.SeenN, N.Overlmt, name)) v.SelfPaidOk &= ReadOptionalAmount(ref c, "overlmt_selfpay", out v.Overlmt);
                return true;
            case "preselfpay_amt":
                v.Nat("preselfpay_amt");
                if (First(ref c, ref v.SeenN, N.Preselfpay, name)) v.SelfPaidOk &= ReadOptionalAmount(ref c, "preselfpay_amt", out v.Preselfpay);
                return true;
            case "acct_pay":
                v.Nat("acct_pay");
                if (First(ref c, ref v.SeenN, N.Acct, name)) ReadOptionalAmount(ref c, "acct_pay", out v.Acct);
                return true;
            case "psn_cash_pay":
                v.Nat("psn_cash_pay");
                if (First(ref c, ref v.SeenN, N.PsnCash, name)) ReadOptionalAmount(ref c, "psn_cash_pay", out v.PsnCash);
                return true;
            case "mdtrt_id":
                v.Nat("mdtrt_id");
                if (First(ref c, ref v.SeenN, N.MdtrtId, name) && ReadText(ref c, "mdtrt_id", MaxIdLength, out var mdtrt)) v.MdtrtId = mdtrt;
                return true;
            case "fixmedins_code":
                v.Nat("fixmedins_code");
                if (First(ref c, ref v.SeenN, N.FixmedinsCode, name) && ReadInstitutionCode(ref c, "fixmedins_code", out var code)) v.InstitutionCode = code;
                return true;
            case "fixmedins_name":
                v.Nat("fixmedins_name");
                if (First(ref c, ref v.SeenN, N.FixmedinsName, name) && ReadText(ref c, "fixmedins_name", MaxName, out var iname)) v.InstitutionName = iname;
                return true;
            case "hosp_lv":
                v.Nat("hosp_lv");
                if (First(ref c, ref v.SeenN, N.HospLv, name)) ReadHospLv(ref c, ref v);
                return true;
            case "township":
                v.Nat("township");
                if (First(ref c, ref v.SeenN, N.Township, name) && ReadText(ref c, "township", MaxShortName, out var township)) v.Township = township;
                return true;
            case "dise_codg":
                v.Nat("dise_codg");
                if (First(ref c, ref v.SeenN, N.DiseCodg, name) && ReadIcd10(ref c, "dise_codg", out var icd)) v.DiagnosisCode = icd;
                return true;
            case "dise_name":
                v.Nat("dise_name");
                if (First(ref c, ref v.SeenN, N.DiseName, name) && ReadText(ref c, "dise_name", MaxName, out var dname)) v.DiagnosisName = dname;
                return true;
            case "feedetail":
                v.Nat("feedetail");
                if (First(ref c, ref v.SeenN, N.Feedetail, name)) ReadItems(ref c, "feedetail", national: true, ref v);
                return true;
        }
        if (!IgnoredNames.TryGetValue(name, out var known)) return false;
        // Accepted and not used: still one value per field, still text without control characters.
        v.Nat(known);
        if (_ignoredBill != _billCount) { _ignoredSeen.Clear(); _ignoredBill = _billCount; }
        if (!IgnoredSeen.Add(name))
        {
            Problem(known, CaseMessages.DuplicateField);
            c.SkipValue();
            return true;
        }
        switch (c.TokenType)
        {
            case JsonTokenType.String: ReadText(ref c, known, MaxName, out _); break;
            case JsonTokenType.Number or JsonTokenType.Null or JsonTokenType.True or JsonTokenType.False: break;
            default: Wrong(ref c, known, CaseMessages.NotString(Shown(ref c))); break;
        }
        return true;
    }

    // The set of ignored fields seen belongs to one bill: cleared when the next bill first uses it.
    private int _ignoredBill = -1;
    private int _billCount;

    private void ReadMedType(ref JsonCursor c, string field, ref BillValues v)
    {
        if (c.TokenType == JsonTokenType.Null) { Problem(field, CaseMessages.NotNull); return; }
        if (!ReadText(ref c, field, MaxShortName, out var text)) return;
        bool codeField = field == "med_typecode";
        // med_type beside a med_typecode may be the category's name (普通住院): the code decides.
        if (!codeField && (v.SeenN & N.MedTypeCode) != 0) { v.MedType ??= text; return; }
        if (NationalNames.TryMedType(text, out var kind, out bool referral, out bool emergency))
        {
            if (codeField && v.MedType is not null && v.MedType != text && NationalNames.TryMedType(v.MedType, out _, out _, out _))
            {
                Problem(field, CaseMessages.MedTypeConflict(Quote(v.MedType), Quote(text)));
                return;
            }
            v.Kind = kind;
            v.Referral = referral;
            v.EmergencyVisit = emergency;
            v.MedType = text;
            return;
        }
        // A name in med_type with its code coming later in med_typecode.
        if (!codeField && !IsAsciiDigits(text)) { v.MedType = text; v.MedTypeIsName = true; return; }
        var (zh, en) = NationalNames.MedTypeRefusal(text);
        Problem(field, CaseMessages.UnknownNationalCode(Quote(text), zh, en, NationalNames.MedTypes));
    }

    private void ReadInsuType(ref JsonCursor c, ref BillValues v)
    {
        if (c.TokenType == JsonTokenType.Null) return;
        if (!ReadText(ref c, "insutype", MaxShortName, out var text)) return;
        if (NationalNames.TryInsuType(text, out var insurance)) { v.InsuType = text; v.Insurance = insurance; return; }
        Problem("insutype", CaseMessages.UnknownNationalCode(Quote(text), "不是已知的险种类型", "is not a known insutype", NationalNames.InsuTypes));
    }

    private void ReadHospLv(ref JsonCursor c, ref BillValues v)
    {
        if (c.TokenType == JsonTokenType.Null) return;
        if (!ReadText(ref c, "hosp_lv", MaxShortName, out var text)) return;
        if (NationalNames.TryHospitalLevel(text, out int level)) { v.InstitutionLevel = level; return; }
        Problem("hosp_lv", CaseMessages.UnknownNationalCode(Quote(text), "不是已知的医院等级", "is not a known hosp_lv", NationalNames.HospitalLevels));
    }

    /// <summary>An amount of the platform that may be absent (0), a JSON number or a numeric string.</summary>
    private bool ReadNationalAmount(ref JsonCursor c, string field, out decimal value)
    {
        value = 0m;
        if (c.TokenType == JsonTokenType.Null) return true;
        return ReadAmount(ref c, field, out value, text: true);
    }

    private bool ReadOptionalAmount(ref JsonCursor c, string field, out decimal? value) => ReadNullableAmount(ref c, field, out value, text: true);

    /// <summary>Bits of the national bill fields.</summary>
    private static class N
    {
        public const int SetlId = 1, PsnNo = 2, SetlTime = 4, MedType = 8, MedTypeCode = 16, InsuType = 32, Medfee = 64, Inscp = 128, Hifp = 256,
            Hifob = 512, Cvlserv = 1024, Hifes = 2048, Hifmi = 4096, Oth = 8192, Maf = 16384, Fulamt = 32768, Overlmt = 65536, Preselfpay = 1 << 17,
            Acct = 1 << 18, PsnCash = 1 << 19, MdtrtId = 1 << 20, FixmedinsCode = 1 << 21, FixmedinsName = 1 << 22, HospLv = 1 << 23,
            Township = 1 << 24, DiseCodg = 1 << 25, DiseName = 1 << 26, Feedetail = 1 << 27;
    }
}
