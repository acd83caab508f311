namespace Doudi.Prevention.Calendar;

/// <summary>One holiday period of a year's notice (inclusive dates).</summary>
public sealed record HolidayPeriod(string Name, string English, DateOnly From, DateOnly To);

/// <summary>
/// One year of the calendar file: the notice that fixes it, its days off and its adjusted working weekends (调休).
/// A provisional year knows only the fixed-date statutory holidays (see data/calendar/cn-workdays.yaml).
/// </summary>
public sealed record CalendarYear(
    int Year,
    string Notice,
    string Number,
    bool Provisional,
    string? Note,
    IReadOnlyList<HolidayPeriod> Holidays,
    IReadOnlySet<DateOnly> AdjustedWorkdays);

/// <summary>What the calendar says about one day, with the reason a person can read.</summary>
public sealed record DayInfo(DateOnly Date, bool IsWorkday, string ReasonZh, string ReasonEn, bool Provisional);

/// <summary>A computed deadline and how it was reached (for traces and task screens).</summary>
public sealed record Deadline(DateOnly Date, bool Provisional, string BasisZh, string BasisEn);
