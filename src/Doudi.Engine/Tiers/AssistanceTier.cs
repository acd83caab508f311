using Doudi.Engine.Cases;
using Doudi.Engine.Identities;
using Doudi.Engine.Settlement;
using Doudi.Engine.Tracing;
using Doudi.Policy.Parameters;
using Doudi.Policy.Periods;
using Doudi.Policy.Vocabulary;

namespace Doudi.Engine.Tiers;

/// <summary>
/// Medical assistance (医疗救助): the base is the in-policy cost less basic, critical illness and — where the
/// policy settles it first — supplementary insurance (I-5); the scheme for the bill's kind gives the ratio for
/// the category; the annual limits of the scheme cut what is paid, in the order bills are settled (I-3).
/// </summary>
internal static class AssistanceTier
{
    public static decimal Base(PolicyPeriod period, Bill bill, decimal critical)
    {
        bool before = period.SupplementaryBeforeAssistance?.Value == true;
        return Math.Max(0m, bill.InPolicy - bill.BasicPaid - critical - (before ? bill.SupplementaryPaid : 0m));
    }

    /// <summary>The scheme for a bill: a special-disease scheme where the policy has one for the kind, else the kind's scheme.</summary>
    public static Cited<Scheme?>? SchemeOf(PolicyPeriod period, Bill bill) =>
        (bill.SpecialDisease ? period.SpecialDiseaseSchemeByKind[(int)bill.Kind] : null) ?? period.SchemeByKind[(int)bill.Kind];

    /// <summary>Assistance paid upstream under a policy with no per-bill assistance of its own (jiande, I-24): taken as is.</summary>
    public static void Upstream(PolicyPeriod period, Bill bill, Category? category, BillOutcome o)
    {
        decimal paid = bill.AssistancePaid!.Value;
        o.AssistanceBase = Base(period, bill, o.Critical);
        o.Assistance = paid;
        o.Trace.Add(new TraceStep("assistance", paid, period.UpstreamAssistance!.Rule, "I-24",
            "医疗救助已由上游结算支付 paid by the upstream settlement: {0}", paid));
        if (category is { } cat && SchemeOf(period, bill)?.Value is { } scheme)
            foreach (var bucket in scheme.Limits) o.Count(bucket.LedgerKey, paid);
    }

