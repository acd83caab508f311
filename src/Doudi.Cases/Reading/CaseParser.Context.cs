using System.Globalization;
using System.Text.Json;
using Doudi.Cases.Json;
using Doudi.Engine.Cases;
using Doudi.Policy.Vocabulary;

namespace Doudi.Cases.Reading;

// What a bill carries beside the engine's inputs: the institution, the diagnosis, itemised costs with their
// catalogue codes. Read and checked like everything else; the engine takes only the items' kind, class,
// catalogue flag and amount (jiande's negative list).
internal sealed partial class CaseParser
{
    private const int MaxName = 200;
    private const int MaxShortName = 50;

    private static readonly (int, string)[] ItemRequired = [(1, "kind"), (4, "inCatalog"), (8, "amount")];
    private static readonly (int, string)[] NationalItemRequired = [(1, "list_type"), (4, "chrgitm_lv"), (8, "det_item_fee_sumamt")];

    private void ReadItems(ref JsonCursor c, string field, bool national, ref BillValues v)
    {
        if (c.TokenType == JsonTokenType.Null) return;
        if (c.TokenType != JsonTokenType.StartArray) { Wrong(ref c, field, CaseMessages.NotArray(Shown(ref c))); return; }
        _path.PushName(field);
        _path.PushIndex(0);
        for (int i = 0; c.Read() && c.TokenType != JsonTokenType.EndArray; i++)
        {
            _path.SetIndex(i);
            if (ReadItem(ref c, national, out var line) is { } item)
            {
                (v.Items ??= []).Add(item);
                (v.Lines ??= []).Add(line!);
            }
            else v.ItemsOk = false;
        }
        _path.Pop();
        _path.Pop();
    }

    private Item? ReadItem(ref JsonCursor c, bool national, out ItemLine? line)
    {
        line = null;
        if (c.TokenType != JsonTokenType.StartObject) { Wrong(ref c, null, CaseMessages.NotObject(Shown(ref c))); return null; }
        int before = _problems.Count, seen = 0;
        ItemKind kind = default;
        ItemClass itemClass = ItemClass.None;
        bool inCatalog = false;
        decimal amount = 0m;
        decimal? quantity = null;
        string? code = null, name = null;
        while (NextField(ref c, out var field))
        {
            switch (national ? NationalItemField(field) : OurItemField(field))
            {
                case "kind":
                    if (!First(ref c, ref seen, 1, field)) break;
                    if (national) ReadListType(ref c, out kind);
                    else ReadCode(ref c, "kind", CaseCodes.ItemKind, nullable: false, out kind);
                    break;
                case "class":
                    if (First(ref c, ref seen, 2, field)) ReadCode(ref c, "class", CaseCodes.ItemClass, nullable: true, out itemClass);
                    break;
                case "inCatalog":
                    if (!First(ref c, ref seen, 4, field)) break;
                    if (national) ReadChargeLevel(ref c, out inCatalog);
                    else ReadBool(ref c, "inCatalog", out inCatalog);
                    break;
                case "amount":
                    if (First(ref c, ref seen, 8, field)) ReadAmount(ref c, national ? "det_item_fee_sumamt" : "amount", out amount, text: national);
                    break;
                case "code":
                    if (First(ref c, ref seen, 16, field) && ReadCatalogueCode(ref c, field.ToString(), out var cd)) code = cd;
                    break;
                case "name":
                    if (First(ref c, ref seen, 32, field) && ReadText(ref c, field.ToString(), MaxName, out var nm)) name = nm;
                    break;
                case "quantity":
                    if (First(ref c, ref seen, 64, field) && ReadQuantity(ref c, field.ToString(), national, out var q)) quantity = q;
                    break;
                case "ignored":
                    if (!First(ref c, ref seen, IgnoredItemBit(field), field)) break;
                    if (c.TokenType == JsonTokenType.String) ReadText(ref c, field.ToString(), MaxName, out _);
                    else if (c.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) Wrong(ref c, field.ToString(), CaseMessages.NotString(Shown(ref c)));
                    break;
                default:
                    UnknownField(ref c, field);
                    break;
            }
        }
        RequireFields(seen, national ? NationalItemRequired : ItemRequired);
        if (_problems.Count != before) return null;
        line = new ItemLine(code, name, quantity);
        return new Item(kind, itemClass, inCatalog, amount);
    }

