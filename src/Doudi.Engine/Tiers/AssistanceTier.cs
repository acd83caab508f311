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
        AddBase(period, bill, o);
        o.Trace.Add(new TraceStep("assistance", paid, period.UpstreamAssistance!, "I-24", Formulas.Upstream, UpstreamTemplate, paid));
        if (category is { } cat && SchemeOf(period, bill)?.Value is { } scheme)
            foreach (var bucket in scheme.Limits) o.Count(bucket.LedgerKey, paid);
    }

    public static void Settle(PolicyPeriod period, Bill bill, Candidate candidate, PersonLedger ledger, BillOutcome o, BillPath path, List<SettlementProblem> problems)
    {
        var cat = candidate.Category;
        decimal b = AddBase(period, bill, o);

        var entry = SchemeOf(period, bill);
        if (entry is not { Value: { } scheme })
        {
            var notInScope = NotInScopeTemplates[(int)bill.Kind * 2 + (bill.SpecialDisease ? 1 : 0)];
            o.Trace.Add(entry is { } e
                ? new TraceStep("assistance", 0m, e.Cite, e.Cite.Interpretation, Formulas.None, notInScope)
                : new TraceStep("assistance", 0m, period.Cite, null, Formulas.None, notInScope));
            return;
        }
        // A scheme that reads the level has it: BillChecks refused the bill otherwise (P-9).
        int hospitalLevel = bill.HospitalLevel.GetValueOrDefault();
        if (scheme.MinHospitalLevel is { } level && hospitalLevel < level.Value)
        {
            o.Trace.Add(new TraceStep("assistance", 0m, level.Cite, level.Cite.Interpretation, Formulas.BelowLevel,
                "医院等级 {0} 低于 {1} 级 hospital level below the scheme's", hospitalLevel, level.Value));
            return;
        }
        if (scheme.InPolicyAbove is { } above && bill.InPolicy <= above.Value)
        {
            o.Trace.Add(new TraceStep("assistance", 0m, above.Cite, above.Cite.Interpretation, Formulas.NotAbove,
                "一次性住院政策范围内费用 {0} 未超过 {1} in-policy cost does not exceed the threshold", bill.InPolicy, above.Value));
            return;
        }
        // The conditions that hold are explained too: the auditor sees why the bill qualified, not only why others did not.
        if (scheme.MinHospitalLevel is { } lv && scheme.InPolicyAbove is { } ab)
            o.Trace.Add(new TraceStep("assistance_condition", 0m, ab.Cite, ab.Cite.Interpretation, Formulas.Qualifies,
                "医院等级 {0} ≥ {1}，一次性住院政策范围内费用 {2} > {3} hospital level and single-stay in-policy cost qualify",
                hospitalLevel, lv.Value, bill.InPolicy, ab.Value));
        else if (scheme.MinHospitalLevel is { } lv2)
            o.Trace.Add(new TraceStep("assistance_condition", 0m, lv2.Cite, lv2.Cite.Interpretation, Formulas.AtLeastLevel,
                "医院等级 {0} ≥ {1} hospital level qualifies", hospitalLevel, lv2.Value));
        else if (scheme.InPolicyAbove is { } ab2)
            o.Trace.Add(new TraceStep("assistance_condition", 0m, ab2.Cite, ab2.Cite.Interpretation, Formulas.Above,
                "一次性住院政策范围内费用 {0} > {1} single-stay in-policy cost qualifies", bill.InPolicy, ab2.Value));

        Cited<decimal>? ratio = scheme.Ratio[(int)cat];
        if (candidate.LookBack)
        {
            var lb = period.Lookback!;
            if (!lb.Schemes.Contains(scheme.Name))
            {
                o.Trace.Add(new TraceStep("assistance", 0m, lb.Months.Cite, "I-15", Formulas.None, "回溯期不含此类费用 look-back does not cover this kind of bill"));
                return;
            }
            if (lb.Ratio is { } lr) ratio = lr;
        }
        if (ratio is not { } r)
        {
            o.Trace.Add(scheme.LimitsCite is { } limitsCite
                ? new TraceStep("assistance", 0m, limitsCite, null, Formulas.None, NotCovered(scheme, cat))
                : new TraceStep("assistance", 0m, period.Cite, null, Formulas.None, NotCovered(scheme, cat)));
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
            o.Trace.Add(deduction.Value.Unlimited
                ? new TraceStep("lookback_deduction", take, deduction.Cite, deduction.Cite.Interpretation ?? "I-26", Formulas.WholeBase,
                    "家庭承受能力不设上限，本单基数 {0} 全部扣除 no ceiling: the whole base is deducted", b)
                : new TraceStep("lookback_deduction", take, deduction.Cite, deduction.Cite.Interpretation ?? "I-26", Formulas.DeductionLeft,
                    "家庭承受能力 {0}（每个回溯期扣除一次），本回溯期此前各单已扣 {1}，本单基数 {2} 中扣除 {=} household affordability, once per look-back window: deducted before in the window, this bill's base, deducted now",
                    deduction.Value.Amount, used, b));
            b -= take;
        }

        decimal pay = Money.Round(r.Value * b);
        o.Trace.Add(new TraceStep("assistance", pay, r.Cite, r.Cite.Interpretation, Formulas.RatioOfBase, "{0%}% × {1}", r.Value, b));
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
                o.Trace.Add(new TraceStep("assistance_limit", left, limit.Cite, period.Interpretation(Mechanisms.LimitOrder), Formulas.LimitLeft,
                    LimitTemplates.GetValue(bucket, static b => $"年度限额 {b.Name} {{0}}，已救助 {{1}}，本单应付 {{2}}，最多 {{=}} annual limit reached"),
                    limit.Value.Amount, counted, pay));
                pay = left;
            }
        }
        o.Assistance = pay;
        foreach (var bucket in scheme.Limits) o.Count(bucket.LedgerKey, pay);
    }

    private const string UpstreamTemplate = "医疗救助已由上游结算支付 paid by the upstream settlement: {0}";

    /// <summary>The assistance base (I-5), set on the outcome and traced.</summary>
    private static decimal AddBase(PolicyPeriod period, Bill bill, BillOutcome o)
    {
        decimal b = Base(period, bill, o.Critical);
        o.AssistanceBase = b;
        var position = period.SupplementaryBeforeAssistance;
        bool before = position?.Value == true;
        string template = before
            ? "政策范围内 {0} − 基本医保 {1} − 大病保险 {2} − 补充保险 {3}"
            : "政策范围内 {0} − 基本医保 {1} − 大病保险 {2}（补充保险在救助之后）";
        decimal supplementary = before ? bill.SupplementaryPaid : 0m;
        o.Trace.Add(position is { } p
            ? new TraceStep("assistance_base", b, p.Cite, "I-5", Formulas.AssistanceBase, template, bill.InPolicy, bill.BasicPaid, o.Critical, supplementary)
            : new TraceStep("assistance_base", b, period.Cite, "I-5", Formulas.AssistanceBase, template, bill.InPolicy, bill.BasicPaid, o.Critical, supplementary));
        return b;
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
