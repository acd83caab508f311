using System.Text.Encodings.Web;
using System.Text.Json;

namespace Doudi.Bench;

/// <summary>
/// Writes a synthetic but realistic case file for one region, deterministically: the same region, bill count,
/// seed and options always give the same bytes (System.Random with a seed is stable across runs and machines).
/// </summary>
/// <remarks>
/// What makes it realistic for the engine, per region (see policies/*.yaml):
/// <list type="bullet">
/// <item>persons with several bills each (average ~8, clustered in one main year) so that annual limits and
/// sub-limits bind: wenzhou's 500/1000 outpatient limit, fuyang's 20,000 general-outpatient sub-limit,
/// pengshui's 60,000 non-special-disease and 100,000 annual limits, pengshui's 20,000 tilted limit;</item>
/// <item>households of one to four persons (jiande's household line, the year-end household rules);</item>
/// <item>identities of the region's categories, some recognised or revoked mid-range (bills before recognition
/// are settled with no category), some persons with two identities (I-2 keeps the better), a few with none;
/// in fuyang some identities are for medical spending so the look-back window (I-15) applies;</item>
/// <item>a kind mix of outpatient, special outpatient, inpatient and emergency observation; special diseases,
/// referral and within-city flags, exclusions and non-designated hospitals at low rates;</item>
/// <item>jiande bills always carry <c>assistancePaid</c> (jiande pays no per-bill assistance of its own) and items
/// for the negative list; pengshui has special-disease and large level-2+ inpatient bills, referred within the
/// city, so tilted assistance is paid and its limit binds;</item>
/// <item><c>criticalPaid</c> is given (the upstream settled it) unless <see cref="EngineCriticalShare"/> asks the
/// engine to settle some (wenzhou and pengshui, which then need policies/samples loaded).</item>
/// </list>
/// Bills are written in settlement-date order, as an upstream export would list them, so the engine's
/// per-person sort (I-3) has real work to do.
/// </remarks>
public sealed class CaseGenerator
{
    public static readonly string[] Regions = ["fuyang", "pengshui", "wenzhou", "jiande"];

    public required string Region { get; init; }
    public required int Bills { get; init; }
    public int Seed { get; init; } = 20240601;
    /// <summary>Share of wenzhou/pengshui bills with <c>criticalPaid: null</c> (needs the sample critical-illness parameters).</summary>
    public double EngineCriticalShare { get; init; }
    /// <summary>When set, every bill and recognition falls in this one year (a city's year): the region's shape is cut to it.</summary>
    public int? Year { get; init; }

    private sealed record RegionShape(string[] Categories, DateOnly From, DateOnly To, bool LookBack, bool UpstreamAssistance);

    private static RegionShape Shape(string region) => region switch
    {
        // 2024 onwards the fuyang cap has no value in the seed (cap.personal: missing): keep to 2022–2023.
        "fuyang" => new(["destitute", "subsistence", "marginal", "severe_disability"], new(2022, 1, 1), new(2023, 12, 31), true, false),
        // wenzhou-2020's look-back deduction is missing (I-10), so no medical-spending identities there.
        "wenzhou" => new(["destitute", "subsistence", "marginal", "entitled_veteran", "other_special"], new(2021, 1, 1), new(2025, 12, 31), false, false),
        "jiande" => new(["destitute", "subsistence", "marginal"], new(2023, 1, 1), new(2025, 12, 31), false, true),
        "pengshui" => new(["destitute", "subsistence", "marginal", "at_risk_rural", "relapsed_poverty", "medical_poverty", "entitled_veteran", "severe_disability"],
            new(2023, 6, 1), new(2025, 12, 31), false, false),
        _ => throw new ArgumentException($"unknown region '{region}' (known: {string.Join(", ", Regions)})"),
    };

    private static readonly string[] ItemClasses =
        ["non_basic_service", "dental_implant", "tcm_patent_nonreimbursable", "tcm_herbal_pieces", "tcm_granules", "inhouse_preparation"];
    private static readonly string[] Exclusions = ["work_injury", "third_party", "public_health", "abroad", "out_of_catalog"];

