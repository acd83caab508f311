using System.Text.Json;
using System.Text.RegularExpressions;
using Doudi.Engine.Cases;
using Doudi.Policy.Vocabulary;
using Doudi.Server.Api;

namespace Doudi.Server.Settlements;

/// <summary>A parsed bill, before its person is resolved: the engine bill plus what the request said about the person.</summary>
public sealed record BillInput(Bill Bill, string PersonKey, string? Region, InsuranceType? Insurance, string Naming)
{
    /// <summary>Institution, diagnosis and itemised costs, where the bill carries them (the console's aggregates use them).</summary>
    public Insights.SettlementDetails? Details { get; init; }
}

/// <summary>
/// Reads one bill in our case-file field names (<c>id, person, date, kind, total, inPolicy, basicPaid, …</c>) or in the
/// national medical-security platform's settlement names (<c>setl_id, psn_no, setl_time, med_type, insutype,
/// medfee_sumamt, fulamt_ownpay_amt, inscp_scp_amt, hifp_pay, hifob_pay, hifmi_pay, oth_pay</c>). Every problem is
/// reported with the field name the caller used.
/// </summary>
/// <remarks>
/// National mapping: basicPaid = hifp_pay (统筹基金) + hifob_pay (职工大额补助) + hifes_pay (公务员补助);
/// criticalPaid = hifmi_pay (大病保险); supplementaryPaid = oth_pay (其他支出, e.g. 惠民保), unless supplementaryPaid is given;
/// assistancePaid = maf_pay when the upstream system already paid it. med_type 11 普通门诊 → outpatient,
/// 14 门诊慢特病 → special_outpatient, 21 住院 → inpatient; insutype 310 职工 → employee, 390 居民 → resident.
/// </remarks>
public static partial class BillParser
{
    public static readonly string[] CaseNames =
    [
        "id", "person", "date", "kind", "total", "inPolicy", "basicPaid", "criticalPaid", "supplementaryPaid", "assistancePaid",
        "reasonableOutOfPolicy", "specialDisease", "hospitalLevel", "designated", "referred", "withinCity", "excluded", "items",
        "region", "insurance",
    ];

    public static readonly string[] NationalKeys = ["setl_id", "psn_no", "setl_time", "med_type", "insutype", "medfee_sumamt", "fulamt_ownpay_amt",
        "inscp_scp_amt", "hifp_pay", "hifob_pay", "hifes_pay", "hifmi_pay", "oth_pay", "maf_pay"];

    /// <summary>The field a path of ours is called in the caller's naming (engine problems name our fields).</summary>
    public static string InNaming(string path, string naming)
    {
        if (naming != "national") return path;
        var dot = path.IndexOfAny(['.', '[']);
        var head = dot < 0 ? path : path[..dot];
        return NationalEquivalent.TryGetValue(head, out var theirs) ? theirs + (dot < 0 ? "" : path[dot..]) : path;
    }

    private static readonly Dictionary<string, string> NationalEquivalent = new(StringComparer.Ordinal)
    {
        ["id"] = "setl_id", ["person"] = "psn_no", ["date"] = "setl_time", ["kind"] = "med_type", ["insurance"] = "insutype",
        ["total"] = "medfee_sumamt", ["inPolicy"] = "inscp_scp_amt", ["basicPaid"] = "hifp_pay", ["criticalPaid"] = "hifmi_pay",
        ["assistancePaid"] = "maf_pay",
    };

    [GeneratedRegex("^[A-Za-z0-9_.:\\-]{1,64}$")]
    private static partial Regex IdPattern();

