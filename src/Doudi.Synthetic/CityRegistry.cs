using Doudi.Engine.Cases;
using Doudi.Policy.Periods;
using Doudi.Policy.Vocabulary;

namespace Doudi.Synthetic;

public sealed record Township(string Code, string Name, int Residents);

public sealed record Institution(string Code, string Name, int Level, int Township, bool WithinCity, bool Designated);

/// <summary>A person of the registry: the engine's person plus what the bureau's registry and name lists carry.</summary>
public sealed record CityPerson(int Index, Person Person, string PsnNo, string IdNumber, string Name, int Township, int Household);

/// <summary>
/// The city's registry: townships, institutions, households and persons with dated identities. Held in memory (a few
/// hundred bytes per person: 250,000 objects are ~100 MB at most); bills are never held, see <see cref="CityGenerator"/>.
/// </summary>
/// <remarks>
/// The categories are those the region's policy in force in the year makes objects (read from the catalogue). Their
/// mix, household sizes and churn are a synthetic shape, not statistics: subsistence households are the largest group,
/// then marginal, destitute persons mostly live alone; household categories are held by every member (92%), personal
/// ones (disability, entitled veteran, other special) by one member; 12% of households have a member with a second
/// identity (I-2); 85% of identities were recognised before the year, ~1% a month are revoked (the person leaves the
/// following month's name list) and new ones join each month; where the policy has a look-back window for people
/// recognised for medical spending, 40% of new subsistence and marginal identities are such recognitions.
/// </remarks>
public sealed class CityRegistry
{
    public required CityOptions Options { get; init; }
    public required IReadOnlyList<Category> Categories { get; init; }
    public required IReadOnlyList<Township> Townships { get; init; }
    public required IReadOnlyList<Institution> Institutions { get; init; }
    public required IReadOnlyList<CityPerson> Persons { get; init; }
    public required int Households { get; init; }
    /// <summary>Upstream pays medical assistance and the policy takes it as is (no per-bill assistance of its own).</summary>
    public required bool UpstreamAssistance { get; init; }

    private const int PurposeHousehold = 1;

    /// <summary>Relative size of each category among objects (synthetic; categories the region does not have are skipped).</summary>
    private static double Weight(Category c) => c switch
    {
        Category.Subsistence => 45, Category.Marginal => 25, Category.Destitute => 9, Category.SevereDisability => 6,
        Category.AtRiskRural => 5, Category.RelapsedPoverty => 3, Category.MedicalPoverty => 2, Category.EntitledVeteran => 2,
        Category.OtherSpecial => 2, _ => 0,
    };

    private static bool Personal(Category c) => c is Category.SevereDisability or Category.EntitledVeteran or Category.OtherSpecial;

