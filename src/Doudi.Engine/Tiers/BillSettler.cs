using Doudi.Engine.Cases;
using Doudi.Engine.Identities;
using Doudi.Engine.Results;
using Doudi.Engine.Settlement;
using Doudi.Engine.Tracing;
using Doudi.Policy.Parameters;
using Doudi.Policy.Periods;
using Doudi.Policy.Vocabulary;

namespace Doudi.Engine.Tiers;

/// <summary>
/// Settles one bill through the per-bill tiers, in order: critical illness → medical assistance → tilted
/// assistance; supplementary insurance sits before or after assistance as the policy says (I-5).
/// Each candidate category is settled on its own and the one that pays most is kept (I-2).
/// </summary>
internal sealed class BillSettler
{
    private readonly List<Candidate> _candidates = new(4);
    // Two outcomes, reused bill after bill: the best so far and the one being tried (I-2).
    private BillOutcome _best = new(), _trial = new();

    // Trace templates that name a code, made once per code instead of once per bill.
    private static readonly string[] IdentityTemplates = Codes.AllCategories
        .Select(c => $"{Codes.ToCode(c)} 认定 {{0}}；逐笔待遇自 {{1}} 起至 {{2}} 止（yyyymmdd，99991231 为未取消） recognised; per-bill benefits from, to (I-1)").ToArray();
    private static readonly string[] LookBackTemplates = Codes.AllCategories
        .Select(c => $"{Codes.ToCode(c)}（因病支出型）认定 {{1}}，回溯期 {{2}} 至 {{3}}（认定日前 {{0}} 个月至身份生效日前一日），本单在回溯期内 look-back window, the bill is within it (I-15)").ToArray();
    private static readonly string[] ExclusionTemplates = Enum.GetValues<Exclusion>()
        .Select(e => $"{Codes.ToCode(e)}：不属于医疗救助范围 outside medical assistance").ToArray();
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<PolicyPeriod, SharedSteps> Shared = new();

    /// <summary>
    /// The trace steps that read the same on every bill of a period (they carry none of the bill's amounts): made
    /// once per period and shared by the results, which is safe because a <see cref="TraceStep"/> never changes.
    /// </summary>
    private sealed class SharedSteps
    {
        public readonly Citation BurdenCite;
        public readonly string? BurdenInterpretation;
        public readonly TraceStep[] Policy = new TraceStep[5];   // by number of usable identities, 0..4
        private readonly PolicyPeriod _period;
        public readonly TraceStep NoIdentity;
        /// <summary>"Critical illness paid upstream: 0", the usual case, cited to the tiers' clause.</summary>
        public readonly TraceStep NoCriticalUpstream;
        /// <summary>Tilted assistance's conditions that hold (referred, within the city), when the period has them.</summary>
        public readonly TraceStep? TiltedConditions;
        public readonly TraceStep?[] Exclusion = new TraceStep?[ExclusionTemplates.Length];
        /// <summary>Exclusions an emergency lifts (P-8), by exclusion.</summary>
        public readonly TraceStep?[] EmergencyLifted;
        public readonly TraceStep? OutOfCity;
        /// <summary>Treatment outside the city at the local standards (P-6), referred or not recorded.</summary>
        public readonly (TraceStep Referred, TraceStep NotRecorded)? LocalStandard;

        public SharedSteps(PolicyPeriod period)
        {
            _period = period;
            NoCriticalUpstream = CriticalIllnessTier.Upstream(period, 0m);
            TiltedConditions = TiltedTier.ConditionsStep(period);
            BurdenCite = period.TiersCite;
            BurdenInterpretation = period.Interpretation(Mechanisms.PersonalBurden);
            for (int n = 0; n < Policy.Length; n++) Policy[n] = PolicyStep(period, n);
            string? first = null;
            foreach (var r in period.IdentityRule)
                if (r is not null) { first = r; break; }
            NoIdentity = first is not null
                ? new TraceStep("identity", 0m, period.IdentityNextMonth ?? FirstObjects(period), first, "I-1", Formulas.None,
                    "结算日期无有效救助身份，不予医疗救助 no assistance identity in force on the settlement date")
                : new TraceStep("identity", 0m, period.Cite, "I-1", Formulas.None,
                    "结算日期无有效救助身份，不予医疗救助 no assistance identity in force on the settlement date");
            for (int r = 0; r < Exclusion.Length; r++)
                if (period.Exclusions[r] is { } cite)
                    Exclusion[r] = new TraceStep("exclusion", 0m, cite, cite.Interpretation, Formulas.None, ExclusionTemplates[r]);
            LocalStandard = OutOfCityRule.Steps(period);
            EmergencyLifted = EmergencyException.Steps(period);
            if (period.OutOfCityNeedsReferral is { } referral)
                OutOfCity = new TraceStep("exclusion", 0m, referral, "I-19", Formulas.None,
                    "市外就医未按规定转诊，不纳入医疗救助 treated outside the city without referral");
        }

