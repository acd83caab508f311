using Doudi.Policy.Loading;
using Doudi.Policy.Parameters;
using Doudi.Policy.Vocabulary;

namespace Doudi.Policy.Periods;

/// <summary>
/// Builds the typed view of one period from the settings in force, and checks that they fit together
/// (every scheme a kind points to exists, every ratio has its limits, a tilted rule has its ratio…).
/// </summary>
internal sealed class PeriodBuilder
{
    private readonly Dictionary<string, (Setting Setting, Clause Clause, PolicyDocument Doc)> _in;
    private readonly Action<(Setting Setting, Clause Clause, PolicyDocument Doc), string> _error;
    private readonly Dictionary<string, Scheme> _schemes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    private PeriodBuilder(Dictionary<string, (Setting, Clause, PolicyDocument)> settings, Action<(Setting, Clause, PolicyDocument), string> error)
    { _in = settings; _error = error; }

    public static PolicyPeriod Build(string region, string policyId, string document, Citation cite, IReadOnlyList<string> layers, DateOnly from, DateOnly to,
        Dictionary<string, (Setting Setting, Clause Clause, PolicyDocument Doc)> settings,
        Action<(Setting Setting, Clause Clause, PolicyDocument Doc), string> error)
    {
        var b = new PeriodBuilder(settings, error);
        var p = new PolicyPeriod
        {
            Region = region, PolicyId = policyId, Document = document, Cite = cite, Layers = layers, From = from, To = to,
            Parameters = settings.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .ToDictionary(kv => kv.Key, kv => (kv.Value.Setting.Value, kv.Value.Clause.Citation)),
        };
        b.Fill(p);
        return p;
    }