    /// <summary>A fee detail's national field as the ours it stands for; "class" stays ours (jiande's classes have no national code).</summary>
    private static string? NationalItemField(ReadOnlySpan<char> field) => field switch
    {
        "list_type" => "kind",
        "chrgitm_lv" => "inCatalog",
        "det_item_fee_sumamt" => "amount",
        "med_list_codg" => "code",
        "hilist_name" => "name",
        "cnt" => "quantity",
        "class" => "class",
        "feedetl_sn" or "medins_list_codg" or "pric" or "fee_ocur_time" or "med_chrgitm_type" => "ignored",
        _ => null,
    };

    private static string? OurItemField(ReadOnlySpan<char> field) => field switch
    {
        "kind" => "kind", "class" => "class", "inCatalog" => "inCatalog", "amount" => "amount", "code" => "code", "name" => "name", "quantity" => "quantity",
        _ => null,
    };

    private static int IgnoredItemBit(ReadOnlySpan<char> field) => field switch
    {
        "feedetl_sn" => 128, "medins_list_codg" => 256, "pric" => 512, "fee_ocur_time" => 1024, _ => 2048,
    };

    private void ReadListType(ref JsonCursor c, out ItemKind kind)
    {
        kind = default;
        if (!ReadText(ref c, "list_type", MaxShortName, out var text)) return;
        if (!NationalNames.TryListType(text, out kind))
            Problem("list_type", CaseMessages.UnknownNationalCode(Quote(text), "不是已知的目录类别", "is not a known list_type", NationalNames.ListTypes));
    }

    private void ReadChargeLevel(ref JsonCursor c, out bool inCatalog)
    {
        inCatalog = false;
        if (!ReadText(ref c, "chrgitm_lv", MaxShortName, out var text)) return;
        if (!NationalNames.TryChargeLevel(text, out inCatalog))
            Problem("chrgitm_lv", CaseMessages.UnknownNationalCode(Quote(text), "不是已知的收费项目等级", "is not a known chrgitm_lv", NationalNames.ChargeLevels));
    }

    /// <summary>A quantity: positive, at most four decimals (the platform's cnt is 16,4).</summary>
    private bool ReadQuantity(ref JsonCursor c, string field, bool national, out decimal value)
    {
        if (!ReadAmount(ref c, field, out value, text: national, decimals: 4)) return false;
        if (value > 0m) return true;
        Problem(field, CaseMessages.NotPositive(value.ToString(CultureInfo.InvariantCulture)));
        return false;
    }

    private void ReadInstitution(ref JsonCursor c, ref BillValues v)
    {
        if (c.TokenType == JsonTokenType.Null) return;
        if (c.TokenType != JsonTokenType.StartObject) { Wrong(ref c, "institution", CaseMessages.NotObject(Shown(ref c))); return; }
        _path.PushName("institution");
        int seen = 0;
        while (NextField(ref c, out var field))
        {
            switch (field)
            {
                case "code":
                    if (First(ref c, ref seen, 1, field) && ReadInstitutionCode(ref c, "code", out var code)) v.InstitutionCode = code;
                    break;
                case "name":
                    if (First(ref c, ref seen, 2, field) && ReadText(ref c, "name", MaxName, out var name)) v.InstitutionName = name;
                    break;
                case "level":
                    if (First(ref c, ref seen, 4, field) && ReadHospitalLevel(ref c, "level", out var level)) v.InstitutionLevel = level;
                    break;
                case "township":
                    if (First(ref c, ref seen, 8, field) && ReadText(ref c, "township", MaxShortName, out var township)) v.Township = township;
                    break;
                default:
                    UnknownField(ref c, field);
                    break;
            }
        }
        _path.Pop();
    }

