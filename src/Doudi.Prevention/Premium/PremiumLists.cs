using Doudi.Policy.Prevention;
using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Common;

namespace Doudi.Prevention.Premium;

/// <summary>A person as the premium lists need them: category, tier, when they became and stopped being an object.</summary>
public sealed record PremiumPerson(
    string PersonId, string Name, Category Category, InsuranceTier Tier,
    DateOnly ApprovedOn, DateOnly? ExitedOn, bool PhaseOut, IReadOnlySet<int> SelfPaidYears);

public enum PremiumRowStatus { Subsidised, NextYear }

/// <summary>One line of the list sent to the tax/insurance office.</summary>
public sealed record PremiumRow(
    string PersonId, string Name, Category Category, InsuranceTier Tier, PremiumItem Item, decimal Amount,
    DateOnly? EffectiveFrom, PremiumRowStatus Status, string BasisZh, string NoteZh, string Cite);

/// <summary>
/// Who is subsidised when (the timing rule each premium file cites as <c>timing_cite</c>; applied to every policy like I-1):
/// a new object approved in month M is subsidised in M's list, effective the 1st of M+1; one who already paid this
/// year gets no refund and is subsidised from next year; an exiting object keeps this year and gets nothing next
/// year; phase-out (渐退期) objects keep the subsidy where the policy says so.
/// </summary>
public static class PremiumLists
{
    /// <summary>New objects approved in (year, month).</summary>
    public static IReadOnlyList<PremiumRow> Monthly(PremiumPolicy policy, int year, int month, IEnumerable<PremiumPerson> persons,
        Func<PremiumPerson, PremiumItem, Contributions> contributions)
    {
        var rows = new List<PremiumRow>();
        var effective = new DateOnly(year, month, 1).AddMonths(1);
        foreach (var p in persons.Where(p => p.ApprovedOn.Year == year && p.ApprovedOn.Month == month).OrderBy(p => p.PersonId, StringComparer.Ordinal))
            foreach (var item in Enum.GetValues<PremiumItem>())
            {
                var line = policy.Subsidy(item, p.Category, p.Tier, contributions(p, item));
                if (line is null) continue;
                rows.Add(p.SelfPaidYears.Contains(year)
                    ? new PremiumRow(p.PersonId, p.Name, p.Category, p.Tier, item, 0m, null, PremiumRowStatus.NextYear, line.BasisZh,
                        $"{year}年已自行缴费，不退保费，{year + 1}年起资助参保", policy.TimingCite)
                    : new PremiumRow(p.PersonId, p.Name, p.Category, p.Tier, item, line.Amount, effective, PremiumRowStatus.Subsidised, line.BasisZh,
                        $"{p.ApprovedOn:yyyy-MM-dd} 审批通过，当月资助参保，{effective:yyyy-MM-dd} 起生效", line.Cite));
            }
        return rows;
    }

    /// <summary>The yearly list: everyone who is an object at the start of <paramref name="year"/> (approved before it, not exited before it).</summary>
    public static IReadOnlyList<PremiumRow> Annual(PremiumPolicy policy, int year, IEnumerable<PremiumPerson> persons,
        Func<PremiumPerson, PremiumItem, Contributions> contributions)
    {
        var start = new DateOnly(year, 1, 1);
        var rows = new List<PremiumRow>();
        foreach (var p in persons.Where(p => p.ApprovedOn < start).OrderBy(p => p.PersonId, StringComparer.Ordinal))
        {
            bool exited = p.ExitedOn is { } x && x < start;
            bool keptInPhaseOut = exited && p.PhaseOut && policy.PhaseOutKeeps;
            if (exited && !keptInPhaseOut) continue; // "退出对象，当年参保继续有效，次年不再资助"
            foreach (var item in Enum.GetValues<PremiumItem>())
            {
                var line = policy.Subsidy(item, p.Category, p.Tier, contributions(p, item));
                if (line is null) continue;
                var note = keptInPhaseOut ? $"渐退期对象，继续资助参保（{policy.PhaseOutCite}）"
                    : p.SelfPaidYears.Contains(year - 1) && p.ApprovedOn.Year == year - 1 ? $"{year - 1}年认定时已自行缴费，{year}年起资助参保"
                    : "年度资助参保";
                rows.Add(new PremiumRow(p.PersonId, p.Name, p.Category, p.Tier, item, line.Amount, start, PremiumRowStatus.Subsidised, line.BasisZh, note, line.Cite));
            }
        }
        return rows;
    }

    /// <summary>The list as CSV for the tax/insurance office (UTF-8 with BOM, Chinese headers with English codes).</summary>
    public static string ToCsv(IEnumerable<PremiumRow> rows)
    {
        var sb = new System.Text.StringBuilder("\uFEFF");
        sb.Append("人员编号 person_id,姓名 name,类别 category,档次 tier,险种 item,资助金额 amount,生效日期 effective_from,状态 status,计算 basis,说明 note,依据 cite\r\n");
        foreach (var r in rows)
            sb.Append(string.Join(",", new[]
            {
                r.PersonId, r.Name, Codes.ToCode(r.Category), Codes.ToCode(r.Tier), Codes.ToCode(r.Item),
                r.Amount.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture),
                r.EffectiveFrom?.ToString("yyyy-MM-dd") ?? "", r.Status == PremiumRowStatus.Subsidised ? "资助" : "次年资助",
                r.BasisZh, r.NoteZh, r.Cite,
            }.Select(Quote))).Append("\r\n");
        return sb.ToString();
    }

    // Names and notes come from name lists: one starting with = must be shown by Excel, not run (CsvCell).
    private static string Quote(string s) => Doudi.Cases.CsvCell.Text(s);
}