        /// <summary>
        /// The identity the kept candidate settles under (I-2): held on the date (the objects article and the timing
        /// article together, e.g. wenzhou-2020 第五条；第二十三条, I-1) with its recognition date and the dates its
        /// per-bill benefits run, or reached back to by a look-back window (I-15) with the window's dates. Made for the
        /// kept candidate only; the dates are inputs (yyyymmdd), so the texts are shared templates.
        /// </summary>
        public TraceStep IdentityStep(Identity id, bool lookBack)
        {
            // Shared by every bill of every person with the same category and dates: one dictionary read (a packed key)
            // costs less than making the step, and a city's people share far fewer date pairs than they are.
            long key = ((long)id.Category << 46) | (lookBack ? 1L << 45 : 0L) | ((long)id.Recognized.DayNumber << 22)
                       | (id.Revoked is { } rv ? rv.DayNumber + 1L : 0L);
            return _identitySteps.TryGetValue(key, out var step) ? step : _identitySteps.GetOrAdd(key, MakeIdentityStep(id, lookBack));
        }

        private readonly System.Collections.Concurrent.ConcurrentDictionary<long, TraceStep> _identitySteps = new();

        private TraceStep MakeIdentityStep(Identity id, bool lookBack)
        {
            if (lookBack)
            {
                var lb = _period.Lookback!;
                var (start, end) = IdentityRules.LookBackWindow(id, _period);
                return new TraceStep("identity", 0m, lb.Months.Cite, "I-15", Formulas.LookBackDates, LookBackTemplates[(int)id.Category],
                    lb.Months.Value, Ymd(id.Recognized), Ymd(start), Ymd(end));
            }
            // The clause is the timing article the dates follow (I-1), else the objects article; the rule names both.
            return new TraceStep("identity", 0m, IdentityClause(_period, id.Category), _period.IdentityRule[(int)id.Category]!, "I-1", Formulas.IdentityDates, IdentityTemplates[(int)id.Category],
                Ymd(id.Recognized), Ymd(IdentityRules.EffectiveFrom(id, _period)), Ymd(IdentityRules.EffectiveTo(id)));
        }

        private static decimal Ymd(DateOnly d) => d == DateOnly.MaxValue ? 99991231m : d.Year * 10000 + d.Month * 100 + d.Day;

        public static TraceStep PolicyStep(PolicyPeriod period, int candidates) =>
            new("policy", 0m, period.Cite, null, Formulas.PolicyInForce,
                candidates > 1 ? "{0} 个身份可用，取救助额最高者 identities usable on this date; the best paying one is kept" : "按结算日期适用政策 policy in force on the settlement date",
                candidates);
    }

