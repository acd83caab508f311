using Doudi.Policy.Vocabulary;

namespace Doudi.Synthetic.Reference;

/// <summary>
/// An item of the medical-insurance catalogue (医保目录) as it appears on a settlement detail: its national code
/// (med_list_codg, synthetic but in the national shape), name, fee type (med_chrgitm_type), payment class
/// (chrgitm_lv: 01 甲类 fully in scope, 02 乙类 in scope after a pre-self-payment, 03 丙类 outside the catalogue), and
/// the negative-list class a county may name (jiande 附件).
/// </summary>
public sealed record CatalogItem(string Code, string Name, ItemKind Kind, string FeeType, string Level, ItemClass Class)
{
    public bool InCatalog => Level != "03";
    public bool ClassB => Level == "02";
}

public static class CatalogItems
{
    // Codes: drugs XA…/ZA… (西药/中成药), services 0…, consumables C…, as in the national code tables; the digits are made up.
    public static readonly CatalogItem[] All =
    [
        new("XC09AAA001A001010100001", "卡托普利片", ItemKind.Drug, "09", "01", ItemClass.None),
        new("XA10BAA001A001010100002", "二甲双胍片", ItemKind.Drug, "09", "01", ItemClass.None),
        new("XJ01DDA001B002010100003", "头孢曲松钠注射剂", ItemKind.Drug, "09", "01", ItemClass.None),
        new("XL01XEA001A001010100004", "吉非替尼片", ItemKind.Drug, "09", "02", ItemClass.None),
        new("XA10AEA001B002010100005", "甘精胰岛素注射液", ItemKind.Drug, "09", "02", ItemClass.None),
        new("XN05AXA001A001010100006", "利培酮片", ItemKind.Drug, "09", "01", ItemClass.None),
        new("XL01XCA001B002010100007", "某靶向单抗注射液（目录外）", ItemKind.Drug, "09", "03", ItemClass.None),
        new("ZA04BAA001A001020100008", "复方丹参滴丸", ItemKind.Drug, "11", "02", ItemClass.None),
        new("ZA09AAA001A001020100009", "某保健类中成药（不予支付）", ItemKind.Drug, "11", "03", ItemClass.TcmPatentNonreimbursable),
        new("T000100001", "中药饮片（不予支付）", ItemKind.Drug, "12", "03", ItemClass.TcmHerbalPieces),
        new("T000200002", "中药配方颗粒", ItemKind.Drug, "12", "02", ItemClass.TcmGranules),
        new("YY00300003", "医疗机构制剂", ItemKind.Drug, "09", "02", ItemClass.InhousePreparation),
        new("001102000010000", "床位费", ItemKind.Service, "01", "01", ItemClass.None),
        new("001101000010000", "诊查费", ItemKind.Service, "02", "01", ItemClass.None),
        new("002501000010000", "血常规", ItemKind.Service, "04", "01", ItemClass.None),
        new("002704000010000", "CT平扫", ItemKind.Service, "05", "02", ItemClass.None),
        new("003105000010000", "血液透析", ItemKind.Service, "06", "01", ItemClass.None),
        new("003301000010000", "手术费", ItemKind.Service, "07", "01", ItemClass.None),
        new("003300000099000", "特需病房服务", ItemKind.Service, "01", "03", ItemClass.NonBasicService),
        new("003101000020000", "种植牙", ItemKind.Service, "07", "03", ItemClass.DentalImplant),
        new("C13010100100001", "一次性输液器", ItemKind.Consumable, "08", "01", ItemClass.None),
        new("C03140100100002", "冠脉支架", ItemKind.Consumable, "08", "02", ItemClass.None),
        new("C01020100100003", "人工髋关节", ItemKind.Consumable, "08", "02", ItemClass.None),
        new("C99000000100004", "某高值耗材（目录外）", ItemKind.Consumable, "08", "03", ItemClass.None),
    ];

    // Weights per bill kind (outpatient, special outpatient, inpatient, emergency observation), same order as All.
    private static readonly int[][] Weights =
    [
        [12, 8, 4, 0, 0, 3, 1, 8, 2, 3, 4, 1, 0, 20, 14, 3, 0, 0, 0, 1, 6, 0, 0, 0],
        [10, 12, 2, 6, 8, 10, 3, 6, 1, 2, 3, 1, 0, 8, 8, 4, 12, 0, 0, 0, 4, 0, 0, 0],
        [4, 4, 10, 3, 3, 2, 2, 4, 1, 2, 2, 1, 14, 6, 8, 6, 2, 10, 1, 0, 8, 3, 2, 2],
        [3, 2, 12, 0, 1, 1, 0, 4, 1, 1, 1, 0, 6, 10, 12, 8, 0, 2, 0, 0, 10, 1, 0, 0],
    ];

    public static CatalogItem Pick(Random rng, BillKind kind) => All[Draw.Weighted(rng, Weights[(int)kind])];
}