    private struct GenBill
    {
        public int Person;
        public DateOnly Date;
        public long Seq;
    }

    /// <summary>Writes the case file; returns (persons, bills) written.</summary>
    public (int Persons, int Bills) Write(Stream output)
    {
        var shape = Shape(Region);
        if (Year is { } only)
        {
            var from = new DateOnly(only, 1, 1) > shape.From ? new DateOnly(only, 1, 1) : shape.From;
            var to = new DateOnly(only, 12, 31) < shape.To ? new DateOnly(only, 12, 31) : shape.To;
            if (from > to) throw new ArgumentException($"{Region} has no policy in {only} ({shape.From:yyyy-MM-dd}..{shape.To:yyyy-MM-dd})");
            shape = shape with { From = from, To = to };
        }
        var rng = new Random(Seed + RegionSalt(Region));
        int years = shape.To.Year - shape.From.Year + 1;

        // Persons and their bills' dates first (so bills can be written in date order).
        var persons = new List<(string Household, int MainYear)>();
        var bills = new List<GenBill>(Bills);
        int household = 0, householdLeft = 0;
        while (bills.Count < Bills)
        {
            int p = persons.Count;
            if (householdLeft == 0) { household = p; householdLeft = 1 + Pick(rng, [55, 25, 15, 5]); }
            householdLeft--;
            int mainYear = shape.From.Year + rng.Next(years);
            persons.Add(($"h{household + 1:D7}", mainYear));
            // Bills per person: mostly a handful, a tail of heavy users (the ones who reach the limits).
            int n = rng.NextDouble() < 0.15 ? 15 + rng.Next(30) : 1 + rng.Next(9);
            n = Math.Min(n, Bills - bills.Count);
            for (int i = 0; i < n; i++)
            {
                int year = rng.NextDouble() < 0.8 ? mainYear : shape.From.Year + rng.Next(years);
                bills.Add(new GenBill { Person = p, Date = RandomDate(rng, shape, year), Seq = bills.Count });
            }
        }
        bills.Sort((a, b) => a.Date != b.Date ? a.Date.CompareTo(b.Date) : a.Seq.CompareTo(b.Seq));

        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true });
        w.WriteStartObject();
        w.WriteString("region", Region);
        w.WriteStartArray("persons");
        for (int p = 0; p < persons.Count; p++)
        {
            WritePerson(w, rng, shape, p, persons[p].Household, persons[p].MainYear);
            if (w.BytesPending > 1 << 16) w.Flush();
        }
        w.WriteEndArray();
        w.WriteStartArray("bills");
        for (int i = 0; i < bills.Count; i++)
        {
            WriteBill(w, rng, shape, i, bills[i]);
            if (w.BytesPending > 1 << 16) w.Flush();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        return (persons.Count, bills.Count);
    }

    private static int RegionSalt(string region) => Array.IndexOf(Regions, region) * 7919;

    private static int Pick(Random rng, ReadOnlySpan<int> weights)
    {
        int total = 0;
        foreach (int x in weights) total += x;
        int r = rng.Next(total);
        for (int i = 0; i < weights.Length; i++)
        {
            if (r < weights[i]) return i;
            r -= weights[i];
        }
        return weights.Length - 1;
    }

    private static DateOnly RandomDate(Random rng, RegionShape shape, int year)
    {
        var from = new DateOnly(year, 1, 1) < shape.From ? shape.From : new DateOnly(year, 1, 1);
        var to = new DateOnly(year, 12, 31) > shape.To ? shape.To : new DateOnly(year, 12, 31);
        return from.AddDays(rng.Next(to.DayNumber - from.DayNumber + 1));
    }

    private void WritePerson(Utf8JsonWriter w, Random rng, RegionShape shape, int p, string household, int mainYear)
    {
        w.WriteStartObject();
        w.WriteString("id", PersonId(p));
        w.WriteString("household", household);
        w.WriteString("insurance", Pick(rng, [10, 15, 75]) switch { 0 => "employee", 1 => "retiree", _ => "resident" });
        w.WriteStartArray("identities");
        // 3% hold no identity of the region (insurance only); 15% hold two (I-2 keeps the better paying one).
        int count = rng.NextDouble() < 0.03 ? 0 : rng.NextDouble() < 0.15 ? 2 : 1;
        int first = rng.Next(shape.Categories.Length);
        for (int i = 0; i < count; i++)
        {
            string category = shape.Categories[(first + i * (1 + rng.Next(shape.Categories.Length - 1))) % shape.Categories.Length];
            DateOnly recognized;
            DateOnly? revoked = null;
            bool forMedicalSpending = false;
            double r = rng.NextDouble();
            if (r < 0.75)
            {
                recognized = shape.From.AddDays(-30 - rng.Next(1500));   // held throughout
            }
            else if (r < 0.90)
            {
                // Recognised during the main year: earlier bills of the year have no category (or, for a
                // medical-spending identity where the policy has a look-back window, reach back to it).
                recognized = RandomDate(rng, shape, mainYear);
                forMedicalSpending = shape.LookBack && rng.NextDouble() < 0.6;
            }
            else
            {
                recognized = shape.From.AddDays(-30 - rng.Next(1500));
                revoked = RandomDate(rng, shape, mainYear);             // revoked during the main year
            }
            w.WriteStartObject();
            w.WriteString("category", category);
            w.WriteString("recognized", recognized.ToString("yyyy-MM-dd"));
            if (revoked is { } rv) w.WriteString("revoked", rv.ToString("yyyy-MM-dd"));
            else w.WriteNull("revoked");
            w.WriteBoolean("forMedicalSpending", forMedicalSpending);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static string PersonId(int p) => $"p{p + 1:D7}";

    private void WriteBill(Utf8JsonWriter w, Random rng, RegionShape shape, int index, GenBill bill)
    {
        bool pengshui = Region == "pengshui";
        int kindIndex = Pick(rng, pengshui ? [35, 25, 35, 5] : [55, 15, 25, 5]);
        string kind = kindIndex switch { 0 => "outpatient", 1 => "special_outpatient", 2 => "inpatient", _ => "emergency_observation" };
        bool specialDisease = kindIndex != 0 && rng.NextDouble() < (pengshui ? 0.45 : 0.15);
        int level = Pick(rng, [5, 20, 40, 35]);

        // Amounts in fen, so every amount has at most two decimals.
        long total = kindIndex switch
        {
            0 => Fen(rng, 30, 3_000),
            1 => Fen(rng, 300, 30_000),
            2 => rng.NextDouble() < 0.25 ? Fen(rng, 40_000, 400_000) : Fen(rng, 3_000, 60_000),
            _ => Fen(rng, 500, 15_000),
        };
        long inPolicy = (long)(total * (0.60 + 0.38 * rng.NextDouble()));
        long basic = (long)(inPolicy * (0.35 + 0.35 * rng.NextDouble()));
        long remainder = inPolicy - basic;
        bool engineCritical = Region is "wenzhou" or "pengshui" && rng.NextDouble() < EngineCriticalShare;
        long critical = remainder > 2_000_000 ? (long)((remainder - 2_000_000) * 0.6) : 0;
        // Supplementary insurance (惠民保 and the like) pays part of the out-of-policy cost, which no other tier
        // touches: so the tiers together never pay more than the bill cost, whichever order the policy settles them
        // in and whatever the engine pays (a share of the in-policy remainder could exceed what a 100% assistance
        // ratio leaves, and the engine rightly refuses such a bill).
        long supplementary = rng.NextDouble() < 0.2 ? (long)((total - inPolicy) * 0.5 * rng.NextDouble()) : 0;
        long? assistance = shape.UpstreamAssistance ? (long)((remainder - critical) * 0.7 * rng.NextDouble()) : null;
        long reasonable = rng.NextDouble() < 0.1 ? (long)((total - inPolicy) * 0.5 * rng.NextDouble()) : 0;

        string? excluded = rng.NextDouble() < 0.02 ? Exclusions[rng.Next(Exclusions.Length)] : null;
        bool designated = rng.NextDouble() >= 0.02;
        bool referred = rng.NextDouble() < (pengshui ? 0.85 : 0.7);
        bool withinCity = rng.NextDouble() < 0.9;

        w.WriteStartObject();
        w.WriteString("id", $"b{index + 1:D8}");
        w.WriteString("person", PersonId(bill.Person));
        w.WriteString("date", bill.Date.ToString("yyyy-MM-dd"));
        w.WriteString("kind", kind);
        Amount(w, "total", total);
        Amount(w, "inPolicy", inPolicy);
        Amount(w, "basicPaid", basic);
        if (engineCritical) w.WriteNull("criticalPaid"); else Amount(w, "criticalPaid", critical);
        Amount(w, "supplementaryPaid", supplementary);
        if (assistance is { } a) Amount(w, "assistancePaid", a); else w.WriteNull("assistancePaid");
        Amount(w, "reasonableOutOfPolicy", reasonable);
        w.WriteBoolean("specialDisease", specialDisease);
        w.WriteNumber("hospitalLevel", level);
        w.WriteBoolean("designated", designated);
        w.WriteBoolean("referred", referred);
        w.WriteBoolean("withinCity", withinCity);
        if (excluded is null) w.WriteNull("excluded"); else w.WriteString("excluded", excluded);
        w.WriteStartArray("items");
        // Jiande's negative list needs items; elsewhere a few bills carry them too (the reader pays for them).
        // Items add up to the bill: the in-catalogue ones to its in-policy cost, the others to its out-of-policy cost.
        if (shape.UpstreamAssistance || rng.NextDouble() < 0.1)
        {
            int n = 1 + rng.Next(4);
            long inLeft = inPolicy, outLeft = total - inPolicy;
            for (int i = 0; i < n && inLeft + outLeft > 0; i++)
            {
                bool inCatalog = outLeft == 0 || inLeft > 0 && rng.NextDouble() < 0.7;
                ref long left = ref inCatalog ? ref inLeft : ref outLeft;
                long amount = i == n - 1 ? left : (long)(left * rng.NextDouble() * 0.6);
                left -= amount;
                w.WriteStartObject();
                int k = Pick(rng, [50, 20, 30]);
                w.WriteString("kind", k switch { 0 => "drug", 1 => "consumable", _ => "service" });
                if (rng.NextDouble() < 0.2) w.WriteString("class", ItemClasses[rng.Next(ItemClasses.Length)]);
                else w.WriteNull("class");
                w.WriteBoolean("inCatalog", inCatalog);
                Amount(w, "amount", amount);
                w.WriteEndObject();
            }
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>A random amount in fen between the two yuan bounds, log-uniform (many small bills, a long tail); a third are whole yuan.</summary>
    private static long Fen(Random rng, int minYuan, int maxYuan)
    {
        double yuan = Math.Exp(Math.Log(minYuan) + (Math.Log(maxYuan) - Math.Log(minYuan)) * rng.NextDouble());
        long fen = (long)(yuan * 100);
        return rng.NextDouble() < 0.33 ? fen / 100 * 100 : fen;
    }

    private static void Amount(Utf8JsonWriter w, string name, long fen)
    {
        w.WritePropertyName(name);
        Span<byte> buf = stackalloc byte[24];
        long yuan = fen / 100, cents = fen % 100;
        int n = 0;
        yuan.TryFormat(buf, out n);
        if (cents != 0)
        {
            buf[n++] = (byte)'.';
            buf[n++] = (byte)('0' + cents / 10);
            if (cents % 10 != 0) buf[n++] = (byte)('0' + cents % 10);
        }
        w.WriteRawValue(buf[..n], skipInputValidation: true);
    }
}