    public static CityRegistry Build(CityOptions options, PolicyCatalog catalog)
    {
        if (!catalog.HasRegion(options.Region))
            throw new ArgumentException($"未知地区 unknown region '{options.Region}' (known: {string.Join(", ", catalog.Regions)})");
        var yearStart = new DateOnly(options.Year, 1, 1);
        var yearEnd = new DateOnly(options.Year, 12, 31);
        var periods = catalog.PeriodsOf(options.Region).Where(p => p.From <= yearEnd && p.To >= yearStart).ToList();
        if (periods.Count == 0 || catalog.Find(options.Region, yearStart) is null || catalog.Find(options.Region, yearEnd) is null)
            throw new ArgumentException($"{options.Region} 在 {options.Year} 年并非全年有有效政策 no policy in force in {options.Region} for the whole year {options.Year}");
        var categories = Codes.AllCategories.Where(c => periods.All(p => p.IsObject(c)) && Weight(c) > 0).ToList();
        if (categories.Count == 0) throw new ArgumentException($"{options.Region} 没有救助对象类别 the policy names no assistance objects");
        // A look-back window usable all year, whose deduction (where there is one) has a value (I-10, I-15).
        bool lookBack = periods.All(p => p.Lookback is { } lb && lb.Deduction?.Value.Missing != true);
        bool upstream = periods.Any(p => p.UpstreamAssistance is not null);

        var master = new Random(options.Seed);
        var townships = new List<Township>();
        int tn = options.TownshipCount;
        for (int t = 0; t < tn; t++)
            townships.Add(new($"T{t + 1:D4}", Names.Township(t), 0));
        // Township sizes: log-normal-ish spread, summing to the residents.
        var sizes = townships.Select(_ => 0.4 + master.NextDouble() * 1.6).ToArray();
        double sum = sizes.Sum();
        for (int t = 0; t < tn; t++) townships[t] = townships[t] with { Residents = (int)(options.Residents * sizes[t] / sum) };

        var institutions = new List<Institution>();
        int inN = options.InstitutionCount;
        for (int i = 0; i < inN; i++)
        {
            int level = Draw.Weighted(master, [60, 30, 8, 2]);
            int township = Draw.Weighted(master, sizes);
            bool within = master.NextDouble() >= 0.04;      // a few out-of-city hospitals where residents go
            bool designated = master.NextDouble() >= 0.01;
            if (!within) level = Math.Max(level, 2);
            institutions.Add(new($"H{(within ? 33 : 31)}{i + 1:D9}", Names.Institution(townships[township].Name, level, within, i), level, township, within, designated));
        }
        // Every level must exist within the city, so every kind of visit finds one.
        for (int level = 0; level <= 3; level++)
            if (!institutions.Any(x => x.Level == level && x.WithinCity))
                institutions.Add(new($"H33{institutions.Count + 1:D9}", Names.Institution(townships[0].Name, level, true, institutions.Count), level, 0, true, true));

        var persons = new List<CityPerson>();
        double[] catWeights = categories.Select(Weight).ToArray();
        int objects = 0, household = 0;
        while (objects < options.Objects)
        {
            var rng = Draw.For(options.Seed, household, PurposeHousehold);
            int township = Draw.Weighted(rng, sizes);
            var category = categories[Draw.Weighted(rng, catWeights)];
            int size = category == Category.Destitute ? 1 + (rng.NextDouble() < 0.1 ? 1 : 0) : 1 + Draw.Weighted(rng, [22, 30, 22, 15, 8, 3]);
            var (recognized, revoked, medical) = Dates(rng, options.Year, category, lookBack);
            int holder = rng.Next(size);
            int second = rng.NextDouble() < 0.12 ? rng.Next(size) : -1;
            string hid = $"F{options.Year % 100:D2}{household + 1:D8}";
            for (int m = 0; m < size; m++)
            {
                var ids = new List<Identity>(2);
                bool holds = Personal(category) ? m == holder : m == holder || rng.NextDouble() >= 0.08;
                if (holds) ids.Add(new Identity(category, recognized, revoked, medical));
                if (m == second)
                {
                    var other = categories[Draw.Weighted(rng, catWeights)];
                    // One department gives a person one category per date (I-2): a second identity comes from another department.
                    if (Departments.Of(other) != Departments.Of(category))
                    {
                        var (r2, v2, _) = Dates(rng, options.Year, other, false);
                        ids.Add(new Identity(other, r2, v2));
                    }
                }
                if (ids.Count > 0) objects++;
                int index = persons.Count;
                double ins = rng.NextDouble();
                var insurance = ins < 0.06 ? InsuranceType.Employee : ins < 0.12 ? InsuranceType.Retiree : InsuranceType.Resident;
                var birth = new DateOnly(options.Year, 1, 1).AddDays(-(int)(365.25 * (insurance == InsuranceType.Retiree ? 60 + rng.Next(30) : rng.Next(90))) - rng.Next(365));
                string psnNo = $"P{index + 1:D10}";
                persons.Add(new CityPerson(index, new Person(psnNo, hid, insurance, ids), psnNo, Ids.Make(index, birth),
                    Names.Person(rng), township, household));
            }
            household++;
        }
        return new CityRegistry
        {
            Options = options, Categories = categories, Townships = townships, Institutions = institutions, Persons = persons,
            Households = household, UpstreamAssistance = upstream,
        };
    }

    /// <summary>
    /// Recognition and revocation dates as the monthly name lists give them: an identity that starts in the year is
    /// recognised on the first day of the month of the list that first carries it, and one that ends is revoked on the
    /// first day of the month of the first list without it (so by I-1 it counts to the end of the month before).
    /// </summary>
    private static (DateOnly Recognized, DateOnly? Revoked, bool Medical) Dates(Random rng, int year, Category category, bool lookBack)
    {
        if (rng.NextDouble() < 0.85)
        {
            var recognized = new DateOnly(year, 1, 1).AddDays(-1 - rng.Next(6 * 365));
            DateOnly? revoked = rng.NextDouble() < 0.11 ? new DateOnly(year, 2 + rng.Next(11), 1) : null;
            return (recognized, revoked, false);
        }
        int month = 1 + rng.Next(12);
        bool medical = lookBack && category is Category.Subsistence or Category.Marginal && rng.NextDouble() < 0.4;
        DateOnly? end = month < 11 && rng.NextDouble() < 0.05 ? new DateOnly(year, month + 1 + rng.Next(12 - month), 1) : null;
        return (new DateOnly(year, month, 1), end, medical);
    }
}
