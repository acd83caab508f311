using System.Globalization;
using System.Text;
using Doudi.Engine.Cases;
using Doudi.Policy.Vocabulary;
using Doudi.Server.Api;
using Doudi.Server.Imports;
using Doudi.Server.Insights;
using Doudi.Server.Registry;
using Doudi.Server.Security;
using Doudi.Server.Settlements;
using Doudi.Server.Storage;

namespace Doudi.Server.Demo;

/// <summary>
/// The demo county's year for the web console (issue 10): a few thousand persons in fuyang's townships, a year of
/// bills (2023) with institutions, diagnoses and itemised costs, settled through the one-stop settlement so the risk
/// pool, the aggregates and the traces are real, and a generated fictional map of the townships. Deterministic: the
/// same seed gives the same county. Names, ID numbers, institutions and the map are made up.
/// </summary>
public static class DemoYear
{
    public const string Region = "fuyang";
    public const int Year = 2023;
    private const string Area = "330183";

    public static readonly string[] Townships = ["富春街道", "银湖街道", "东洲街道", "场口镇", "新登镇", "万市镇", "洞桥镇", "湖源乡"];

    private static readonly InstitutionFact[] Institutions =
    [
        new("H33018300001", "演示区第一人民医院", 3, "富春街道"), new("H33018300002", "演示区中医院", 3, "富春街道"),
        new("H33018300003", "演示区第二人民医院", 2, "新登镇"), new("H33018300004", "演示区妇幼保健院", 2, "银湖街道"),
        new("H33018300005", "场口镇卫生院", 1, "场口镇"), new("H33018300006", "万市镇卫生院", 1, "万市镇"),
        new("H33018300007", "洞桥镇社区卫生服务中心", 1, "洞桥镇"), new("H33018300008", "东洲街道社区卫生服务中心", 1, "东洲街道"),
    ];

    private static readonly (string Code, string Name, decimal Weight, decimal Scale)[] Diagnoses =
    [
        ("I10.x00", "原发性高血压", 14, 0.3m), ("E11.900", "2型糖尿病", 12, 0.4m), ("J18.900", "肺炎", 8, 1.0m), ("I63.900", "脑梗死", 6, 2.5m),
        ("I25.103", "冠状动脉粥样硬化性心脏病", 6, 2.0m), ("N18.500", "慢性肾脏病5期", 4, 3.0m), ("C34.900", "肺恶性肿瘤", 3, 4.0m),
        ("C16.900", "胃恶性肿瘤", 2, 3.5m), ("J44.100", "慢性阻塞性肺病伴急性加重", 6, 1.2m), ("K80.100", "胆囊结石伴胆囊炎", 3, 1.5m),
        ("M17.900", "膝关节病", 4, 1.8m), ("S72.000", "股骨颈骨折", 2, 3.0m), ("F20.900", "精神分裂症", 3, 1.0m), ("H25.900", "老年性白内障", 3, 0.8m),
    ];

    private static readonly ItemFact[] Catalogue =
    [
        new("XA10BAE001", "二甲双胍片", "drug", 1, 0, true), new("XC09CAL059", "缬沙坦胶囊", "drug", 1, 0, true),
        new("XC10AAA227", "阿托伐他汀钙片", "drug", 1, 0, true), new("XJ01DDA080", "头孢曲松钠注射剂", "drug", 1, 0, true),
        new("XB01ACA056", "氯吡格雷片", "drug", 1, 0, true), new("XL01XEA159", "吉非替尼片", "drug", 1, 0, true),
        new("XA10AEA034", "甘精胰岛素注射液", "drug", 1, 0, true), new("XN05AXL025", "利培酮片", "drug", 1, 0, true),
        new("ZZ00000001", "进口靶向药（目录外）", "drug", 1, 0, false), new("ZZ00000002", "营养支持制剂（目录外）", "drug", 1, 0, false),
        new("C14010100001", "一次性使用输液器", "consumable", 1, 0, true), new("C02030300002", "冠脉药物洗脱支架", "consumable", 1, 0, true),
        new("C03020100003", "人工髋关节假体", "consumable", 1, 0, true), new("C13080100004", "人工晶状体", "consumable", 1, 0, true),
        new("ZZ00000003", "进口可吸收缝合线（目录外）", "consumable", 1, 0, false),
        new("S310100001", "床位费", "service", 1, 0, true), new("S250104001", "血常规检查", "service", 1, 0, true),
        new("S210300001", "CT平扫", "service", 1, 0, true), new("S311201001", "血液透析", "service", 1, 0, true),
        new("S330100001", "全身麻醉", "service", 1, 0, true), new("S220600001", "磁共振成像", "service", 1, 0, true),
        new("ZZ00000004", "特需病房（目录外）", "service", 1, 0, false),
    ];

    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋"];
    private static readonly string[] Given = ["建国", "秀英", "桂兰", "志强", "丽华", "海燕", "国平", "玉梅", "文军", "小红", "德明", "春花", "永福", "淑珍", "明辉", "彩霞", "金水", "月娥", "福根", "爱珍"];

