using System.Text.Json;
using Doudi.Cases.Json;
using Doudi.Engine.Cases;
using Doudi.Policy.Vocabulary;

namespace Doudi.Cases.Reading;

internal sealed partial class CaseParser
{
    /// <summary>
    /// Ids a server keeps are bounded at 64; a case file's more loosely, but bounded: no system writes a 4,096-character
    /// id, and the CSV result is read in Excel, whose cells hold 32,767 characters.
    /// </summary>
    private int MaxIdLength => Lone ? 64 : 4096;

    // Person ids read so far (id → index), when reading a whole case: a bill's person is matched against it
    // and shares the person's string instead of allocating its own.
    private Dictionary<string, int>? _personIds;
    private Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _personLookup;

    /// <summary>
    /// Reading one bill for a server (not a case file): the bill may name its region and insurance, its id must be a
    /// plain key, and what it says beyond the engine's inputs is kept in <see cref="LastDocument"/>.
    /// </summary>
    public bool Lone { get; init; }

    /// <summary>The values are cells of a CSV row: every value is text, so numbers and true/false come as strings.</summary>
    public bool Cells { get; init; }

    /// <summary>After <see cref="ReadBill"/> of a lone bill without problems: the bill with everything it said.</summary>
    public BillDocument? LastDocument { get; private set; }

