using Doudi.Prevention.Common;

namespace Doudi.Prevention.Calendar;

/// <summary>A date whose year the calendar file does not cover. We never guess a year's holidays.</summary>
public sealed class CalendarOutOfRangeException(DateOnly date, int firstYear, int lastYear)
    : PreventionException("calendar_out_of_range",
        $"工作日历未包含日期 {date:yyyy-MM-dd}（已载入 {firstYear}–{lastYear} 年），请补充该年度国务院办公厅节假日安排",
        $"the working-day calendar does not cover {date:yyyy-MM-dd} (loaded years {firstYear}–{lastYear}); add that year's State Council holiday notice")
{
    public DateOnly Date { get; } = date;
}
