using System.Globalization;
using System.Text.Json;
using Doudi.Cases;
using Doudi.Engine.Cases;
using Doudi.Engine.Settlement;
using Doudi.Policy.Periods;
using Doudi.Policy.Vocabulary;
using Doudi.Synthetic.Output;
using Doudi.Synthetic.Reference;
using Diagnosis = Doudi.Synthetic.Reference.Diagnosis;

namespace Doudi.Synthetic;

/// <summary>What was written, for the manifest and the caller.</summary>
public sealed record CitySummary(string Region, int Year, int Seed, int Townships, int Institutions, int Households, int Persons, int Objects,
    long Bills, long Details, decimal Total, decimal InPolicy, decimal AssistancePaid, int Planted, IReadOnlyList<string> Files);

/// <summary>
/// Writes a synthetic city's year into a folder: the registry (<c>persons.csv</c>, <c>townships.csv</c>,
/// <c>institutions.csv</c>, <c>registry.json</c>), the departments' monthly name lists (<c>namelists/YYYY-MM-department.csv</c>,
/// the server's name-list CSV, full mode), the national platform's settlement export (<c>settlements.csv</c> with its
/// details <c>setldetail.csv</c>), the case file the CLI settles (<c>case.json</c>) and <c>manifest.json</c>.
/// </summary>
/// <remarks>
/// Bills are made person by person from a generator seeded by (seed, person), settled at once with the engine in
/// settlement order (I-3) against the person's ledger, and written: memory holds the registry, never the bills. The
/// export's <c>maf_pay</c> is what the policy gives for the bill (assistance and tilted assistance; where the policy has
/// no per-bill assistance of its own, what an upstream system would pay, which the engine takes as is), except on the
/// bills of <see cref="CityOptions.PlantedErrors"/>, listed with the right amount in <c>planted.csv</c>. Every bill is
/// consistent: its items add up to the total, out-of-catalogue items to <c>fulamt_ownpay_amt</c>, basic and critical
/// illness never exceed the in-policy amount, supplementary insurance never exceeds what is left, and the person's
/// cash payment is what remains.
/// Bills are in person order, then date: a national export sorted by time would need the whole year in memory.
/// </remarks>
public sealed class CityGenerator
{
    private const int PurposeBills = 2;
    private const int PurposePlant = 3;
    // Seasonality of visits (winter peaks, the Spring Festival dip in February).
    private static readonly double[] MonthWeight = [1.12, 0.82, 1.02, 0.98, 0.96, 0.92, 0.98, 0.97, 0.98, 1.00, 1.06, 1.19];

    private readonly CityRegistry _city;
    private readonly PolicyCatalog _catalog;
    private readonly SettlementEngine _engine;
    private readonly bool _withItems;
    private readonly bool _supplementaryBefore;
    private readonly int[][] _byLevel;           // within-city institutions per level
    private readonly int[][][] _byTownshipLevel;  // per township, per level (levels 0–1 are local)
    private readonly int[] _outOfCity;

    public CityGenerator(CityRegistry city, PolicyCatalog catalog)
    {
        _city = city;
        _catalog = catalog;
        _engine = new SettlementEngine(catalog);
        var year = city.Options.Year;
        // Items go into the case file where the policy reads them (a household negative list); the export always has details.
        _withItems = catalog.PeriodsOf(city.Options.Region).Any(p => p.From.Year <= year && p.To.Year >= year && p.Household?.NegativeClasses is not null);
        // Where supplementary insurance settles after assistance (I-5), it can only pay what assistance leaves: the
        // generated upstream pays it from the part outside the in-policy amount, which assistance never touches.
        _supplementaryBefore = catalog.PeriodsOf(city.Options.Region).Where(p => p.From.Year <= year && p.To.Year >= year)
            .All(p => p.SupplementaryBeforeAssistance?.Value == true);
        var inst = city.Institutions;
        _byLevel = Enumerable.Range(0, 4).Select(l => Enumerable.Range(0, inst.Count).Where(i => inst[i].Level == l && inst[i].WithinCity).ToArray()).ToArray();
        _byTownshipLevel = Enumerable.Range(0, city.Townships.Count).Select(t => Enumerable.Range(0, 4)
            .Select(l => Enumerable.Range(0, inst.Count).Where(i => inst[i].Township == t && inst[i].Level == l && inst[i].WithinCity).ToArray()).ToArray()).ToArray();
        _outOfCity = Enumerable.Range(0, inst.Count).Where(i => !inst[i].WithinCity).ToArray();
    }