    public void UsePersonDirectory(Dictionary<string, int> personIds)
    {
        _personIds = personIds;
        _personLookup = personIds.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>
    /// Reads a bill object in our names or the national platform's (one naming per bill). <paramref name="person"/> is its
    /// person reference when readable; <paramref name="personKnown"/> says whether it matched a person read before.
    /// </summary>
    public Bill? ReadBill(ref JsonCursor c, out string? id, out string? person, out bool personKnown)
    {
        id = person = null;
        personKnown = false;
        LastDocument = null;
        _billCount++;
        if (c.TokenType != JsonTokenType.StartObject) { Wrong(ref c, null, CaseMessages.NotObject(Shown(ref c))); return null; }
        int before = _problems.Count;
        var v = new BillValues();
        while (NextField(ref c, out var name))
        {
            if (!ReadOurBillField(ref c, name, ref v, ref id, ref person, ref personKnown)
                && !ReadSharedBillField(ref c, name, ref v)
                && !ReadNationalBillField(ref c, name, ref v, ref id, ref person, ref personKnown))
                UnknownField(ref c, name);
        }
        FinishBill(ref v);
        if (_problems.Count != before || id is null || person is null) return null;
        var bill = new Bill
        {
            Id = id, Person = person, Date = v.Date, Kind = v.Kind,
            Total = v.Total, InPolicy = v.InPolicy, BasicPaid = v.Basic + v.Hifob + v.Cvlserv + v.Hifes,
            CriticalPaid = v.National && v.Critical is null ? 0m : v.Critical,
            SupplementaryPaid = v.Supplementary, AssistancePaid = v.Assistance, ReasonableOutOfPolicy = v.Reasonable,
            SpecialDisease = v.SpecialDisease, HospitalLevel = v.HospitalLevel ?? v.InstitutionLevel,
            Designated = v.Designated, Emergency = v.Emergency || v.EmergencyVisit, Referred = v.Referred ?? v.Referral, WithinCity = v.WithinCity,
            Excluded = v.Excluded, Items = v.Items ?? [],
        };
        if (Lone)
        {
            Institution? institution = v.InstitutionCode is null && v.InstitutionName is null && v.InstitutionLevel is null && v.Township is null
                ? null : new Institution(v.InstitutionCode, v.InstitutionName, v.InstitutionLevel, v.Township);
            Diagnosis? diagnosis = v.DiagnosisCode is null ? null : new Diagnosis(v.DiagnosisCode, v.DiagnosisName);
            NationalFields? national = v.National
                ? new NationalFields(v.MedType, v.InsuType, v.SetlTime, v.Basic, v.Hifob, v.Cvlserv, v.Hifes, v.Critical ?? 0m, v.Supplementary,
                    v.Assistance, v.FulamtOwnpay, v.Overlmt, v.Preselfpay, v.Acct, v.PsnCash, v.MdtrtId)
                : null;
            LastDocument = new BillDocument(bill, v.National ? BillNaming.National : BillNaming.Ours, person, v.Region,
                v.Insurance, v.SettledAt, institution, diagnosis, v.Lines ?? [], national)
            {
                EmergencyFromMedType = v.EmergencyVisit && (v.Seen & B.Emergency) == 0,
            };
        }
        return bill;
    }

    /// <summary>Fields of our naming; false when the name is not one of them.</summary>
    private bool ReadOurBillField(ref JsonCursor c, scoped ReadOnlySpan<char> name, ref BillValues v, ref string? id, ref string? person, ref bool personKnown)
    {
        switch (name)
        {
            case "id":
                v.Ours("id");
                if (First(ref c, ref v.Seen, B.Id, name) && ReadBillId(ref c, "id", out var value)) id = value;
                return true;
            case "person":
                v.Ours("person");
                if (First(ref c, ref v.Seen, B.Person, name)) ReadPersonReference(ref c, "person", out person, out personKnown);
                return true;
            case "date":
                v.Ours("date");
                if (First(ref c, ref v.Seen, B.Date, name)) ReadDate(ref c, "date", out v.Date);
                return true;
            case "kind":
                v.Ours("kind");
                if (First(ref c, ref v.Seen, B.Kind, name)) ReadCode(ref c, "kind", CaseCodes.BillKind, nullable: false, out v.Kind);
                return true;
            case "total":
                v.Ours("total");
                if (First(ref c, ref v.Seen, B.Total, name)) v.TotalOk = ReadAmount(ref c, "total", out v.Total);
                return true;
            case "inPolicy":
                v.Ours("inPolicy");
                if (First(ref c, ref v.Seen, B.InPolicy, name)) v.InPolicyOk = ReadAmount(ref c, "inPolicy", out v.InPolicy);
                return true;
            case "basicPaid":
                v.Ours("basicPaid");
                if (First(ref c, ref v.Seen, B.Basic, name)) v.BasicOk = ReadAmount(ref c, "basicPaid", out v.Basic);
                return true;
            case "criticalPaid":
                v.Ours("criticalPaid");
                if (First(ref c, ref v.Seen, B.Critical, name)) v.CriticalOk = ReadNullableAmount(ref c, "criticalPaid", out v.Critical);
                return true;
            case "supplementaryPaid":
                v.Ours("supplementaryPaid");
                if (First(ref c, ref v.Seen, B.Supplementary, name)) v.SupplementaryOk = ReadAmount(ref c, "supplementaryPaid", out v.Supplementary);
                return true;
            case "assistancePaid":
                v.Ours("assistancePaid");
                if (First(ref c, ref v.Seen, B.Assistance, name)) v.AssistanceOk = ReadNullableAmount(ref c, "assistancePaid", out v.Assistance);
                return true;
            case "items":
                v.Ours("items");
                if (First(ref c, ref v.Seen, B.Items, name)) ReadItems(ref c, "items", national: false, ref v);
                return true;
            case "institution":
                v.Ours("institution");
                if (First(ref c, ref v.Seen, B.Institution, name)) ReadInstitution(ref c, ref v);
                return true;
            case "diagnosis":
                v.Ours("diagnosis");
                if (First(ref c, ref v.Seen, B.Diagnosis, name)) ReadDiagnosis(ref c, ref v);
                return true;
            case "insurance" when Lone:
                v.Ours("insurance");
                if (First(ref c, ref v.Seen, B.Insurance, name) && ReadCode(ref c, "insurance", CaseCodes.Insurance, nullable: true, out var ins)) v.Insurance = ins;
                return true;
        }
        return false;
    }

    /// <summary>Fields that have no national name and may appear in either naming.</summary>
    private bool ReadSharedBillField(ref JsonCursor c, scoped ReadOnlySpan<char> name, ref BillValues v)
    {
        switch (name)
        {
            case "reasonableOutOfPolicy":
                if (First(ref c, ref v.Seen, B.Reasonable, name)) v.ReasonableOk = ReadAmount(ref c, "reasonableOutOfPolicy", out v.Reasonable);
                return true;
            case "specialDisease":
                if (First(ref c, ref v.Seen, B.SpecialDisease, name)) ReadBool(ref c, "specialDisease", out v.SpecialDisease);
                return true;
            case "hospitalLevel":
                if (First(ref c, ref v.Seen, B.HospitalLevel, name) && ReadHospitalLevel(ref c, "hospitalLevel", out var level)) v.HospitalLevel = level;
                return true;
            case "designated":
                if (First(ref c, ref v.Seen, B.Designated, name)) ReadBool(ref c, "designated", out v.Designated);
                return true;
            case "emergency":
                if (First(ref c, ref v.Seen, B.Emergency, name)) ReadBool(ref c, "emergency", out v.Emergency);
                return true;
            case "referred":
                if (First(ref c, ref v.Seen, B.Referred, name) && ReadBool(ref c, "referred", out var referred)) v.Referred = referred;
                return true;
            case "withinCity":
                if (First(ref c, ref v.Seen, B.WithinCity, name)) ReadBool(ref c, "withinCity", out v.WithinCity);
                return true;
            case "excluded":
                if (First(ref c, ref v.Seen, B.Excluded, name)) ReadCode(ref c, "excluded", CaseCodes.Exclusion, nullable: true, out v.Excluded);
                return true;
            case "region" when Lone:
                if (First(ref c, ref v.Seen, B.Region, name) && ReadText(ref c, "region", 32, out var region)) v.Region = region;
                return true;
        }
        return false;
    }

    /// <summary>Checks that need the whole bill: required fields of its naming, one naming only, amounts within each other.</summary>
    private void FinishBill(ref BillValues v)
    {
        if (v.OursFirst is not null && v.NationalFirst is not null)
        {
            // Report at the field of the naming the bill did not start with.
            bool nationalFirst = v.NationalOrder < v.OursOrder;
            string odd = nationalFirst ? v.OursFirst : v.NationalFirst;
            Problem(odd, CaseMessages.MixedNaming(nationalFirst ? v.NationalFirst : v.OursFirst));
        }
        v.National = v.NationalFirst is not null && (v.OursFirst is null || v.NationalOrder < v.OursOrder);
        if (v.National)
        {
            RequireFields(v.SeenN, NationalRequired);
            if ((v.SeenN & (N.MedType | N.MedTypeCode)) == 0) Problem("med_type", CaseMessages.MissingField);
            else if (v.MedTypeIsName && (v.SeenN & N.MedTypeCode) == 0) Problem("med_type", CaseMessages.MedTypeNameWithoutCode(Quote(v.MedType!)));
        }
        else RequireFields(v.Seen, BillRequired);
        CheckAmounts(in v);
    }

    private static readonly (int, string)[] BillRequired =
        [(B.Id, "id"), (B.Person, "person"), (B.Date, "date"), (B.Kind, "kind"), (B.Total, "total"), (B.InPolicy, "inPolicy"), (B.Basic, "basicPaid")];

    /// <summary>
    /// The amounts of one bill must fit inside each other: basic + critical ≤ inPolicy ≤ total, the admitted
    /// out-of-catalogue cost within total − inPolicy, and all payments within total. Checked only between amounts
    /// that were read without problems, so one bad number gives one message.
    /// </summary>
    private void CheckAmounts(in BillValues v)
    {
        bool national = v.National;
        string F(string ours) => national ? NationalNames.Equivalent.GetValueOrDefault(ours, ours) : ours;
        bool total = v.TotalOk, inPolicy = v.InPolicyOk, basic = v.BasicOk && v.OthersOk;
        bool critical = v.CriticalOk || !v.Has(B.Critical, N.Hifmi);
        bool supplementary = v.SupplementaryOk || !v.Has(B.Supplementary, N.Oth);
        bool assistance = v.AssistanceOk || !v.Has(B.Assistance, N.Maf);
        bool reasonable = v.ReasonableOk || (v.Seen & B.Reasonable) == 0;
        decimal basicPaid = v.Basic + v.Hifob + v.Cvlserv + v.Hifes;
        if (total && inPolicy && v.InPolicy > v.Total)
            Problem(F("inPolicy"), CaseMessages.InPolicyOverTotal(v.InPolicy, v.Total));
        decimal criticalPaid = v.Critical ?? 0m;
        if (inPolicy && basic && critical && basicPaid + criticalPaid > v.InPolicy)
            Problem(v.Critical is null ? F("basicPaid") : F("criticalPaid"), CaseMessages.PaidOverInPolicy(basicPaid, criticalPaid, v.InPolicy));
        if (total && inPolicy && reasonable && v.InPolicy <= v.Total && v.Reasonable > v.Total - v.InPolicy)
            Problem("reasonableOutOfPolicy", CaseMessages.ReasonableOverOutOfPolicy(v.Reasonable, v.Total - v.InPolicy));
        decimal paid = basicPaid + criticalPaid + v.Supplementary + (v.Assistance ?? 0m);
        if (total && basic && critical && supplementary && assistance && basicPaid + criticalPaid <= v.Total && paid > v.Total)
            Problem(v.Assistance is > 0m ? F("assistancePaid") : F("supplementaryPaid"), CaseMessages.PaidOverTotal(paid, v.Total));
        if (v.National && total && inPolicy && v.SelfPaidOk)
        {
            decimal outside = (v.FulamtOwnpay ?? 0m) + (v.Overlmt ?? 0m) + (v.Preselfpay ?? 0m);
            if (outside + v.InPolicy > v.Total)
                Problem(v.FulamtOwnpay is not null ? "fulamt_ownpay_amt" : v.Overlmt is not null ? "overlmt_selfpay" : "preselfpay_amt",
                    CaseMessages.SelfPaidOverTotal(outside, v.InPolicy, v.Total));
        }
        // Items against their bill (dearer than the bill, over its in-policy or out-of-policy cost) are the engine's
        // check (Doudi.Engine BillChecks, issue 7 defect b), made for every reader and naming the item.
        if (v.HospitalLevel is { } given && v.InstitutionLevel is { } fromInstitution && given != fromInstitution)
            Problem("hospitalLevel", CaseMessages.LevelConflict(given, fromInstitution));
        if (v.Referral && v.Referred == false)
            Problem("referred", CaseMessages.ReferralConflict);
        if (v.EmergencyVisit && (v.Seen & B.Emergency) != 0 && !v.Emergency)
            Problem("emergency", CaseMessages.EmergencyConflict(Quote(v.MedType!)));
    }

    /// <summary>A bill's own id: short, no control characters; for a server also a plain key (letters, digits, _ . : -).</summary>
    private bool ReadBillId(ref JsonCursor c, string field, out string value)
    {
        if (!ReadText(ref c, field, MaxIdLength, out value)) return false;
        if (Lone)
            foreach (char ch in value)
                if (!(char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.' or ':' or '-')) { Problem(field, CaseMessages.NotPlainKey(Quote(value))); return false; }
        return true;
    }

    private void ReadPersonReference(ref JsonCursor c, string field, out string? person, out bool known)
    {
        person = null;
        known = false;
        if (c.TokenType != JsonTokenType.String) { Wrong(ref c, field, CaseMessages.NotString(Shown(ref c))); return; }
        if (_personIds is not null && TryShortText(ref c, out var text))
        {
            if (text.IsEmpty) { Problem(field, CaseMessages.EmptyString); return; }
            if (_personLookup.TryGetValue(text, out var existing, out _))
            {
                person = existing;
                known = true;
                return;
            }
        }
        if (ReadText(ref c, field, MaxIdLength, out var id)) person = id;
    }

    /// <summary>A bill's fields while it is read, with the defaults of the case-file contract.</summary>
    private struct BillValues
    {
        public int Seen, SeenN;
        public string? OursFirst, NationalFirst;
        public int OursOrder, NationalOrder, Order;
        public bool National;

        public DateOnly Date;
        public DateTimeOffset? SettledAt;
        public BillKind Kind;
        public decimal Total, InPolicy, Basic, Supplementary, Reasonable;
        public decimal Hifob, Cvlserv, Hifes;
        public decimal? Critical, Assistance;
        public bool TotalOk, InPolicyOk, BasicOk, CriticalOk, SupplementaryOk, AssistanceOk, ReasonableOk;
        public bool OthersOk, SelfPaidOk;
        public bool SpecialDisease;
        public bool? Referred;
        public bool Referral;
        /// <summary>The med_type code is an emergency visit (13, 24): the bill's emergency unless it says otherwise, which is refused.</summary>
        public bool EmergencyVisit;
        public bool Designated, WithinCity, Emergency;
        public int? HospitalLevel;
        public Exclusion Excluded;
        public List<Item>? Items;
        public List<ItemLine>? Lines;
        public bool ItemsOk;

        public string? Region;
        public InsuranceType? Insurance;
        public string? InstitutionCode, InstitutionName, Township, DiagnosisCode, DiagnosisName;
        public int? InstitutionLevel;

        public string? MedType, InsuType, SetlTime, MdtrtId;
        public bool MedTypeIsName;
        public decimal? FulamtOwnpay, Overlmt, Preselfpay, Acct, PsnCash;

        public BillValues()
        {
            Designated = true;
            WithinCity = true;
            OthersOk = true;
            SelfPaidOk = true;
            ItemsOk = true;
        }

        public void Ours(string name)
        {
            Order++;
            if (OursFirst is null) { OursFirst = name; OursOrder = Order; }
        }

        public void Nat(string name)
        {
            Order++;
            if (NationalFirst is null) { NationalFirst = name; NationalOrder = Order; }
        }

        public readonly bool Has(int ours, int national) => (Seen & ours) != 0 || (SeenN & national) != 0;
    }

    /// <summary>Bits of our bill fields, for "given twice" and "missing".</summary>
    private static class B
    {
        public const int Id = 1, Person = 2, Date = 4, Kind = 8, Total = 16, InPolicy = 32, Basic = 64, Critical = 128, Supplementary = 256,
            Assistance = 512, Reasonable = 1024, SpecialDisease = 2048, HospitalLevel = 4096, Designated = 8192, Referred = 16384,
            WithinCity = 32768, Excluded = 65536, Items = 131072, Institution = 1 << 18, Diagnosis = 1 << 19, Insurance = 1 << 20, Region = 1 << 21, Emergency = 1 << 22;
    }
}
