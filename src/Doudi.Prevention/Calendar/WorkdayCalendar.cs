using Doudi.Prevention.Common;
using YamlDotNet.RepresentationModel;

namespace Doudi.Prevention.Calendar;

/// <summary>
/// China's working days: Monday–Friday, minus the State Council's days off, plus its adjusted working weekends (调休).
/// Pure: every date is passed in. Deadlines in the seeds are counted in working days (jiande 三.4: 3 and 7; pengshui
/// 二.四.2: 5) or are fixed days of the month postponed past holidays (pengshui 二.四.2 "每月5日前（法定节假日顺延）").
/// </summary>
public sealed class WorkdayCalendar
{
    public const string BuiltInName = "data/calendar/cn-workdays.yaml";

    private readonly Dictionary<int, CalendarYear> _years;
    private readonly Dictionary<DateOnly, HolidayPeriod> _daysOff = new();
    public int FirstYear { get; }
    public int LastYear { get; }
    public IReadOnlyList<CalendarYear> Years { get; }

    public WorkdayCalendar(IEnumerable<CalendarYear> years)
    {
        _years = years.ToDictionary(y => y.Year);
        if (_years.Count == 0) throw new PreventionException("calendar_empty", "工作日历没有任何年度", "the working-day calendar has no year");
        FirstYear = _years.Keys.Min();
        LastYear = _years.Keys.Max();
        for (int y = FirstYear; y <= LastYear; y++)
            if (!_years.ContainsKey(y))
                throw new PreventionException("calendar_gap", $"工作日历缺少 {y} 年", $"the working-day calendar lacks the year {y}");
        Years = _years.Values.OrderBy(y => y.Year).ToArray();
        foreach (var y in Years)
            foreach (var h in y.Holidays)
                for (var d = h.From; d <= h.To; d = d.AddDays(1))
                    _daysOff[d] = h;
    }

    /// <summary>The calendar shipped in this assembly (data/calendar/cn-workdays.yaml).</summary>
    public static WorkdayCalendar BuiltIn() => Parse(BuiltInData.Read(BuiltInName));

    public static WorkdayCalendar Parse(string yaml)
    {
        var root = YamlNodes.ParseRoot(yaml, "工作日历 calendar");
        var years = new List<CalendarYear>();
        foreach (var (key, node) in (root.Map("years") ?? new YamlMappingNode()).Pairs())
        {
            var m = (YamlMappingNode)node;
            int year = int.Parse(key);
            var holidays = m.Seq("holidays").Cast<YamlMappingNode>().Select(h => new HolidayPeriod(
                h.Req("name", $"{year} holiday"), h.Str("en") ?? "",
                YamlNodes.Date(h.Req("from", $"{year} holiday"), "from"), YamlNodes.Date(h.Req("to", $"{year} holiday"), "to"))).ToArray();
            var workdays = m.Seq("workdays").Select(w => YamlNodes.Date(((YamlScalarNode)w).Value ?? "", $"{year} workday")).ToHashSet();
            foreach (var d in holidays.SelectMany(h => new[] { h.From, h.To }).Concat(workdays))
                if (d.Year != year)
                    throw new PreventionException("calendar_date_wrong_year", $"{year} 年的日历中出现 {d:yyyy-MM-dd}", $"{d:yyyy-MM-dd} is listed under the year {year}");
            years.Add(new CalendarYear(year, m.Req("notice", $"{year}"), m.Str("number") ?? "", m.Bool("provisional"), m.Str("note"), holidays, workdays));
        }
        return new WorkdayCalendar(years);
    }

    private CalendarYear YearOf(DateOnly date) =>
        _years.TryGetValue(date.Year, out var y) ? y : throw new CalendarOutOfRangeException(date, FirstYear, LastYear);

    public bool IsProvisional(DateOnly date) => YearOf(date).Provisional;

    public bool IsWorkday(DateOnly date) => Describe(date).IsWorkday;

    public DayInfo Describe(DateOnly date)
    {
        var year = YearOf(date);
        if (year.AdjustedWorkdays.Contains(date))
            return new DayInfo(date, true, $"调休上班（{year.Number}）", $"adjusted working day ({year.Number})", year.Provisional);
        if (_daysOff.TryGetValue(date, out var h))
            return new DayInfo(date, false, $"{h.Name}假期（{year.Number}）", $"{h.English} holiday ({year.Number})", year.Provisional);
        bool weekend = date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
        return weekend
            ? new DayInfo(date, false, "周末休息", "weekend", year.Provisional)
            : new DayInfo(date, true, "工作日", "working day", year.Provisional);
    }

    /// <summary>
    /// The n-th working day after <paramref name="start"/> (the start day itself is not counted, as in
    /// "三个工作日内": a task opened on a Thursday with 3 working days is due on the following Tuesday).
    /// </summary>
    public DateOnly AddWorkdays(DateOnly start, int n)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), "working days must be ≥ 0");
        YearOf(start);
        var d = start;
        for (int counted = 0; counted < n;)
        {
            d = d.AddDays(1);
            if (IsWorkday(d)) counted++;
        }
        return d;
    }

    /// <summary>Deadline n working days after start, with a basis people can read and a provisional flag.</summary>
    public Deadline WorkdayDeadline(DateOnly start, int n)
    {
        var due = AddWorkdays(start, n);
        return new Deadline(due, AnyProvisional(start, due),
            $"自 {start:yyyy-MM-dd} 起 {n} 个工作日内，截止 {due:yyyy-MM-dd}",
            $"{n} working days from {start:yyyy-MM-dd}, due {due:yyyy-MM-dd}");
    }

    /// <summary>
    /// The first working day on or after <paramref name="date"/>: the postponement of "法定节假日顺延".
    /// Weekends postpone too — administrative practice counts 公休日 among 节假日 when a period ends on one.
    /// </summary>
    public DateOnly OnOrNextWorkday(DateOnly date)
    {
        var d = date;
        while (!IsWorkday(d)) d = d.AddDays(1);
        return d;
    }

    /// <summary>"Each month by the Nth, postponed by holidays" (pengshui 二.四.2: 每月5日前（法定节假日顺延）); the day is policy data (premium files' list_due_day).</summary>
    public Deadline MonthlyDeadline(int year, int month, int day)
    {
        var nominal = new DateOnly(year, month, day);
        var due = OnOrNextWorkday(nominal);
        var why = due == nominal ? "" : $"（{nominal:yyyy-MM-dd} 为{Describe(nominal).ReasonZh}，顺延）";
        var whyEn = due == nominal ? "" : $" ({nominal:yyyy-MM-dd} is a {Describe(nominal).ReasonEn}; postponed)";
        return new Deadline(due, AnyProvisional(nominal, due),
            $"每月{day}日前报送，本月截止 {due:yyyy-MM-dd}{why}", $"due by day {day} of the month: {due:yyyy-MM-dd}{whyEn}");
    }

    /// <summary>Working days strictly after <paramref name="from"/> up to and including <paramref name="to"/>.</summary>
    public int WorkdaysBetween(DateOnly from, DateOnly to)
    {
        int n = 0;
        for (var d = from.AddDays(1); d <= to; d = d.AddDays(1)) if (IsWorkday(d)) n++;
        return n;
    }

    private bool AnyProvisional(DateOnly a, DateOnly b)
    {
        for (int y = a.Year; y <= b.Year; y++) if (_years[y].Provisional) return true;
        return false;
    }
}