    private void ReadDiagnosis(ref JsonCursor c, ref BillValues v)
    {
        if (c.TokenType == JsonTokenType.Null) return;
        if (c.TokenType != JsonTokenType.StartObject) { Wrong(ref c, "diagnosis", CaseMessages.NotObject(Shown(ref c))); return; }
        _path.PushName("diagnosis");
        int seen = 0;
        while (NextField(ref c, out var field))
        {
            switch (field)
            {
                case "code":
                    if (First(ref c, ref seen, 1, field) && ReadIcd10(ref c, "code", out var code)) v.DiagnosisCode = code;
                    break;
                case "name":
                    if (First(ref c, ref seen, 2, field) && ReadText(ref c, "name", MaxName, out var name)) v.DiagnosisName = name;
                    break;
                default:
                    UnknownField(ref c, field);
                    break;
            }
        }
        RequireFields(seen, [(1, "code")]);
        _path.Pop();
    }

    /// <summary>定点医药机构编码: letters and digits (the platform's are like H33018300001).</summary>
    private bool ReadInstitutionCode(ref JsonCursor c, string field, out string value)
    {
        if (!ReadText(ref c, field, 30, out value)) return false;
        foreach (char ch in value)
            if (!char.IsAsciiLetterOrDigit(ch)) { Problem(field, CaseMessages.NotInstitutionCode(Quote(value))); return false; }
        return true;
    }