    /// <summary>A small deterministic generator (xorshift), so the county is the same on every machine and .NET version.</summary>
    private sealed class Dice(ulong seed)
    {
        private ulong _s = seed == 0 ? 0x9E3779B97F4A7C15UL : seed;
        public ulong Next() { _s ^= _s << 13; _s ^= _s >> 7; _s ^= _s << 17; return _s; }
        public int Int(int n) => (int)(Next() % (ulong)n);
        public decimal Unit() => (Next() % 1_000_000UL) / 1_000_000m;
        public T Pick<T>(T[] items) => items[Int(items.Length)];
    }

    /// <summary>Households (as many as <paramref name="households"/>) listed by civil affairs in December of the year before, and their bills of the year.</summary>
    public static async Task<(int Persons, int Settled, int Refused)> LoadAsync(IServiceProvider services, Actor loader, int households, ILogger log)
    {
        var importer = services.GetRequiredService<NameListImporter>();
        var settlements = services.GetRequiredService<SettlementService>();
        var db = services.GetRequiredService<Database>();
        var dice = new Dice(20231231);
        var csv = new StringBuilder("身份证号,姓名,人员类别,户编号,乡镇\n");
        var persons = new List<string>();
        var seq = 0;
        for (var h = 0; h < households; h++)
        {
            var township = Townships[(int)Math.Min(Townships.Length - 1, Math.Floor(Math.Pow((double)dice.Unit(), 1.4) * Townships.Length))];
            var roll = dice.Int(10);
            var category = roll == 0 ? "7131" : roll < 6 ? "7019" : "7201";
            var size = category == "7131" ? 1 : 1 + dice.Int(4);
            for (var m = 0; m < size; m++)
            {
                seq++;
                var id = ChineseId.Make(Area, new DateOnly(1940, 1, 1).AddDays(dice.Int(28000)), 500 + seq);
                csv.Append(CultureInfo.InvariantCulture, $"{id},{dice.Pick(Surnames)}{dice.Pick(Given)},{category},FY{h + 1:D5},{township}\n");
                persons.Add(id);
            }
        }
        await importer.ImportAsync(new(Departments.CivilAffairs, $"{Year - 1}-12", Region, "changes", "csv", Encoding.UTF8.GetBytes(csv.ToString())), loader, default);

        // About six in ten persons see a doctor in the year; the sickest many times. Bills in date order, settled in chunks.
        var bills = new List<(Bill Bill, SettlementDetails Details, string Person)>();
        var n = 0;
        foreach (var person in persons)
        {
            if (dice.Int(10) >= 6) continue;
            var visits = 1 + (int)Math.Floor(Math.Pow((double)dice.Unit(), 3) * 8);
            var (dxCode, dxName, _, scale) = PickDiagnosis(dice);
            for (var v = 0; v < visits; v++)
            {
                n++;
                var date = new DateOnly(Year, 1, 1).AddDays(dice.Int(365));
                var inpatient = dice.Unit() < 0.25m + scale / 20m;
                var kind = inpatient ? BillKind.Inpatient : dice.Int(3) == 0 ? BillKind.SpecialOutpatient : BillKind.Outpatient;
                var inst = inpatient ? Institutions[dice.Int(4)] : Institutions[dice.Int(Institutions.Length)];
                var baseCost = kind switch { BillKind.Inpatient => 6000m + 30000m * scale * dice.Unit() * dice.Unit() * 3, BillKind.SpecialOutpatient => 800m + 3000m * scale * dice.Unit(), _ => 150m + 900m * dice.Unit() };
                var total = Math.Round(baseCost, 2);
                var outShare = inst.Level == 3 ? 0.04m + 0.12m * dice.Unit() : 0.02m + 0.06m * dice.Unit();
                var inPolicy = Math.Round(total * (1 - outShare), 2);
                var basicRatio = kind == BillKind.Outpatient ? 0.5m : inst.Level == 3 ? 0.6m : 0.7m;
                var basic = Math.Round(inPolicy * basicRatio, 2);
                var (items, lines) = Itemise(dice, kind, inPolicy, total - inPolicy);
                var bill = new Bill
                {
                    Id = $"FY{Year}-{n:D6}", Person = person, Date = date, Kind = kind, Total = total, InPolicy = inPolicy, BasicPaid = basic,
                    CriticalPaid = kind == BillKind.Inpatient && inPolicy - basic > 20000 ? Math.Round((inPolicy - basic - 20000) * 0.6m, 2) : 0m,
                    SpecialDisease = kind == BillKind.SpecialOutpatient, HospitalLevel = inst.Level ?? 1, Referred = true, WithinCity = true, Items = items,
                };
                bills.Add((bill, new SettlementDetails(inst, dxCode, dxName, lines), person));
            }
        }
        bills.Sort((a, b) => a.Bill.Date != b.Bill.Date ? a.Bill.Date.CompareTo(b.Bill.Date) : string.CompareOrdinal(a.Bill.Id, b.Bill.Id));
        int settled = 0, refused = 0;
        foreach (var chunk in bills.Chunk(500))
        {
            await using var scope = await db.BeginWriteAsync();
            foreach (var (bill, details, person) in chunk)
            {
                var input = new Doudi.Cases.BillDocument(bill, Doudi.Cases.BillNaming.Ours, person, null, null, null,
                    new Doudi.Cases.Institution(details.Institution!.Code, details.Institution.Name, details.Institution.Level, details.Institution.Township),
                    new Doudi.Cases.Diagnosis(details.DiagnosisCode!, details.DiagnosisName), details.Items.Select(i => new Doudi.Cases.ItemLine(i.Code, i.Name, i.Quantity)).ToList(), null);
                var savepoint = db.Dialect == Dialect.Postgres;
                if (savepoint) await scope.Transaction.SaveAsync("row");
                try
                {
                    await settlements.SettleInTransactionAsync(scope.Connection, scope.Transaction, input, SettlementService.HashOf(input), loader, "demo");
                    settled++;
                }
                catch (ApiProblemException e)
                {
                    if (savepoint) await scope.Transaction.RollbackAsync("row");
                    if (refused++ < 5) log.LogWarning("Demo bill {Bill} not settled: {Problem}", bill.Id, string.Join("; ", e.Fields.Select(f => $"{f.Path}: {f.Message.En}")));
                }
            }
            await scope.CommitAsync();
        }
        await db.WriteAsync(async (c, tx) =>
        {
            await InsightStore.SetMapAsync(c, tx, Region, DemoMap.Generate(Townships, 7), "演示用虚构地图（程序生成，非真实地理数据）generated fictional map", loader.Name);
            return 0;
        });
        return (persons.Count, settled, refused);
    }