    public CitySummary Write(string folder)
    {
        Directory.CreateDirectory(folder);
        Directory.CreateDirectory(Path.Combine(folder, "namelists"));
        var files = new List<string>();
        string F(string name) { files.Add(name); return Path.Combine(folder, name); }
        var o = _city.Options;

        WriteRegistry(F("townships.csv"), F("institutions.csv"), F("persons.csv"));
        using (var registry = File.Create(F("registry.json")))
            CaseWriter.Write(new CaseFile(o.Region, _city.Persons.Select(p => p.Person).ToList(), []), registry);
        files.AddRange(WriteNameLists(folder));

        long bills = 0, details = 0, total = 0, inPolicy = 0, maf = 0;
        int planted = 0;
        using var settlements = new CsvFile(F("settlements.csv"), NationalColumns.Settlement);
        using var detail = new CsvFile(F("setldetail.csv"), NationalColumns.Detail);
        using var plantedFile = o.PlantedErrors > 0 ? new CsvFile(F("planted.csv"), NationalColumns.Planted) : null;
        Stream? caseStream = o.WriteCase ? File.Create(F("case.json")) : null;
        var caseWriter = caseStream is null ? null : new CaseWriter(caseStream, o.Region);
        if (caseWriter is not null)
            foreach (var p in _city.Persons) caseWriter.WritePerson(p.Person);

        double perPerson = (double)o.Bills / _city.Persons.Count;
        // Drawn at three times the rate asked, so that N are found well before the last bill (fewer only in a tiny city).
        double plantRate = o.PlantedErrors == 0 || _city.UpstreamAssistance ? 0 : 3.0 * o.PlantedErrors / Math.Max(1, o.Bills);
        var made = new List<MadeBill>(64);
        foreach (var person in _city.Persons)
        {
            var rng = Draw.For(o.Seed, person.Index, PurposeBills);
            made.Clear();
            // Heavy users and light ones: an exponential mixture of Poisson counts (mean perPerson).
            int n = Draw.Poisson(rng, perPerson * -Math.Log(1 - rng.NextDouble()));
            for (int i = 0; i < n; i++) made.Add(MakeBill(rng, person));
            made.Sort((a, b) => a.Date.CompareTo(b.Date));
            var ledger = new PersonLedger(o.Year);
            var plantRng = plantRate > 0 ? Draw.For(o.Seed, person.Index, PurposePlant) : null;
            foreach (var m in made)
            {
                bills++;
                string setlId = $"S{o.Year}{bills:D9}";
                var bill = m.ToBill(setlId, person.PsnNo, _withItems, _city.UpstreamAssistance ? UpstreamAssistance(person, m) : null);
                var result = _engine.SettleBill(o.Region, person.Person, bill, ledger);
                long due = _city.UpstreamAssistance ? (long)(bill.AssistancePaid!.Value * 100) : ToFen(result.Assistance + result.Tilted);
                long paid = due;
                if (plantRng is not null && planted < o.PlantedErrors && plantRng.NextDouble() < plantRate)
                {
                    long cash = m.Cash - due;
                    long x = Draw.Fen(plantRng, 20, 3000);
                    // Overpaid where the person paid enough cash to take it from; otherwise underpaid where something was paid.
                    if (plantRng.NextDouble() < 0.5 && cash >= 1) paid = due + Math.Min(x, cash);
                    else if (due >= 1) paid = due - Math.Min(x, due);
                    else if (cash >= 1) paid = due + Math.Min(x, cash);
                    if (paid != due)
                    {
                        planted++;
                        plantedFile!.Field(setlId).Field(person.PsnNo).Field(paid > due ? "over" : "under").Fen(paid).Fen(due).Fen(paid - due).End();
                    }
                }
                WriteSettlement(settlements, setlId, person, m, paid);
                for (int k = 0; k < m.Items.Count; k++) { WriteDetail(detail, setlId, k + 1, m.Items[k]); details++; }
                caseWriter?.WriteBill(bill);
                total += m.Total; inPolicy += m.InPolicy; maf += paid;
            }
        }
        caseWriter?.Complete();
        caseWriter?.Dispose();
        caseStream?.Dispose();

        var summary = new CitySummary(o.Region, o.Year, o.Seed, _city.Townships.Count, _city.Institutions.Count, _city.Households, _city.Persons.Count,
            _city.Persons.Count(p => p.Person.Identities.Count > 0), bills, details, total / 100m, inPolicy / 100m, maf / 100m, planted, files.Append("manifest.json").ToList());
        File.WriteAllText(Path.Combine(folder, "manifest.json"), JsonSerializer.Serialize(new { options = o, summary }, new JsonSerializerOptions { WriteIndented = true }));
        return summary;
    }