    private bool Has(string key) => _in.ContainsKey(key);
    private Citation Cite(string key) => _in[key].Clause.Citation;
    private T Value<T>(string key) => (T)_in[key].Setting.Value;
    private Cited<T>? Get<T>(string key) => _in.TryGetValue(key, out var s) ? new Cited<T>((T)s.Setting.Value, s.Clause.Citation) : null;
    private IEnumerable<string> KeysStartingWith(string prefix) => _in.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal));

    private Cited<T> Require<T>(string key, string needingKey)
    {
        if (Get<T>(key) is { } v) return v;
        _error(_in[needingKey], $"缺少参数 '{key}'（'{needingKey}' 需要它） missing parameter '{key}', needed by '{needingKey}'");
        return default;
    }

    private void Fill(PolicyPeriod p)
    {
        if (Get<List<string>>("objects") is { } objects)
            foreach (var code in objects.Value) p.Objects[(int)Parse<Category>(code)] = objects.Cite;
        if (Has("identity.effective")) p.IdentityNextMonth = Cite("identity.effective");
        for (int i = 0; i < p.Objects.Length; i++)
            if (p.Objects[i] is { } who)
                p.IdentityRule[i] = p.IdentityNextMonth is { } when ? $"{who.Rule}；{when.Rule}" : who.Rule;
        if (Get<string>("supplementary.position") is { } sp) p.SupplementaryBeforeAssistance = new Cited<bool>(sp.Value == "before_assistance", sp.Cite);
        if (Get<List<string>>("exclusions") is { } ex)
            foreach (var code in ex.Value) p.Exclusions[(int)Parse<Exclusion>(code)] = ex.Cite;
        if (Get<List<string>>("exclusions.emergencyExcepted") is { } ee)
            foreach (var code in ee.Value) p.EmergencyExcepted[(int)Parse<Exclusion>(code)] = ee.Cite;
        if (Get<string>("referral.outOfCity") is { Value: "requires_referral" } rr) p.OutOfCityNeedsReferral = rr.Cite;
        if (Get<string>("referral.outOfCity") is { Value: "local_standard" } ls) p.OutOfCityLocalStandard = ls.Cite;
        if (Has("assistance.upstream")) p.UpstreamAssistance = Cite("assistance.upstream");

        foreach (var kind in Enum.GetValues<BillKind>())
        {
            var code = Codes.ToCode(kind);
            p.SchemeByKind[(int)kind] = SchemeFor("assistance.scheme." + code);
            p.SpecialDiseaseSchemeByKind[(int)kind] = SchemeFor("assistance.specialDiseaseScheme." + code);
        }
        foreach (var key in KeysStartingWith("assistance.").Where(k => k.Contains(".ratio.")))
        {
            var name = key.Split('.')[1];
            if (!_schemes.ContainsKey(name)) _error(_in[key], $"方案 '{name}' 未被任何就医类别使用 scheme '{name}' is not used by any bill kind (assistance.scheme.*)");
        }

        if (Has("lookback.months"))
        {
            var schemes = Require<List<string>>("lookback.schemes", "lookback.months").Value ?? [];
            foreach (var s in schemes)
                if (!_schemes.ContainsKey(s)) _error(_in["lookback.schemes"], $"lookback.schemes 中的方案 '{s}' 不存在 unknown scheme");
            p.Lookback = new Lookback
            {
                Months = Get<int>("lookback.months")!.Value, Schemes = schemes.ToHashSet(),
                Categories = Get<List<string>>("lookback.categories")?.Value.Select(Parse<Category>).ToHashSet(),
                Ratio = Get<decimal>("lookback.ratio"), Deduction = Get<Limit>("lookback.deduction"),
            };
        }

        FillCritical(p);
        FillTilted(p);
        FillYearEnd(p);
    }

    private Cited<Scheme?>? SchemeFor(string key)
    {
        if (Get<string>(key) is not { } named) return null;
        if (named.Value == "none") return new Cited<Scheme?>(null, named.Cite);
        return new Cited<Scheme?>(SchemeNamed(named.Value, key), named.Cite);
    }

    private Scheme SchemeNamed(string name, string referencedBy)
    {
        if (_schemes.TryGetValue(name, out var existing)) return existing;
        var scheme = new Scheme(name);
        _schemes[name] = scheme;
        var prefix = $"assistance.{name}.";
        foreach (var key in KeysStartingWith(prefix + "ratio."))
            scheme.Ratio[(int)Parse<Category>(key[(prefix.Length + 6)..])] = Get<decimal>(key);
        if (!scheme.Ratio.Any(r => r is not null))
            _error(_in[referencedBy], $"方案 '{name}' 没有任何救助比例 scheme '{name}' has no ratio (assistance.{name}.ratio.*)");
        var limits = Require<List<string>>(prefix + "limits", referencedBy);
        scheme.LimitsCite = limits.Cite;
        scheme.Limits = (limits.Value ?? []).Select(BucketNamed).ToList();
        scheme.MinHospitalLevel = Get<int>(prefix + "minHospitalLevel");
        scheme.InPolicyAbove = Get<decimal>(prefix + "inPolicyAbove");
        foreach (var cat in Enum.GetValues<Category>())
        {
            if (scheme.Ratio[(int)cat] is null) continue;
            foreach (var bucket in scheme.Limits)
                if (bucket.ByCategory[(int)cat] is null)
                    _error(_in[$"{prefix}ratio.{Codes.ToCode(cat)}"],
                        $"'{Codes.ToCode(cat)}' 有救助比例但缺少年度限额 has a ratio in '{name}' but no 'limit.{bucket.Name}.{Codes.ToCode(cat)}' (use a number, unlimited or missing)");
        }
        return scheme;
    }

    private Bucket BucketNamed(string name)
    {
        if (_buckets.TryGetValue(name, out var b)) return b;
        b = new Bucket(name);
        foreach (var key in KeysStartingWith($"limit.{name}."))
            b.ByCategory[(int)Parse<Category>(key[($"limit.{name}.".Length)..])] = Get<Limit>(key);
        return _buckets[name] = b;
    }

    private void FillCritical(PolicyPeriod p)
    {
        if (!KeysStartingWith("critical.").Any()) return;
        var c = new CriticalIllness { Deductible = Get<Limit>("critical.deductible"), Ratio = Get<decimal>("critical.ratio"), Cap = Get<Limit>("critical.cap") };
        foreach (var cat in Enum.GetValues<Category>())
        {
            var prefix = $"critical.preference.{Codes.ToCode(cat)}.";
            if (!KeysStartingWith(prefix).Any()) continue;
            c.Preference[(int)cat] = new CriticalPreference
            {
                DeductibleFactor = Get<decimal>(prefix + "deductibleFactor"), RatioBonus = Get<decimal>(prefix + "ratioBonus"),
                RatioFloor = Get<decimal>(prefix + "ratioFloor"), NoCap = Get<bool>(prefix + "noCap"),
            };
        }
        p.Critical = c;
    }

    private void FillTilted(PolicyPeriod p)
    {
        var lines = KeysStartingWith("tilted.line.").ToList();
        if (lines.Count == 0) return;
        var kinds = Require<List<string>>("tilted.kinds", lines[0]);
        var requires = Get<List<string>>("tilted.requires");
        var t = new Tilted
        {
            Ratio = Require<decimal>("tilted.ratio", lines[0]), Limit = Require<Limit>("tilted.limit", lines[0]),
            Kinds = Enum.GetValues<BillKind>().Select(k => kinds.Value?.Contains(Codes.ToCode(k)) == true).ToArray(),
            KindsCite = kinds.Cite,
            NeedsReferral = requires?.Value.Contains("referred") == true ? requires.Value.Cite : null,
            NeedsWithinCity = requires?.Value.Contains("within_city") == true ? requires.Value.Cite : null,
        };
        foreach (var key in lines) t.Line[(int)Parse<Category>(key["tilted.line.".Length..])] = Get<decimal>(key);
        p.Tilted = t;
    }

    private void FillYearEnd(PolicyPeriod p)
    {
        var specialRatios = KeysStartingWith("special.ratio.").ToList();
        if (specialRatios.Count > 0)
        {
            var s = new Special { Threshold = Require<decimal>("special.threshold", specialRatios[0]), Limit = Require<Limit>("special.limit", specialRatios[0]) };
            foreach (var key in specialRatios) s.Ratio[(int)Parse<Category>(key["special.ratio.".Length..])] = Get<decimal>(key);
            p.Special = s;
        }
        p.PersonalCap = Get<Limit>("cap.personal");
        if (Get<decimal>("resolution.threshold") is { } threshold)
        {
            var req = Get<List<string>>("resolution.requires");
            p.Resolution = new Resolution { Threshold = threshold, NeedsReferral = req?.Value.Contains("referred") == true ? req.Value.Cite : null };
        }
        var lines = KeysStartingWith("household.line.").ToList();
        if (lines.Count > 0)
        {
            var classes = Get<List<string>>("negativeList.classes");
            var h = new Household
            {
                NegativeClasses = classes is { } c ? new Cited<IReadOnlySet<ItemClass>>(c.Value.Select(Parse<ItemClass>).ToHashSet(), c.Cite) : null,
                DrugThreshold = Get<decimal>("negativeList.drugThreshold"),
                ConsumableThreshold = Get<decimal>("negativeList.consumableThreshold"),
                ThresholdPerHousehold = Get<string>("negativeList.thresholdScope")?.Value == "household",
                ThresholdScopeCite = Get<string>("negativeList.thresholdScope")?.Cite,
                ItemShareCite = Get<string>("negativeList.itemShare")?.Cite,
                MembersCite = Get<string>("household.members")?.Cite,
            };
            foreach (var key in lines) h.Line[(int)Parse<Category>(key["household.line.".Length..])] = Get<decimal>(key);
            p.Household = h;
        }
    }

    private static T Parse<T>(string code) where T : struct, Enum =>
        Codes.TryParse<T>(code, out var v) ? v : throw new InvalidOperationException($"schema let through unknown code '{code}'");
}