    public static BillInput? Parse(Fields f)
    {
        var national = NationalKeys.Any(f.Has);
        if (national)
        {
            foreach (var (ours, theirs) in NationalEquivalent)
                if (f.Has(ours) && f.Has(theirs)) f.Problem(ours, new($"不能与 {theirs} 同时使用，请只用一种字段命名", $"cannot be used together with {theirs}; use one naming"));
        }
        else
        {
            foreach (var name in f.Names)
                if (Array.IndexOf(CaseNames, name) < 0)
                    f.Problem(name, new("未知字段", "unknown field"));
        }

        string K(string ours) => national ? NationalEquivalent.GetValueOrDefault(ours, ours) : ours;

        var id = f.String(K("id"), required: true, maxLength: 64);
        if (id is not null && !IdPattern().IsMatch(id)) f.Problem(K("id"), new("结算号只能包含字母、数字和 _ . : -", "may contain only letters, digits and _ . : -"));
        var person = f.String(K("person"), required: true, maxLength: 64);
        var date = f.Date(K("date"), required: true, allowTime: national);

        BillKind? kind = null;
        if (national)
        {
            var mt = f.String("med_type", required: true);
            kind = mt switch { "11" => BillKind.Outpatient, "14" => BillKind.SpecialOutpatient, "21" => BillKind.Inpatient, _ => null };
            if (mt is not null && kind is null) f.Problem("med_type", Msg.Unknown("医疗类别", mt, ["11", "14", "21"]));
        }
        else if (f.String("kind", required: true) is { } k)
        {
            if (Codes.TryParse<BillKind>(k, out var bk)) kind = bk;
            else f.Problem("kind", Msg.Unknown("单据类型", k, Codes.All<BillKind>()));
        }

        InsuranceType? insurance = null;
        if (national && f.String("insutype") is { } it)
        {
            insurance = it switch { "310" => InsuranceType.Employee, "390" => InsuranceType.Resident, _ => null };
            if (insurance is null) f.Problem("insutype", Msg.Unknown("险种", it, ["310", "390"]));
        }
        else if (!national && f.String("insurance") is { } ins)
        {
            if (Codes.TryParse<InsuranceType>(ins, out var i)) insurance = i;
            else f.Problem("insurance", Msg.Unknown("参保类型", ins, Codes.All<InsuranceType>()));
        }

        var total = f.Amount(K("total"), required: true);
        var inPolicy = f.Amount(K("inPolicy"), required: true);
        decimal? basic;
        if (national)
        {
            var hifp = f.Amount("hifp_pay", required: true);
            var hifob = f.Amount("hifob_pay") ?? 0m;
            var hifes = f.Amount("hifes_pay") ?? 0m;
            basic = hifp is null ? null : hifp + hifob + hifes;
            if (f.Amount("fulamt_ownpay_amt") is { } own && total is not null && inPolicy is not null && own + inPolicy > total)
                f.Problem("fulamt_ownpay_amt", new("全自费金额加政策范围内金额超过医疗费总额", "fulamt_ownpay_amt + inscp_scp_amt exceeds medfee_sumamt"));
        }
        else basic = f.Amount("basicPaid", required: true);

        // criticalPaid null: the engine settles critical illness itself from the policy's parameters.
        // In national records the platform has settled critical illness already: a missing hifmi_pay is 0.
        var critical = f.Amount(K("criticalPaid")) ?? (national ? 0m : null);
        var supplementary = f.Amount("supplementaryPaid") ?? (national ? f.Amount("oth_pay") : null) ?? 0m;
        var assistancePaid = f.Amount(K("assistancePaid"));
        var reasonableOut = f.Amount("reasonableOutOfPolicy") ?? 0m;
        var special = f.Bool("specialDisease") ?? false;
        var level = f.Int("hospitalLevel") ?? 0;
        if (level is < 0 or > 3) f.Problem("hospitalLevel", new("医院等级须为 0–3", "must be 0..3"));
        var designated = f.Bool("designated") ?? true;
        var referred = f.Bool("referred") ?? false;
        var withinCity = f.Bool("withinCity") ?? true;
        var excluded = Exclusion.None;
        if (f.String("excluded") is { } ex)
        {
            if (Codes.TryParse<Exclusion>(ex, out var e) && e != Exclusion.None) excluded = e;
            else f.Problem("excluded", Msg.Unknown("除外原因", ex, Codes.All<Exclusion>().Where(c => c != "none")));
        }
        var items = ParseItems(f);
        var region = f.String("region", maxLength: 32);

        if (total is not null && inPolicy is not null && inPolicy > total)
            f.Problem(K("inPolicy"), new("政策范围内金额不能超过医疗费总额", $"must not exceed {K("total")}"));
        if (inPolicy is not null && basic is not null && basic + (critical ?? 0m) > inPolicy)
            f.Problem(K("basicPaid"), new("基本医保与大病保险支付之和不能超过政策范围内金额", $"{K("basicPaid")} + {K("criticalPaid")} must not exceed {K("inPolicy")}"));

        if (f.Problems.Count > 0 || id is null || person is null || date is null || kind is null || total is null || inPolicy is null || basic is null)
            return null;

        var bill = new Bill
        {
            Id = id, Person = person, Date = date.Value, Kind = kind.Value, Total = total.Value, InPolicy = inPolicy.Value,
            BasicPaid = basic.Value, CriticalPaid = critical, SupplementaryPaid = supplementary, AssistancePaid = assistancePaid,
            ReasonableOutOfPolicy = reasonableOut, SpecialDisease = special, HospitalLevel = level, Designated = designated,
            Referred = referred, WithinCity = withinCity, Excluded = excluded, Items = items,
        };
        return new BillInput(bill, person, region, insurance, national ? "national" : "case");
    }

    private static List<Item> ParseItems(Fields f)
    {
        var list = new List<Item>();
        if (f.Element("items") is not { } arr || arr.ValueKind == JsonValueKind.Null) return list;
        if (arr.ValueKind != JsonValueKind.Array) { f.Problem("items", new("应为数组", "must be an array")); return list; }
        var i = 0;
        foreach (var el in arr.EnumerateArray())
        {
            var path = f.Path($"items[{i++}]");
            if (el.ValueKind != JsonValueKind.Object) { f.Problems.Add(new(path, new("应为对象", "must be an object"))); continue; }
            var item = Fields.FromJson(el, path, f.Problems);
            ItemKind kind = default; ItemClass cls = ItemClass.None;
            if (item.String("kind", required: true) is { } k && !Codes.TryParse(k, out kind))
                item.Problem("kind", Msg.Unknown("项目类型", k, Codes.All<ItemKind>()));
            if (item.String("class") is { } c && !Codes.TryParse(c, out cls))
                item.Problem("class", Msg.Unknown("项目分类", c, Codes.All<ItemClass>()));
            var inCatalog = item.Bool("inCatalog") ?? true;
            var amount = item.Amount("amount", required: true);
            foreach (var n in item.Names)
                if (n is not ("kind" or "class" or "inCatalog" or "amount")) item.Problem(n, new("未知字段", "unknown field"));
            if (amount is not null) list.Add(new Item(kind, cls, inCatalog, amount.Value));
        }
        return list;
    }
}