    private static long ToFen(decimal yuan) => (long)decimal.Round(yuan * 100m, 0, MidpointRounding.AwayFromZero);

    /// <summary>
    /// What an upstream system pays where the policy takes it as is (no per-bill assistance of its own): 70% of the
    /// in-policy remainder while the person holds an identity that counts (I-1: from the month after recognition to the
    /// end of the month of revocation). Synthetic, like the rest of the upstream figures.
    /// </summary>
    private static decimal UpstreamAssistance(CityPerson person, MadeBill m)
    {
        if (!m.Designated || m.Excluded != Exclusion.None) return 0m;
        foreach (var id in person.Person.Identities)
        {
            var from = new DateOnly(id.Recognized.Year, id.Recognized.Month, 1).AddMonths(1);
            var to = id.Revoked is { } r ? new DateOnly(r.Year, r.Month, 1).AddMonths(1).AddDays(-1) : DateOnly.MaxValue;
            if (from <= m.Date && m.Date <= to)
                return decimal.Round((m.InPolicy - m.Basic - m.Critical - m.Supplementary) * 0.7m / 100m, 2, MidpointRounding.AwayFromZero);
        }
        return 0m;
    }

    private MadeBill MakeBill(Random rng, CityPerson person)
    {
        var o = _city.Options;
        var kind = Draw.Weighted(rng, [70, 26, 4]) switch { 0 => BillKind.Outpatient, 1 => BillKind.SpecialOutpatient, _ => BillKind.Inpatient };
        int month = 1 + Draw.Weighted(rng, MonthWeight);
        var date = new DateOnly(o.Year, month, 1 + rng.Next(DateTime.DaysInMonth(o.Year, month)));
        var diagnosis = Diagnoses.Pick(rng, kind);
        bool special = kind != BillKind.Outpatient && diagnosis.Special;

        int level = kind switch
        {
            BillKind.Outpatient => Draw.Weighted(rng, [35, 30, 22, 13]),
            BillKind.SpecialOutpatient => Draw.Weighted(rng, [5, 35, 35, 25]),
            _ => Draw.Weighted(rng, [0, 28, 42, 30]),
        };
        bool outOfCity = kind == BillKind.Inpatient && _outOfCity.Length > 0 && rng.NextDouble() < 0.06;
        int institution;
        if (outOfCity) institution = _outOfCity[rng.Next(_outOfCity.Length)];
        else
        {
            var local = level <= 1 ? _byTownshipLevel[person.Township][level] : [];
            var pool = local.Length > 0 ? local : _byLevel[level];
            institution = pool[rng.Next(pool.Length)];
        }
        var inst = _city.Institutions[institution];

        long target = kind switch
        {
            BillKind.Outpatient => Draw.Fen(rng, 25, level >= 2 ? 3_000 : 800),
            BillKind.SpecialOutpatient => Draw.Fen(rng, 150, diagnosis.Code.StartsWith('C') || diagnosis.Code.StartsWith("N18") ? 25_000 : 6_000),
            _ => rng.NextDouble() < 0.08 ? Draw.Fen(rng, 30_000, 300_000) : Draw.Fen(rng, 2_500, 40_000),
        };
        int count = kind switch { BillKind.Outpatient => 1 + rng.Next(4), BillKind.SpecialOutpatient => 2 + rng.Next(4), _ => 4 + rng.Next(7) };
        var items = new List<(CatalogItem Item, long Fen)>(count);
        long left = target;
        for (int i = 0; i < count && left > 0; i++)
        {
            long fen = i == count - 1 ? left : Math.Max(1, (long)(left * (0.15 + 0.5 * rng.NextDouble())));
            left -= fen;
            items.Add((CatalogItems.Pick(rng, kind), fen));
        }
        long total = 0, outOfCatalog = 0, classB = 0;
        foreach (var (item, fen) in items)
        {
            total += fen;
            if (!item.InCatalog) outOfCatalog += fen;
            else if (item.ClassB) classB += fen;
        }
        long preSelf = classB / 10;
        long inPolicy = total - outOfCatalog - preSelf;

        double ratio = (kind == BillKind.Outpatient ? 0.50 : level switch { 0 or 1 => 0.78, 2 => 0.66, _ => 0.56 })
                       + (person.Person.Insurance == InsuranceType.Resident ? 0 : 0.12) + (rng.NextDouble() - 0.5) * 0.08;
        long basic = (long)(inPolicy * Math.Clamp(ratio, 0.3, 0.92));
        long remainder = inPolicy - basic;
        // Critical illness: the upstream's per-bill payment above a synthetic deductible (the export carries what it paid).
        long critical = kind != BillKind.Outpatient && remainder > 1_500_000 ? (long)((remainder - 1_500_000) * 0.6) : 0;
        long supplementary = kind == BillKind.Inpatient && rng.NextDouble() < 0.12 ? (long)((remainder - critical) * 0.3 * rng.NextDouble()) : 0;
        if (!_supplementaryBefore) supplementary = Math.Min(supplementary, outOfCatalog + preSelf);

        var excluded = rng.NextDouble() < 0.012
            ? (Exclusion)Draw.Weighted(rng, [0, 30, 40, 15, 15, 0, 0])
            : Exclusion.None;
        bool referred = inst.Level >= 2 && (outOfCity ? rng.NextDouble() < 0.75 : rng.NextDouble() < 0.55);
        int stay = kind == BillKind.Inpatient ? 2 + (int)Draw.Fen(rng, 1, 25) / 100 : 0;

        return new MadeBill
        {
            Date = date, Admitted = date.AddDays(-stay), Kind = kind, Diagnosis = diagnosis, Special = special, Institution = inst,
            Items = items, Total = total, OutOfCatalog = outOfCatalog, PreSelf = preSelf, InPolicy = inPolicy, Basic = basic,
            Critical = critical, Supplementary = supplementary, Excluded = excluded, Referred = referred,
            Hour = 8 + rng.Next(10), Minute = rng.Next(60),
        };
    }

