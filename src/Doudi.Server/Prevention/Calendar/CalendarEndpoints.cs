using System.Globalization;
using Doudi.Prevention.Calendar;
using Doudi.Server.Api;
using Doudi.Server.Prevention.Common;

namespace Doudi.Server.Prevention.Calendar;

/// <summary>
/// China's working days (data/calendar/cn-workdays.yaml): deadlines in working days (jiande's department answers 3/7,
/// pengshui's 5), and "by the Nth, postponed by holidays" for monthly lists (N: the premium rules' list_due_day). Open to every logged-in user.
/// </summary>
public static class CalendarEndpoints
{
    public static void Map(WebApplication app)
    {
        var g = app.MapGroup("/api/calendar").WithTags("Calendar").RequireAuthorization();

        g.MapGet("/deadline", (string? from, int? workdays, WorkdayCalendar cal) =>
        {
            var problems = new List<FieldProblem>();
            var start = ParseDate(from, "from", problems);
            if (workdays is null) problems.Add(new("workdays", Msg.Required));
            else if (workdays is < 0 or > 250) problems.Add(new("workdays", new("工作日数须在 0 到 250 之间", "must be between 0 and 250")));
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            var d = PreventionProblems.Run(() => cal.WorkdayDeadline(start!.Value, workdays!.Value), "from");
            return Results.Json(new DeadlineView(start!.Value, workdays!.Value, d.Date, d.Provisional, d.BasisZh, d.BasisEn, Days(cal, start!.Value, d.Date)), Json.Options);
        }).Produces<DeadlineView>(200).Problems(422).WithSummary("工作日截止日期 / deadline n working days after a date (the start day is not counted)");

        g.MapGet("/monthly-deadline", (int? year, int? month, int? day, string? region, WorkdayCalendar cal, PreventionCatalog catalog) =>
        {
            var problems = new List<FieldProblem>();
            if (year is null or < 2000 or > 2100) problems.Add(new("year", year is null ? Msg.Required : new("年份不合理", "is not a plausible year")));
            if (month is null or < 1 or > 12) problems.Add(new("month", new("月份须为 1–12", "must be 1..12")));
            if (day is < 1 or > 28) problems.Add(new("day", new("日须为 1–28", "must be 1..28")));
            if (region is not null && catalog.Problem("region", region) is { } rp) problems.Add(rp);
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            var (dueDay, cite) = day is { } given ? (given, null) : ListDueDay(catalog, region, new DateOnly(year!.Value, month!.Value, 1));
            var d = PreventionProblems.Run(() => cal.MonthlyDeadline(year!.Value, month!.Value, dueDay), "year");
            return Results.Json(new MonthlyDeadlineView(year!.Value, month!.Value, dueDay, d.Date, d.Provisional, d.BasisZh, d.BasisEn) { Cite = cite }, Json.Options);
        }).Produces<MonthlyDeadlineView>(200).Problems(422).WithSummary("每月N日前（法定节假日顺延）/ monthly deadline postponed past holidays; without day, the list due day of the region's premium rules (or the one every region's rules in force agree on)");

        g.MapGet("/days", (string? from, string? to, WorkdayCalendar cal) =>
        {
            var problems = new List<FieldProblem>();
            var a = ParseDate(from, "from", problems);
            var b = ParseDate(to, "to", problems);
            if (a is not null && b is not null && (b < a || b.Value.DayNumber - a.Value.DayNumber > 366))
                problems.Add(new("to", new("须在 from 之后一年以内", "must be after from, within a year")));
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            return Results.Json(PreventionProblems.Run(() => Days(cal, a!.Value.AddDays(-1), b!.Value), "from"), Json.Options);
        }).Produces<List<CalendarDay>>(200).Problems(422).WithSummary("日历 / each day with whether it is a working day and why");
    }

    private static List<CalendarDay> Days(WorkdayCalendar cal, DateOnly afterStart, DateOnly to)
    {
        var list = new List<CalendarDay>();
        for (var d = afterStart.AddDays(1); d <= to; d = d.AddDays(1))
        {
            var i = cal.Describe(d);
            list.Add(new CalendarDay(d, i.IsWorkday, i.ReasonZh, i.ReasonEn));
        }
        return list;
    }

    public static DateOnly? ParseDate(string? text, string field, List<FieldProblem> problems)
    {
        if (text is null) { problems.Add(new(field, Msg.Required)); return null; }
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        problems.Add(new(field, Msg.NotDate(text)));
        return null;
    }

    /// <summary>
    /// The day monthly lists are due by when the caller gives none: the premium rules' <c>list_due_day</c> in force on the
    /// month's first day (policies/premium/*.yaml) — the region's, or the one day every region's rules agree on.
    /// </summary>
    private static (int Day, string Cite) ListDueDay(PreventionCatalog catalog, string? region, DateOnly monthStart)
    {
        var rules = (region is null ? catalog.Regions : new[] { region }).Select(r => catalog.Catalog.PremiumOn(r, monthStart)).OfType<Doudi.Policy.Prevention.PremiumPolicy>().ToList();
        var days = rules.Select(p => p.ListDueDay).Distinct().ToList();
        if (days.Count == 1)
            return (days[0], string.Join("；", rules.Select(p => p.ListDueCite).Distinct(StringComparer.Ordinal)));
        throw ApiProblemException.Invalid([new("day", days.Count == 0
            ? new("须给出 day：该月没有规定名单报送日的资助参保规则", "give day: no premium rule in force that month sets a list due day")
            : new($"须给出 day 或 region：各统筹区该月的名单报送日不一（{string.Join("、", days.Order())}日）", $"give day or region: the regions' list due days differ that month ({string.Join(", ", days.Order())})"))]);
    }
}