    private static (string Code, string Name, decimal Weight, decimal Scale) PickDiagnosis(Dice dice)
    {
        var total = Diagnoses.Sum(d => d.Weight);
        var x = dice.Unit() * total;
        foreach (var d in Diagnoses) { if (x < d.Weight) return d; x -= d.Weight; }
        return Diagnoses[^1];
    }

    /// <summary>Splits the in-policy cost over catalogue items and the rest over out-of-catalogue items, so the items add up to the bill.</summary>
    private static (List<Item> Items, List<ItemFact> Lines) Itemise(Dice dice, BillKind kind, decimal inPolicy, decimal outside)
    {
        var inside = Catalogue.Where(i => i.InCatalog && (kind == BillKind.Inpatient || i.Kind != "consumable" || i.Code == "C14010100001")).ToArray();
        var outs = Catalogue.Where(i => !i.InCatalog).ToArray();
        var lines = new List<ItemFact>();
        void Spread(ItemFact[] pool, decimal amount, int count)
        {
            if (amount <= 0) return;
            var left = amount;
            for (var i = 0; i < count; i++)
            {
                var share = i == count - 1 ? left : Math.Round(left * (0.3m + 0.4m * dice.Unit()), 2);
                var pick = dice.Pick(pool);
                lines.Add(pick with { Quantity = 1 + dice.Int(10), Amount = share });
                left -= share;
            }
        }
        Spread(inside, inPolicy, 1 + dice.Int(kind == BillKind.Inpatient ? 5 : 2));
        Spread(outs, outside, 1);
        var items = lines.Select(l => new Item(Codes.TryParse<ItemKind>(l.Kind, out var k) ? k : ItemKind.Service, ItemClass.None, l.InCatalog, l.Amount)).ToList();
        return (items, lines);
    }
}