    /// <summary>医保目录编码 (e.g. XJ01CAA040A001010100000): letters, digits and - _ .</summary>
    private bool ReadCatalogueCode(ref JsonCursor c, string field, out string value)
    {
        if (!ReadText(ref c, field, MaxShortName, out value)) return false;
        foreach (char ch in value)
            if (!(char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.')) { Problem(field, CaseMessages.NotCatalogueCode(Quote(value))); return false; }
        return true;
    }

    /// <summary>An ICD-10 code: a capital letter, two digits, optionally a dot and up to eight letters or digits (医保版 J18.900, I10.x00).</summary>
    private bool ReadIcd10(ref JsonCursor c, string field, out string value)
    {
        if (!ReadText(ref c, field, 20, out value)) return false;
        var s = value.AsSpan();
        bool ok = s.Length >= 3 && char.IsAsciiLetterUpper(s[0]) && char.IsAsciiDigit(s[1]) && char.IsAsciiDigit(s[2]);
        if (ok && s.Length > 3)
        {
            ok = s[3] == '.' && s.Length is > 4 and <= 12;
            for (int i = 4; ok && i < s.Length; i++) ok = char.IsAsciiLetterOrDigit(s[i]);
        }
        if (!ok) Problem(field, CaseMessages.NotIcd10(Quote(value)));
        return ok;
    }

    /// <summary>Text: a string of at most <paramref name="max"/> characters, not empty, without control characters.</summary>
    private bool ReadText(ref JsonCursor c, string field, int max, out string value)
    {
        value = "";
        if (c.TokenType == JsonTokenType.Null) { Problem(field, CaseMessages.NotNull); return false; }
        if (c.TokenType != JsonTokenType.String) return Wrong(ref c, field, CaseMessages.NotString(Shown(ref c)));
        // A string's UTF-8 is never shorter than its UTF-16 length: a long value is refused without decoding it all.
        if (c.ValueSpan.Length > max * 6) { Problem(field, CaseMessages.TooLong(max)); return false; }
        value = c.GetString()!;
        if (value.Length == 0) { Problem(field, CaseMessages.EmptyString); return false; }
        if (value.Length > max) { Problem(field, CaseMessages.TooLong(max)); return false; }
        foreach (char ch in value)
            // Also invisible format characters (a bidi override, a zero-width space, a BOM inside an id): one id must not look like another.
            if (char.IsControl(ch) || ch is '\u2028' or '\u2029' || (ch >= '\u00ad' && char.GetUnicodeCategory(ch) == System.Globalization.UnicodeCategory.Format))
            { Problem(field, CaseMessages.ControlCharacter(Quote(value))); return false; }
        return true;
    }

    /// <summary>
    /// A settlement time of the platform: yyyy-MM-dd, or with a time (space or T) hh:mm:ss, optional fraction, optional
    /// offset (Z or ±hh:mm). Without an offset the time is Beijing time (+08:00); the bill's date is its date in Beijing.
    /// </summary>
    private bool ReadDateTime(ref JsonCursor c, string field, out DateOnly date, out DateTimeOffset? at, out string? shown)
    {
        date = default;
        at = null;
        shown = null;
        if (c.TokenType == JsonTokenType.Null) { Problem(field, CaseMessages.NotNull); return false; }
        if (c.TokenType != JsonTokenType.String || !TryShortText(ref c, out var text)) return Wrong(ref c, field, CaseMessages.NotDateTime(Shown(ref c)));
        if (!TryParseDateTime(text, out date, out var instant)) return Wrong(ref c, field, CaseMessages.NotDateTime(Shown(ref c)));
        at = instant;
        shown = new string(text);
        return true;
    }

    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    internal static bool TryParseDateTime(ReadOnlySpan<char> s, out DateOnly date, out DateTimeOffset? at)
    {
        date = default;
        at = null;
        if (s.Length < 10 || !IsIsoShape(s[..10])) return false;
        int year = Digits(s[..4]), month = Digits(s.Slice(5, 2)), day = Digits(s.Slice(8, 2));
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)) return false;
        if (s.Length == 10) { date = new DateOnly(year, month, day); return true; }
        if (s.Length < 19 || s[10] is not (' ' or 'T') || s[13] != ':' || s[16] != ':') return false;
        var hms = s.Slice(11, 8);
        if (!IsAsciiDigits(hms[..2]) || !IsAsciiDigits(hms.Slice(3, 2)) || !IsAsciiDigits(hms.Slice(6, 2))) return false;
        int hour = Digits(hms[..2]), minute = Digits(hms.Slice(3, 2)), second = Digits(hms.Slice(6, 2));
        if (hour > 23 || minute > 59 || second > 59) return false;
        var rest = s[19..];
        long ticks = 0;
        if (rest.Length > 0 && rest[0] == '.')
        {
            int n = 1;
            while (n < rest.Length && char.IsAsciiDigit(rest[n])) n++;
            if (n == 1 || n > 8) return false;
            var fraction = rest[1..n];
            ticks = Digits(fraction);
            for (int i = fraction.Length; i < 7; i++) ticks *= 10;
            rest = rest[n..];
        }
        TimeSpan offset = Beijing;
        if (rest.Length == 1 && rest[0] == 'Z') offset = TimeSpan.Zero;
        else if (rest.Length == 6 && rest[0] is '+' or '-' && rest[3] == ':' && IsAsciiDigits(rest.Slice(1, 2)) && IsAsciiDigits(rest.Slice(4, 2)))
        {
            int oh = Digits(rest.Slice(1, 2)), om = Digits(rest.Slice(4, 2));
            if (oh > 14 || om > 59) return false;
            offset = new TimeSpan(oh, om, 0);
            if (rest[0] == '-') offset = -offset;
        }
        else if (rest.Length != 0) return false;
        // Years at the calendar's ends cannot be moved to Beijing time; no settlement is dated there anyway.
        if (year < 1900 || year > 9000) return false;
        var instant = new DateTimeOffset(year, month, day, hour, minute, second, offset).AddTicks(ticks).ToOffset(Beijing);
        at = instant;
        date = DateOnly.FromDateTime(instant.DateTime);
        return true;
    }

    private static bool IsAsciiDigits(ReadOnlySpan<char> s)
    {
        foreach (char ch in s) if (!char.IsAsciiDigit(ch)) return false;
        return s.Length > 0;
    }
}
