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

    // The identity steps of the person being settled (a person's bills come one after another, I-3): one step per
    // identity and period, shared by that person's bills. A small cache here, not a table keyed by every identity of
    // the case: a ConditionalWeakTable of a million identities costs every garbage collection a scan of its handles.
    private readonly (Identity? Identity, PolicyPeriod? Period, bool LookBack, TraceStep? Step)[] _identitySteps = new (Identity?, PolicyPeriod?, bool, TraceStep?)[4];
    private int _identityNext;

    private TraceStep IdentityStep(PolicyPeriod period, Candidate candidate)
    {
        foreach (var e in _identitySteps)
            if (ReferenceEquals(e.Identity, candidate.Identity) && ReferenceEquals(e.Period, period) && e.LookBack == candidate.LookBack) return e.Step!;
        var step = SharedSteps.IdentityStep(period, candidate);
        _identitySteps[_identityNext] = (candidate.Identity, period, candidate.LookBack, step);
        _identityNext = (_identityNext + 1) % _identitySteps.Length;
        return step;
    }

    // Trace templates that name a code, made once per code instead of once per bill.
    private static readonly string[] HeldTemplates = Codes.AllCategories.SelectMany(c => new[]
    {
        $"{Codes.ToCode(c)} 认定 {{0:d}}；逐笔待遇 {{2:d}} 起 (recognised {{0:d}}; per-bill benefits from {{2:d}})",
        $"{Codes.ToCode(c)} 认定 {{0:d}}，取消 {{1:d}}；逐笔待遇 {{2:d}} 起 (recognised {{0:d}}, revoked {{1:d}}; per-bill benefits from {{2:d}})",
        $"{Codes.ToCode(c)} 认定 {{0:d}}；逐笔待遇 {{2:d}} 起至 {{3:d}} (recognised {{0:d}}; per-bill benefits from {{2:d}} to {{3:d}})",
        $"{Codes.ToCode(c)} 认定 {{0:d}}，取消 {{1:d}}；逐笔待遇 {{2:d}} 起至 {{3:d}} (recognised {{0:d}}, revoked {{1:d}}; per-bill benefits from {{2:d}} to {{3:d}})",
    }).ToArray();
    private static readonly string[] LookBackTemplates = Codes.AllCategories
        .Select(c => $"{Codes.ToCode(c)}（因病支出型）认定 {{1:d}}，回溯期 {{2:d}} 至 {{3:d}}（认定日前 {{0}} 个月至身份生效日 {{4:d}} 前一日），本单在回溯期内 " +
                     "(look-back window {2:d}..{3:d}; the bill is within it)").ToArray();
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
        public readonly TraceStep[] Policy = new TraceStep[5];   // by number of usable identities, 0..4
        public readonly TraceStep NoIdentity;
        public readonly TraceStep?[] Exclusion = new TraceStep?[ExclusionTemplates.Length];
        public readonly TraceStep? OutOfCity;

        public SharedSteps(PolicyPeriod period)
        {
            BurdenCite = period.TiersCite;
            for (int n = 0; n < Policy.Length; n++) Policy[n] = PolicyStep(period, n);
            string? first = null;
            foreach (var r in period.IdentityRule)
                if (r is not null) { first = r; break; }
            NoIdentity = first is not null
                ? new TraceStep("identity", 0m, first, "I-1", Formulas.None,
                    "结算日期无有效救助身份，不予医疗救助 no assistance identity in force on the settlement date")
                : new TraceStep("identity", 0m, period.Cite, "I-1", Formulas.None,
                    "结算日期无有效救助身份，不予医疗救助 no assistance identity in force on the settlement date");
            for (int r = 0; r < Exclusion.Length; r++)
                if (period.Exclusions[r] is { } cite)
                    Exclusion[r] = new TraceStep("exclusion", 0m, cite, cite.Interpretation, Formulas.None, ExclusionTemplates[r]);
            if (period.OutOfCityNeedsReferral is { } referral)
                OutOfCity = new TraceStep("exclusion", 0m, referral, "I-19", Formulas.None,
                    "市外就医未按规定转诊，不纳入医疗救助 treated outside the city without referral");
        }

        /// <summary>
        /// The identity a candidate settles under: held on the date (the objects article and the timing article together,
        /// e.g. wenzhou-2020 第五条；第二十三条, I-1) or reached back to by a look-back window (I-15), with its dates.
        /// </summary>
        public static TraceStep IdentityStep(PolicyPeriod period, Candidate candidate) =>
            candidate.LookBack ? LookBackStep(period, candidate.Identity) : HeldStep(period, candidate.Identity);

        private static TraceStep HeldStep(PolicyPeriod period, Identity id)
        {
            var from = IdentityRules.EffectiveFrom(id, period);
            var to = IdentityRules.EffectiveTo(id);
            // Dates are inputs (yyyymmdd, rendered as dates): one template per category and shape, shared by every person.
            var template = HeldTemplates[(int)id.Category * 4 + (id.Revoked is null ? 0 : 1) + (to == DateOnly.MaxValue ? 0 : 2)];
            return new TraceStep("identity", 0m, period.IdentityRule[(int)id.Category]!, "I-1", Formulas.IdentityHeld, template,
                TraceDates.Number(id.Recognized), TraceDates.Number(id.Revoked), TraceDates.Number(from), TraceDates.Number(to == DateOnly.MaxValue ? null : to));
        }

        private static TraceStep LookBackStep(PolicyPeriod period, Identity id)
        {
            var lb = period.Lookback!;
            var (start, end) = IdentityRules.LookBackWindow(id, period);
            return new TraceStep("identity", 0m, lb.Months.Cite, "I-15", Formulas.LookBackWindow, LookBackTemplates[(int)id.Category],
                lb.Months.Value, TraceDates.Number(id.Recognized), TraceDates.Number(start), TraceDates.Number(end),
                TraceDates.Number(IdentityRules.EffectiveFrom(id, period)));
        }

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
        if (problems.Count > before) return null;
        var shared = Shared.GetValue(period, static p => new SharedSteps(p));
        if (period.UpstreamAssistance is { } upstream && bill.AssistancePaid is null)
            problems.Add(new(path + ".assistancePaid", $"{period.PolicyId} 无逐笔医疗救助规则，单据须带上游已付医疗救助 bills must carry the assistance paid upstream ({upstream.Rule})"));

        IdentityRules.Collect(person, bill.Date, period, _candidates);
        BillOutcome? best = null;
        foreach (var candidate in _candidates)
        {
            var outcome = Outcome(period, shared, bill, candidate, ledger, path, problems, _trial.Reset());
            if (best is null || outcome.Benefit > best.Benefit)
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

        var result = new BillResult(best.Trace.Count + 2)
        {
            Id = bill.Id, Person = bill.Person, Date = bill.Date, Policy = period.PolicyId, Category = best.Category,
            AssistanceBase = best.AssistanceBase, CriticalIllness = best.Critical, Assistance = best.Assistance,
            Tilted = best.Tilted, Supplementary = bill.SupplementaryPaid, PersonalBurden = personal,
        };
        result.Trace.Add(_candidates.Count < shared.Policy.Length ? shared.Policy[_candidates.Count] : SharedSteps.PolicyStep(period, _candidates.Count));
        result.Trace.AddRange(best.Trace);
        if (bill.AssistancePaid is { } paidUpstream && period.UpstreamAssistance is null)
        {
            // I-24: the upstream settlement paid assistance under a policy whose per-bill assistance the engine computes.
            result.AssistanceDue = best.Assistance;
            result.AssistanceUpstream = paidUpstream;
            result.AssistanceDifference = best.Assistance - paidUpstream;
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
        result.Trace.Add(new TraceStep("personal_burden", result.PersonalBurden, shared.BurdenCite, "I-14", Formulas.PersonalBurden,
            "总费用 {0} − 基本医保 {1} − 大病保险 {2} − 医疗救助 {3} − 倾斜救助 {4} − 补充保险 {5}",
            bill.Total, bill.BasicPaid, best.Critical, best.Assistance, best.Tilted, bill.SupplementaryPaid));
        return result;
    }

    /// <summary>A bill of someone who holds no identity of this policy on its date: insurance only.</summary>
    private static BillOutcome NoCategory(PolicyPeriod period, SharedSteps shared, Bill bill, PersonLedger ledger, BillPath path, List<SettlementProblem> problems, BillOutcome o)
    {
        o.Critical = CriticalIllnessTier.Settle(period, bill, null, ledger, o, path, problems);
        if (period.UpstreamAssistance is not null && bill.AssistancePaid is not null) AssistanceTier.Upstream(period, bill, null, o);
        o.Trace.Add(shared.NoIdentity);
        return o;
    }

    private BillOutcome Outcome(PolicyPeriod period, SharedSteps shared, Bill bill, Candidate candidate, PersonLedger ledger, BillPath path, List<SettlementProblem> problems, BillOutcome o)
    {
        o.Category = candidate.Category;
        o.LookBack = candidate.LookBack;
        // A candidate is an object of the period (IdentityRules.Collect) and a look-back one has a look-back window.
        o.Trace.Add(IdentityStep(period, candidate));

        o.Critical = CriticalIllnessTier.Settle(period, bill, candidate.Category, ledger, o, path, problems);

        bool excluded = Excluded(period, shared, bill, o);
        // Jiande has no per-bill assistance: what the upstream paid stands. Elsewhere the engine computes what is due
        // even when the bill says what was paid upstream (I-24); the settler reports the two side by side.
        if (period.UpstreamAssistance is not null && bill.AssistancePaid is not null) AssistanceTier.Upstream(period, bill, candidate.Category, o);
        else if (!excluded) AssistanceTier.Settle(period, bill, candidate, ledger, o, path, problems);
        if (!excluded) TiltedTier.Settle(period, bill, candidate.Category, ledger, o, path, problems);
        return o;
    }

    /// <summary>Why a bill may be outside assistance: the reason it names, else non-designated when it says so.</summary>
    public static Exclusion ExclusionOf(Bill bill) =>
        bill.Excluded != Exclusion.None ? bill.Excluded : bill.Designated ? Exclusion.None : Exclusion.NonDesignated;

    /// <summary>True when the policy in force excludes the bill from assistance.</summary>
    public static bool IsExcluded(PolicyPeriod period, Bill bill) =>
        ExclusionOf(bill) is var reason && reason != Exclusion.None && period.Exclusions[(int)reason] is not null;

    /// <summary>Exclusions (wenzhou-2020 第十四条 and equivalents) and pengshui's referral rule (I-19) stop assistance, not insurance.</summary>
    private static bool Excluded(PolicyPeriod period, SharedSteps shared, Bill bill, BillOutcome o)
    {
        var reason = ExclusionOf(bill);
        if (reason != Exclusion.None && shared.Exclusion[(int)reason] is { } excluded)
        {
            o.Trace.Add(excluded);
            return true;
        }
        if (shared.OutOfCity is { } outOfCity && !bill.WithinCity && !bill.Referred)
        {
            o.Trace.Add(outOfCity);
            return true;
        }
        return false;
    }
}