    public static void Settle(PolicyPeriod period, Bill bill, Candidate candidate, PersonLedger ledger, BillOutcome o, BillPath path, List<SettlementProblem> problems)
    {
        var cat = candidate.Category;
        decimal b = Base(period, bill, o.Critical);
        o.AssistanceBase = b;
        var position = period.SupplementaryBeforeAssistance;
        o.Trace.Add(new TraceStep("assistance_base", b, position?.Cite.Rule ?? period.Cite.Rule, "I-5",
            position?.Value == true
                ? "政策范围内 {0} − 基本医保 {1} − 大病保险 {2} − 补充保险 {3}"
                : "政策范围内 {0} − 基本医保 {1} − 大病保险 {2}（补充保险在救助之后）",
            bill.InPolicy, bill.BasicPaid, o.Critical, position?.Value == true ? bill.SupplementaryPaid : 0m));

        var entry = SchemeOf(period, bill);
        if (entry is not { Value: { } scheme })
        {
            o.Trace.Add(new TraceStep("assistance", 0m, entry?.Cite.Rule ?? period.Cite.Rule, entry?.Cite.Interpretation,
                NotInScopeTemplates[(int)bill.Kind * 2 + (bill.SpecialDisease ? 1 : 0)], 0m));
            return;
        }
        if (scheme.MinHospitalLevel is { } level && bill.HospitalLevel < level.Value)
        {
            o.Trace.Add(new TraceStep("assistance", 0m, level.Cite.Rule, level.Cite.Interpretation,
                "医院等级 {0} 低于 {1} 级 hospital level below the scheme's", bill.HospitalLevel, level.Value));
            return;
        }
        if (scheme.InPolicyAbove is { } above && bill.InPolicy <= above.Value)
        {
            o.Trace.Add(new TraceStep("assistance", 0m, above.Cite.Rule, above.Cite.Interpretation,
                "一次性住院政策范围内费用 {0} 未超过 {1} in-policy cost does not exceed the threshold", bill.InPolicy, above.Value));
            return;
        }
        // The conditions that hold are explained too: the auditor sees why the bill qualified, not only why others did not.
        if (scheme.MinHospitalLevel is { } lv && scheme.InPolicyAbove is { } ab)
            o.Trace.Add(new TraceStep("assistance_condition", 0m, ab.Cite.Rule, ab.Cite.Interpretation,
                "医院等级 {0} ≥ {1}，一次性住院政策范围内费用 {2} > {3} hospital level and single-stay in-policy cost qualify",
                bill.HospitalLevel, lv.Value, bill.InPolicy, ab.Value));
        else if (scheme.MinHospitalLevel is { } lv2)
            o.Trace.Add(new TraceStep("assistance_condition", 0m, lv2.Cite.Rule, lv2.Cite.Interpretation,
                "医院等级 {0} ≥ {1} hospital level qualifies", bill.HospitalLevel, lv2.Value));
        else if (scheme.InPolicyAbove is { } ab2)
            o.Trace.Add(new TraceStep("assistance_condition", 0m, ab2.Cite.Rule, ab2.Cite.Interpretation,
                "一次性住院政策范围内费用 {0} > {1} single-stay in-policy cost qualifies", bill.InPolicy, ab2.Value));

        Cited<decimal>? ratio = scheme.Ratio[(int)cat];
        if (candidate.LookBack)
        {
            var lb = period.Lookback!;
            if (!lb.Schemes.Contains(scheme.Name))
            {
                o.Trace.Add(new TraceStep("assistance", 0m, lb.Months.Cite.Rule, "I-15", "回溯期不含此类费用 look-back does not cover this kind of bill", 0m));
                return;
            }
            if (lb.Ratio is { } lr) ratio = lr;
        }
        if (ratio is not { } r)
        {
            o.Trace.Add(new TraceStep("assistance", 0m, scheme.LimitsCite?.Rule ?? period.Cite.Rule, null, NotCovered(scheme, cat), 0m));
            return;
        }

        if (candidate.LookBack && period.Lookback!.Deduction is { } deduction)
        {
            if (deduction.Value.Missing)
            {
                problems.Add(new(path, $"回溯救助需要参数 lookback.deduction（家庭承受能力），政策文件未给出取值 ({deduction.Cite.Rule}; I-10): set it in a local parameter file"));
                return;
            }
            // I-26: once per look-back window, from the self-pay of all the window's bills together, whatever calendar
            // years the window spans: the deduction's key names the identity (its recognition), not the year, and the
            // ledger carries it into the next year (PersonLedger.NextYear).
            decimal used = ledger.Counted(DeductionKey(candidate.Identity));
            decimal left = deduction.Value.Unlimited ? b : Math.Max(0m, deduction.Value.Amount - used);
            decimal take = Math.Min(b, left);
            o.Count(DeductionKey(candidate.Identity), take);
            o.Trace.Add(new TraceStep("lookback_deduction", take, deduction.Cite.Rule, deduction.Cite.Interpretation ?? "I-26",
                "家庭承受能力 {0}（每个回溯期扣除一次），本回溯期此前各单已扣 {1}，本单基数 {2} 中扣除 {3} household affordability, once per look-back window: deducted before in the window, this bill's base, deducted now",
                deduction.Value.Amount, used, b, take));
            b -= take;
        }

        decimal pay = Money.Round(r.Value * b);
        o.Trace.Add(new TraceStep("assistance", pay, r.Cite.Rule, r.Cite.Interpretation, "{0}% × {1}", Money.Pct(r.Value), b));
        foreach (var bucket in scheme.Limits)
        {
            var limit = bucket.ByCategory[(int)cat]!.Value;
            if (limit.Value.Unlimited) continue;
            if (limit.Value.Missing)
            {
                problems.Add(new(path, $"年度限额 limit.{bucket.Name}.{Codes.ToCode(cat)} 无取值 has no value ({limit.Cite.Rule})"));
                return;
            }
            decimal counted = ledger.Counted(bucket.LedgerKey);
            decimal left = Math.Max(0m, limit.Value.Amount - counted);
            if (pay > left)
            {
                o.Trace.Add(new TraceStep("assistance_limit", left, limit.Cite.Rule, "I-3",
                    LimitTemplates.GetValue(bucket, static b => $"年度限额 {b.Name} {{0}}，已救助 {{1}}，本单最多 {{2}} annual limit reached"),
                    limit.Value.Amount, counted, left));
                pay = left;
            }
        }
        o.Assistance = pay;
        foreach (var bucket in scheme.Limits) o.Count(bucket.LedgerKey, pay);
    }

    // Trace templates that name a kind, a category, a scheme or a limit: made once, not once per bill.
    private static readonly string[] NotInScopeTemplates = Enum.GetValues<BillKind>()
        .SelectMany(k => new[] { false, true }.Select(special =>
            $"{Codes.ToCode(k)}{(special ? "（特殊疾病）" : "")} 不在医疗救助范围 not in scope of assistance"))
        .ToArray();
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Bucket, string> LimitTemplates = new();
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Scheme, string?[]> NotCoveredTemplates = new();

    private static string NotCovered(Scheme scheme, Category cat)
    {
        var byCategory = NotCoveredTemplates.GetValue(scheme, static _ => new string?[Codes.CategoryCount]);
        // A race makes the same text twice; either is right.
        return byCategory[(int)cat] ??= $"{Codes.ToCode(cat)} 不享受此类救助 not covered by scheme '{scheme.Name}'";
    }

    public const string DeductionPrefix = "lookback.deduction.";
    public static string DeductionKey(Identity id) => DeductionPrefix + id.Recognized.ToString("yyyy-MM-dd");
}
