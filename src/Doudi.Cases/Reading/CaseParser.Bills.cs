using System.Text.Json;
using Doudi.Cases.Json;
using Doudi.Engine.Cases;
using Doudi.Policy.Vocabulary;

namespace Doudi.Cases.Reading;

internal sealed partial class CaseParser
{
    private static readonly (int, string)[] BillRequired =
        [(1, "id"), (2, "person"), (4, "date"), (8, "kind"), (16, "total"), (32, "inPolicy"), (64, "basicPaid")];
    private static readonly (int, string)[] ItemRequired = [(1, "kind"), (4, "inCatalog"), (8, "amount")];

    // Person ids read so far (id → index), when reading a whole case: a bill's person is matched against it
    // and shares the person's string instead of allocating its own.
    private Dictionary<string, int>? _personIds;
    private Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _personLookup;

    public void UsePersonDirectory(Dictionary<string, int> personIds)
    {
        _personIds = personIds;
        _personLookup = personIds.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>
    /// Reads a bill object. <paramref name="person"/> is its person reference when readable; <paramref name="personKnown"/>
    /// says whether it matched a person read before (always false without a person directory).
    /// </summary>
    public Bill? ReadBill(ref JsonCursor c, out string? id, out string? person, out bool personKnown)
    {
        id = person = null;
        personKnown = false;
        if (c.TokenType != JsonTokenType.StartObject) { Wrong(ref c, null, CaseMessages.NotObject(Shown(ref c))); return null; }
        int before = _problems.Count, seen = 0;
        var v = new BillValues();
        while (NextField(ref c, out var name))
        {
            switch (name)
            {
                case "id":
                    if (First(ref c, ref seen, 1, name) && ReadId(ref c, "id", out var value)) id = value;
                    break;
                case "person":
                    if (First(ref c, ref seen, 2, name)) ReadPersonReference(ref c, out person, out personKnown);
                    break;
                case "date":
                    if (First(ref c, ref seen, 4, name)) ReadDate(ref c, "date", out v.Date);
                    break;
                case "kind":
                    if (First(ref c, ref seen, 8, name)) ReadCode(ref c, "kind", CaseCodes.BillKind, nullable: false, out v.Kind);
                    break;
                case "total":
                    if (First(ref c, ref seen, 16, name)) v.TotalOk = ReadAmount(ref c, "total", out v.Total);
                    break;
                case "inPolicy":
                    if (First(ref c, ref seen, 32, name)) v.InPolicyOk = ReadAmount(ref c, "inPolicy", out v.InPolicy);
                    break;
                case "basicPaid":
                    if (First(ref c, ref seen, 64, name)) v.BasicOk = ReadAmount(ref c, "basicPaid", out v.Basic);
                    break;
                case "criticalPaid":
                    if (First(ref c, ref seen, 128, name)) v.CriticalOk = ReadNullableAmount(ref c, "criticalPaid", out v.Critical);
                    break;
                case "supplementaryPaid":
                    if (First(ref c, ref seen, 256, name)) v.SupplementaryOk = ReadAmount(ref c, "supplementaryPaid", out v.Supplementary);
                    break;
                case "assistancePaid":
                    if (First(ref c, ref seen, 512, name)) v.AssistanceOk = ReadNullableAmount(ref c, "assistancePaid", out v.Assistance);
                    break;
                case "reasonableOutOfPolicy":
                    if (First(ref c, ref seen, 1024, name)) v.ReasonableOk = ReadAmount(ref c, "reasonableOutOfPolicy", out v.Reasonable);
                    break;
                case "specialDisease":
                    if (First(ref c, ref seen, 2048, name)) ReadBool(ref c, "specialDisease", out v.SpecialDisease);
                    break;
                case "hospitalLevel":
                    if (First(ref c, ref seen, 4096, name)) ReadHospitalLevel(ref c, "hospitalLevel", out v.HospitalLevel);
                    break;
                case "designated":
                    if (First(ref c, ref seen, 8192, name)) ReadBool(ref c, "designated", out v.Designated);
                    break;
                case "referred":
                    if (First(ref c, ref seen, 16384, name)) ReadBool(ref c, "referred", out v.Referred);
                    break;
                case "withinCity":
                    if (First(ref c, ref seen, 32768, name)) ReadBool(ref c, "withinCity", out v.WithinCity);
                    break;
                case "excluded":
                    if (First(ref c, ref seen, 65536, name)) ReadCode(ref c, "excluded", CaseCodes.Exclusion, nullable: true, out v.Excluded);
                    break;
                case "items":
                    if (First(ref c, ref seen, 131072, name)) v.Items = ReadItems(ref c);
                    break;
                default:
                    UnknownField(ref c, name);
                    break;
            }
        }
        RequireFields(seen, BillRequired);
        CheckAmounts(in v, seen);
        if (_problems.Count != before || id is null || person is null) return null;
        return new Bill
        {
            Id = id, Person = person, Date = v.Date, Kind = v.Kind,
            Total = v.Total, InPolicy = v.InPolicy, BasicPaid = v.Basic, CriticalPaid = v.Critical,
            SupplementaryPaid = v.Supplementary, AssistancePaid = v.Assistance, ReasonableOutOfPolicy = v.Reasonable,
            SpecialDisease = v.SpecialDisease, HospitalLevel = v.HospitalLevel,
            Designated = v.Designated, Referred = v.Referred, WithinCity = v.WithinCity,
            Excluded = v.Excluded, Items = v.Items ?? [],
        };
    }

    /// <summary>
    /// The amounts of one bill must fit inside each other: basic + critical ≤ inPolicy ≤ total, the admitted
    /// out-of-catalogue cost within total − inPolicy, and all payments within total. Checked only between amounts
    /// that were read without problems, so one bad number gives one message.
    /// </summary>
    private void CheckAmounts(in BillValues v, int seen)
    {
        bool total = v.TotalOk, inPolicy = v.InPolicyOk, basic = v.BasicOk;
        bool critical = v.CriticalOk || (seen & 128) == 0;
        bool supplementary = v.SupplementaryOk || (seen & 256) == 0;
        bool assistance = v.AssistanceOk || (seen & 512) == 0;
        bool reasonable = v.ReasonableOk || (seen & 1024) == 0;
        if (total && inPolicy && v.InPolicy > v.Total)
            Problem("inPolicy", CaseMessages.InPolicyOverTotal(v.InPolicy, v.Total));
        decimal criticalPaid = v.Critical ?? 0m;
        if (inPolicy && basic && critical && v.Basic + criticalPaid > v.InPolicy)
            Problem(v.Critical is null ? "basicPaid" : "criticalPaid", CaseMessages.PaidOverInPolicy(v.Basic, criticalPaid, v.InPolicy));
        if (total && inPolicy && reasonable && v.InPolicy <= v.Total && v.Reasonable > v.Total - v.InPolicy)
            Problem("reasonableOutOfPolicy", CaseMessages.ReasonableOverOutOfPolicy(v.Reasonable, v.Total - v.InPolicy));
        decimal paid = v.Basic + criticalPaid + v.Supplementary + (v.Assistance ?? 0m);
        if (total && basic && critical && supplementary && assistance && v.Basic + criticalPaid <= v.Total && paid > v.Total)
            Problem(v.Assistance is > 0m ? "assistancePaid" : "supplementaryPaid", CaseMessages.PaidOverTotal(paid, v.Total));
    }

    private void ReadPersonReference(ref JsonCursor c, out string? person, out bool known)
    {
        person = null;
        known = false;
        if (c.TokenType != JsonTokenType.String) { Wrong(ref c, "person", CaseMessages.NotString(Shown(ref c))); return; }
        if (_personIds is not null && TryShortText(ref c, out var text))
        {
            if (text.IsEmpty) { Problem("person", CaseMessages.EmptyString); return; }
            if (_personLookup.TryGetValue(text, out var existing, out _))
            {
                person = existing;
                known = true;
                return;
            }
            person = new string(text);
            return;
        }
        if (ReadId(ref c, "person", out var id)) person = id;
    }

    private List<Item>? ReadItems(ref JsonCursor c)
    {
        if (c.TokenType == JsonTokenType.Null) return null;
        if (c.TokenType != JsonTokenType.StartArray) { Wrong(ref c, "items", CaseMessages.NotArray(Shown(ref c))); return null; }
        List<Item>? items = null;
        _path.PushName("items");
        _path.PushIndex(0);
        for (int i = 0; c.Read() && c.TokenType != JsonTokenType.EndArray; i++)
        {
            _path.SetIndex(i);
            if (ReadItem(ref c) is { } item) (items ??= []).Add(item);
        }
        _path.Pop();
        _path.Pop();
        return items;
    }

    private Item? ReadItem(ref JsonCursor c)
    {
        if (c.TokenType != JsonTokenType.StartObject) { Wrong(ref c, null, CaseMessages.NotObject(Shown(ref c))); return null; }
        int before = _problems.Count, seen = 0;
        ItemKind kind = default;
        ItemClass itemClass = ItemClass.None;
        bool inCatalog = false;
        decimal amount = 0m;
        while (NextField(ref c, out var name))
        {
            switch (name)
            {
                case "kind":
                    if (First(ref c, ref seen, 1, name)) ReadCode(ref c, "kind", CaseCodes.ItemKind, nullable: false, out kind);
                    break;
                case "class":
                    if (First(ref c, ref seen, 2, name)) ReadCode(ref c, "class", CaseCodes.ItemClass, nullable: true, out itemClass);
                    break;
                case "inCatalog":
                    if (First(ref c, ref seen, 4, name)) ReadBool(ref c, "inCatalog", out inCatalog);
                    break;
                case "amount":
                    if (First(ref c, ref seen, 8, name)) ReadAmount(ref c, "amount", out amount);
                    break;
                default:
                    UnknownField(ref c, name);
                    break;
            }
        }
        RequireFields(seen, ItemRequired);
        return _problems.Count == before ? new Item(kind, itemClass, inCatalog, amount) : null;
    }

    /// <summary>A bill's fields while it is read, with the defaults of the case-file contract.</summary>
    private struct BillValues
    {
        public DateOnly Date;
        public BillKind Kind;
        public decimal Total, InPolicy, Basic, Supplementary, Reasonable;
        public decimal? Critical, Assistance;
        public bool TotalOk, InPolicyOk, BasicOk, CriticalOk, SupplementaryOk, AssistanceOk, ReasonableOk;
        public bool SpecialDisease, Referred;
        public bool Designated, WithinCity;
        public int HospitalLevel;
        public Exclusion Excluded;
        public List<Item>? Items;

        public BillValues()
        {
            Designated = true;
            WithinCity = true;
        }
    }
}