    /// <summary>Settles <paramref name="bill"/>; reports problems through <paramref name="problems"/> (JSON path prefix <paramref name="path"/>).</summary>
    public BillResult? Settle(PolicyPeriod period, Person person, Bill bill, PersonLedger ledger, BillPath path, List<SettlementProblem> problems)
    {
        int before = problems.Count;
        BillChecks.Check(bill, path, problems);
        BillChecks.CheckLevel(period, bill, path, problems);
        if (problems.Count > before) return null;
        var shared = Shared.GetValue(period, static p => new SharedSteps(p));
        if (period.UpstreamAssistance is { } upstream && bill.AssistancePaid is null)
            problems.Add(new(path + ".assistancePaid", $"{period.PolicyId} 无逐笔医疗救助规则，单据须带上游已付医疗救助 bills must carry the assistance paid upstream ({upstream.Rule})"));

        IdentityRules.Collect(person, bill.Date, period, _candidates);
        BillOutcome? best = null;
        foreach (var candidate in _candidates)
        {
            var outcome = Outcome(period, shared, bill, candidate, ledger, path, problems, _trial.Reset());
            if (best is null || Better(outcome, best))
            {
                // The trial becomes the best; the former best is free for the next trial.
                (_best, _trial) = (outcome, _best);
                best = outcome;
            }
        }
        if (problems.Count > before) return null;
        best ??= NoCategory(period, shared, bill, ledger, path, problems, _best.Reset());
        if (problems.Count > before) return null;

        // I-14: personal burden = total − every tier's payment on the bill.
        decimal personal = bill.Total - bill.BasicPaid - best.Critical - best.Assistance - best.Tilted - bill.SupplementaryPaid;
        if (personal < 0m)
        {
            // The tiers would pay more than the bill cost: the inputs contradict each other, and paying it would lose money.
            // Checked before the ledger moves, so a refused bill counts against no limit.
            problems.Add(new(path + ".supplementaryPaid",
                $"各档支付合计超过总费用 the tiers would pay {bill.Total - personal} on a bill of {bill.Total}: supplementaryPaid {bill.SupplementaryPaid} exceeds what is left after the other tiers"));
            return null;
        }

        var result = new BillResult(best.Trace.Count + 4)
        {
            Id = bill.Id, Person = bill.Person, Date = bill.Date, Policy = period.PolicyId, Category = best.Category,
            AssistanceBase = best.AssistanceBase, CriticalIllness = best.Critical, Assistance = best.Assistance,
            Tilted = best.Tilted, Supplementary = bill.SupplementaryPaid, PersonalBurden = personal,
        };
        result.Trace.Add(_candidates.Count < shared.Policy.Length ? shared.Policy[_candidates.Count] : SharedSteps.PolicyStep(period, _candidates.Count));
        if (PolicyReach.Reached(period, bill))
            result.Trace.Add(new TraceStep("policy_reach", 0m, period.Lookback!.Months.Cite, "P-7", Formulas.None,
                TraceText.Literal($"结算日期早于本地区已载入的政策；单据在回溯期内，按认定时有效的 {period.PolicyId}（{period.From:yyyy-MM-dd} 起）的回溯条款结算 ") +
                "the bill predates the region's policies; a look-back window reaches it, so the policy in force at recognition settles it"));
        if (best.Identity is { } held) result.Trace.Add(shared.IdentityStep(held, best.LookBack));
        result.Trace.AddRange(best.Trace);
        if (bill.AssistancePaid is { } paidUpstream && period.UpstreamAssistance is null)
        {
            // I-24: the upstream settlement paid assistance under a policy whose per-bill assistance the engine computes.
            result.CompareWithUpstream(best.Assistance, paidUpstream);
            result.Trace.Add(new TraceStep("assistance_difference", best.Assistance - paidUpstream, shared.BurdenCite, "I-24", Formulas.AssistanceDifference,
                "应付医疗救助 {0} − 上游已付 {1} = 差额 {=}（正数应补，负数应退） due − paid upstream = difference (to pay if positive, to recover if negative)",
                best.Assistance, paidUpstream));
        }
        foreach (var (key, amount) in best.Counts)
        {
            ledger.Add(key, amount);
            result.Counted[key] = result.Counted.TryGetValue(key, out var c) ? c + amount : amount;
        }

        var inPolicyRemainder = Math.Max(0m, bill.InPolicy - bill.BasicPaid - best.Critical - best.Assistance - best.Tilted - bill.SupplementaryPaid);
        result.ReasonableBurden = inPolicyRemainder + bill.ReasonableOutOfPolicy;
        result.Trace.Add(new TraceStep("personal_burden", result.PersonalBurden, shared.BurdenCite, shared.BurdenInterpretation, Formulas.PersonalBurden,
            "总费用 {0} − 基本医保 {1} − 大病保险 {2} − 医疗救助 {3} − 倾斜救助 {4} − 补充保险 {5}",
            bill.Total, bill.BasicPaid, best.Critical, best.Assistance, best.Tilted, bill.SupplementaryPaid));
        return result;
    }

    /// <summary>
    /// I-2: the candidate that pays more wins. A tie is broken by the candidate itself, never by where its identity stands
    /// in the input: the category earlier in the glossary (destitute before subsistence …), an identity held before one
    /// reached back to, the earlier recognition, the later end. A tie on the bill may still matter later (fuyang's
    /// special assistance takes the ratio of the category a bill was settled under), so the same person must get the
    /// same answer whatever order the identities were listed in.
    /// </summary>
    private static bool Better(BillOutcome trial, BillOutcome best)
    {
        if (trial.Benefit != best.Benefit) return trial.Benefit > best.Benefit;
        if (trial.Category != best.Category) return trial.Category < best.Category;
        if (trial.LookBack != best.LookBack) return !trial.LookBack;
        if (trial.Identity is not { } t || best.Identity is not { } b) return false;
        if (t.Recognized != b.Recognized) return t.Recognized < b.Recognized;
        return (t.Revoked ?? DateOnly.MaxValue) > (b.Revoked ?? DateOnly.MaxValue);
    }