    private sealed class MadeBill
    {
        public DateOnly Date, Admitted;
        public BillKind Kind;
        public required Diagnosis Diagnosis;
        public bool Special, Referred;
        public required Institution Institution;
        public required List<(CatalogItem Item, long Fen)> Items;
        public long Total, OutOfCatalog, PreSelf, InPolicy, Basic, Critical, Supplementary;
        public Exclusion Excluded;
        public int Hour, Minute;
        public bool Designated => Institution.Designated;
        /// <summary>What the person pays before medical assistance.</summary>
        public long Cash => Total - Basic - Critical - Supplementary;

        public Bill ToBill(string id, string person, bool withItems, decimal? assistancePaid) => new()
        {
            Id = id, Person = person, Date = Date, Kind = Kind, Total = Total / 100m, InPolicy = InPolicy / 100m, BasicPaid = Basic / 100m,
            CriticalPaid = Critical / 100m, SupplementaryPaid = Supplementary / 100m, AssistancePaid = assistancePaid,
            SpecialDisease = Special, HospitalLevel = Institution.Level, Designated = Institution.Designated, Referred = Referred,
            WithinCity = Institution.WithinCity, Excluded = Excluded,
            Items = withItems ? Items.Select(x => new Item(x.Item.Kind, x.Item.Class, x.Item.InCatalog, x.Fen / 100m)).ToList() : [],
        };
    }

    private static string MedType(BillKind kind) => kind switch { BillKind.Outpatient => "11", BillKind.SpecialOutpatient => "14", _ => "21" };

    /// <summary>医院等级 hosp_lv of the national dictionary: 02 三级甲等, 05 二级甲等, 08 一级甲等, 11 无等级.</summary>
    private static string HospLv(int level) => level switch { 3 => "02", 2 => "05", 1 => "08", _ => "11" };

    private static string InsuType(InsuranceType t) => t == InsuranceType.Resident ? "390" : "310";

