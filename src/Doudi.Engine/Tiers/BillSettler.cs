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

    /// <summary>Settles <paramref name="bill"/>; reports problems through <paramref name="problems"/> (JSON path prefix <paramref name="path"/>).</summary>
    public BillResult? Settle(PolicyPeriod period, Person person, Bill bill, PersonLedger ledger, string path, List<SettlementProblem> problems)
    {
        int before = problems.Count;
        if (period.UpstreamAssistance is { } upstream && bill.AssistancePaid is null)
            problems.Add(new(path + ".assistancePaid", $"{period.PolicyId} 无逐笔医疗救助规则，单据须带上游已付医疗救助 bills must carry the assistance paid upstream ({upstream.Rule})"));

        IdentityRules.Collect(person, bill.Date, period, _candidates);
        BillOutcome? best = null;
        foreach (var candidate in _candidates)
        {
            var outcome = Outcome(period, bill, candidate, ledger, path, problems);
            if (best is null || outcome.Benefit > best.Benefit) best = outcome;
        }
        if (problems.Count > before) return null;
        best ??= NoCategory(period, bill, ledger, path, problems);
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

        var result = new BillResult
        {
            Id = bill.Id, Person = bill.Person, Date = bill.Date, Policy = period.PolicyId, Category = best.Category,
            AssistanceBase = best.AssistanceBase, CriticalIllness = best.Critical, Assistance = best.Assistance,
            Tilted = best.Tilted, Supplementary = bill.SupplementaryPaid, PersonalBurden = personal,
        };
        result.Trace.Add(new TraceStep("policy", 0m, period.Document, null,
            _candidates.Count > 1 ? "{0} 个身份可用，取救助额最高者 identities usable on this date; the best paying one is kept" : "按结算日期适用政策 policy in force on the settlement date",
            _candidates.Count));
        result.Trace.AddRange(best.Trace);
        foreach (var (key, amount) in best.Counts)
        {
            ledger.Add(key, amount);
            result.Counted[key] = result.Counted.TryGetValue(key, out var c) ? c + amount : amount;
        }

        var inPolicyRemainder = Math.Max(0m, bill.InPolicy - bill.BasicPaid - best.Critical - best.Assistance - best.Tilted - bill.SupplementaryPaid);
        result.ReasonableBurden = inPolicyRemainder + bill.ReasonableOutOfPolicy;
        result.Trace.Add(new TraceStep("personal_burden", result.PersonalBurden, period.Document + " 个人负担", "I-14",
            "总费用 {0} − 基本医保 {1} − 大病保险 {2} − 医疗救助/倾斜救助 {3} − 补充保险 {4}",
            bill.Total, bill.BasicPaid, best.Critical, best.Assistance + best.Tilted, bill.SupplementaryPaid));
        return result;
    }

    /// <summary>A bill of someone who holds no identity of this policy on its date: insurance only.</summary>
    private BillOutcome NoCategory(PolicyPeriod period, Bill bill, PersonLedger ledger, string path, List<SettlementProblem> problems)
    {
        var o = new BillOutcome();
        o.Critical = CriticalIllnessTier.Settle(period, bill, null, ledger, o, path, problems);
        if (bill.AssistancePaid is not null) AssistanceTier.Upstream(period, bill, null, o);
        var rule = period.IdentityRule.FirstOrDefault(r => r is not null);
        o.Trace.Add(new TraceStep("identity", 0m, rule ?? period.Document, "I-1",
            "结算日期无有效救助身份，不予医疗救助 no assistance identity in force on the settlement date", 0m));
        return o;
    }

    private static BillOutcome Outcome(PolicyPeriod period, Bill bill, Candidate candidate, PersonLedger ledger, string path, List<SettlementProblem> problems)
    {
        var o = new BillOutcome { Category = candidate.Category, LookBack = candidate.LookBack };
        var objects = period.IdentityRule[(int)candidate.Category]!;
        o.Trace.Add(candidate.LookBack
            ? new TraceStep("identity", 0m, period.Lookback!.Months.Cite.Rule, "I-15",
                $"{Codes.ToCode(candidate.Category)}（因病支出型）认定日前 {{0}} 个月回溯期内 within the look-back window before recognition",
                period.Lookback.Months.Value)
            : new TraceStep("identity", 0m, objects, "I-1",
                $"{Codes.ToCode(candidate.Category)}，认定次月起有效 effective from the month after recognition", 0m));

        o.Critical = CriticalIllnessTier.Settle(period, bill, candidate.Category, ledger, o, path, problems);

        bool excluded = Excluded(period, bill, o);
        if (bill.AssistancePaid is not null) AssistanceTier.Upstream(period, bill, candidate.Category, o);
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
    private static bool Excluded(PolicyPeriod period, Bill bill, BillOutcome o)
    {
        var reason = ExclusionOf(bill);
        if (reason != Exclusion.None && period.Exclusions[(int)reason] is { } cite)
        {
            o.Trace.Add(new TraceStep("exclusion", 0m, cite.Rule, cite.Interpretation,
                $"{Codes.ToCode(reason)}：不属于医疗救助范围 outside medical assistance", 0m));
            return true;
        }
        if (period.OutOfCityNeedsReferral is { } referral && !bill.WithinCity && !bill.Referred)
        {
            o.Trace.Add(new TraceStep("exclusion", 0m, referral.Rule, "I-19",
                "市外就医未按规定转诊，不纳入医疗救助 treated outside the city without referral", 0m));
            return true;
        }
        return false;
    }
}