    /// <summary>A bill of someone who holds no identity of this policy on its date: insurance only.</summary>
    private static BillOutcome NoCategory(PolicyPeriod period, SharedSteps shared, Bill bill, PersonLedger ledger, BillPath path, List<SettlementProblem> problems, BillOutcome o)
    {
        o.Critical = CriticalIllnessTier.Settle(period, bill, null, ledger, o, path, problems, shared.NoCriticalUpstream);
        if (period.UpstreamAssistance is not null && bill.AssistancePaid is not null) AssistanceTier.Upstream(period, bill, null, o);
        o.Trace.Add(shared.NoIdentity);
        return o;
    }

    private static BillOutcome Outcome(PolicyPeriod period, SharedSteps shared, Bill bill, Candidate candidate, PersonLedger ledger, BillPath path, List<SettlementProblem> problems, BillOutcome o)
    {
        o.Category = candidate.Category;
        o.LookBack = candidate.LookBack;
        // A candidate is an object of the period (IdentityRules.Collect) and a look-back one has a look-back window.
        o.Identity = candidate.Identity;

        o.Critical = CriticalIllnessTier.Settle(period, bill, candidate.Category, ledger, o, path, problems, shared.NoCriticalUpstream);

        bool excluded = Excluded(period, shared, bill, o);
        if (!excluded) OutOfCityRule.Trace(bill, shared.LocalStandard, o);
        // Jiande has no per-bill assistance: what the upstream paid stands. Elsewhere the engine computes what is due
        // even when the bill says what was paid upstream (I-24); the settler reports the two side by side.
        if (period.UpstreamAssistance is not null && bill.AssistancePaid is not null) AssistanceTier.Upstream(period, bill, candidate.Category, o);
        else if (!excluded) AssistanceTier.Settle(period, bill, candidate, ledger, o, path, problems);
        if (!excluded) TiltedTier.Settle(period, bill, candidate.Category, ledger, o, path, problems, shared.TiltedConditions);
        return o;
    }

    /// <summary>Why a bill may be outside assistance: the reason it names, else non-designated when it says so.</summary>
    /// <summary>The clause an identity step applies: the timing article (I-1) when the policy has one, else the category's objects article.</summary>
    private static Citation IdentityClause(PolicyPeriod period, Category category) =>
        period.IdentityNextMonth ?? period.Objects[(int)category] ?? period.Cite;

    private static Citation FirstObjects(PolicyPeriod period)
    {
        foreach (var c in period.Objects)
            if (c is not null) return c;
        return period.Cite;
    }

    public static Exclusion ExclusionOf(Bill bill) =>
        bill.Excluded != Exclusion.None ? bill.Excluded : bill.Designated ? Exclusion.None : Exclusion.NonDesignated;

    /// <summary>The reason the bill may be outside assistance under <paramref name="period"/>: None when an emergency lifts it (P-8).</summary>
    public static Exclusion ExclusionOf(Bill bill, PolicyPeriod period) =>
        ExclusionOf(bill) is var reason && EmergencyException.Lifts(period, bill, reason) ? Exclusion.None : reason;

    /// <summary>True when the policy in force excludes the bill from assistance.</summary>
    public static bool IsExcluded(PolicyPeriod period, Bill bill) =>
        ExclusionOf(bill, period) is var reason && reason != Exclusion.None && period.Exclusions[(int)reason] is not null;

    /// <summary>Exclusions (wenzhou-2020 第十四条 and equivalents) and pengshui's referral rule (I-19) stop assistance, not insurance.</summary>
    private static bool Excluded(PolicyPeriod period, SharedSteps shared, Bill bill, BillOutcome o)
    {
        var reason = ExclusionOf(bill);
        if (reason != Exclusion.None && shared.Exclusion[(int)reason] is { } excluded)
        {
            if (!bill.Emergency || shared.EmergencyLifted[(int)reason] is not { } lifted)
            {
                o.Trace.Add(excluded);
                return true;
            }
            o.Trace.Add(lifted);
        }
        if (shared.OutOfCity is { } outOfCity && !bill.WithinCity && !bill.Referred)
        {
            o.Trace.Add(outOfCity);
            return true;
        }
        return false;
    }
}