    private void WriteSettlement(CsvFile f, string setlId, CityPerson p, MadeBill m, long maf)
    {
        long cash = m.Total - m.Basic - m.Critical - m.Supplementary - maf;
        f.Field(setlId).Field("M" + setlId[1..]).Field(p.PsnNo).Field(p.Name).Field(InsuType(p.Person.Insurance)).Field(MedType(m.Kind))
         .Field(m.Admitted.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
         .Field(m.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
         .Field($"{m.Date:yyyy-MM-dd} {m.Hour:D2}:{m.Minute:D2}:00")
         .Field(m.Institution.Code).Field(m.Institution.Name).Field(m.Diagnosis.Code).Field(m.Diagnosis.Name)
         .Fen(m.Total).Fen(m.OutOfCatalog).Fen(0).Fen(m.PreSelf).Fen(m.InPolicy)
         .Fen(m.Basic).Fen(0).Fen(0).Fen(m.Critical).Fen(maf).Fen(m.Supplementary).Fen(0).Fen(cash).Fen(cash)
         .Field(HospLv(m.Institution.Level)).Field(_city.Townships[m.Institution.Township].Name).Field(m.Special).Field(m.Institution.Designated).Field(m.Referred).Field(m.Institution.WithinCity)
         .Field(m.Excluded == Exclusion.None ? "" : Codes.ToCode(m.Excluded)).End();
    }

    private static void WriteDetail(CsvFile f, string setlId, int sn, (CatalogItem Item, long Fen) x)
    {
        var (item, fen) = x;
        long pre = item.ClassB ? fen / 10 : 0;
        f.Field(setlId).Field(sn).Field(item.Code).Field(item.Name).Field(item.FeeType).Field(item.Level)
         .Fen(fen).Fen(item.InCatalog ? fen - pre : 0).Fen(item.InCatalog ? 0 : fen).Fen(pre)
         .Field(item.Class == ItemClass.None ? "" : Codes.ToCode(item.Class)).End();
    }

    private void WriteRegistry(string townships, string institutions, string persons)
    {
        using (var f = new CsvFile(townships, NationalColumns.Townships))
            foreach (var t in _city.Townships) f.Field(t.Code).Field(t.Name).Field(t.Residents).End();
        using (var f = new CsvFile(institutions, NationalColumns.Institutions))
            foreach (var i in _city.Institutions)
                f.Field(i.Code).Field(i.Name).Field(i.Level).Field(_city.Townships[i.Township].Code).Field(i.WithinCity).Field(i.Designated).End();
        using (var f = new CsvFile(persons, NationalColumns.Persons))
            foreach (var p in _city.Persons)
                f.Field(p.PsnNo).Field(p.IdNumber).Field(p.Name).Field(p.Person.Household).Field(_city.Townships[p.Township].Code)
                 .Field(_city.Townships[p.Township].Name).Field(Codes.ToCode(p.Person.Insurance)).End();
    }

    /// <summary>
    /// One full list per department per month: every identity of the department that the list of that month carries
    /// (recognised on or before the first of the month, not revoked by then). See <see cref="CityRegistry"/> for the dates.
    /// </summary>
    private IEnumerable<string> WriteNameLists(string folder)
    {
        var o = _city.Options;
        var departments = _city.Categories.Select(Departments.Of).Distinct().Order(StringComparer.Ordinal).ToList();
        var names = new List<string>();
        for (int month = 1; month <= 12; month++)
        {
            var first = new DateOnly(o.Year, month, 1);
            foreach (var department in departments)
            {
                string name = $"namelists/{o.Year}-{month:D2}-{department}.csv";
                names.Add(name);
                using var f = new CsvFile(Path.Combine(folder, name), NationalColumns.NameList);
                foreach (var p in _city.Persons)
                    foreach (var id in p.Person.Identities)
                        if (id.Recognized <= first && (id.Revoked is null || id.Revoked > first) && Departments.Of(id.Category) == department)
                            f.Field(p.IdNumber).Field(p.Name).Field(Codes.ToCode(id.Category)).Field(p.Person.Household)
                             .Field(_city.Townships[p.Township].Name).Field(Codes.ToCode(p.Person.Insurance)).Field(p.PsnNo)
                             .Field(id.Recognized.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Field(id.ForMedicalSpending).End();
            }
        }
        return names;
    }
}
