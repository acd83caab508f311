using Doudi.Prevention.Calendar;

namespace Doudi.Prevention.Tests.Calendar;

public class WorkdayCalendarTests
{
    private static readonly WorkdayCalendar Cal = WorkdayCalendar.BuiltIn();
    private static DateOnly D(string s) => DateOnly.Parse(s);

    [Fact]
    public void Task_opened_before_national_day_2023_counts_the_adjusted_weekend()
    {
        // Opened Thu 2023-09-28. 09-29..10-06 are days off (国办发明电〔2022〕16号); Sat 10-07 = 1, Sun 10-08 = 2
        // (调休 working days), Mon 10-09 = 3.
        Assert.Equal(D("2023-10-09"), Cal.AddWorkdays(D("2023-09-28"), 3));
        // ... Tue 10-10 = 4, Wed 10-11 = 5, Thu 10-12 = 6, Fri 10-13 = 7.
        Assert.Equal(D("2023-10-13"), Cal.AddWorkdays(D("2023-09-28"), 7));
    }

    [Fact]
    public void Spring_festival_2024_uses_the_working_sundays_0204_and_0218()
    {
        // Opened Fri 2024-02-02. Sat 02-03 rest; Sun 02-04 调休 = 1; Mon 02-05 = 2; Tue 02-06 = 3.
        Assert.Equal(D("2024-02-06"), Cal.AddWorkdays(D("2024-02-02"), 3));
        // Wed 02-07 = 4, Thu 02-08 = 5, Fri 02-09 (除夕, a working day in 2024) = 6; 02-10..02-17 off; Sun 02-18 调休 = 7.
        Assert.Equal(D("2024-02-18"), Cal.AddWorkdays(D("2024-02-02"), 7));
        Assert.False(Cal.IsWorkday(D("2024-02-17")));
        Assert.True(Cal.IsWorkday(D("2024-02-18")));
    }

    [Fact]
    public void Five_working_days_to_consolidate_lists_after_national_day_2024()
    {
        // Lists received Tue 2024-10-08: Wed 10-09 = 1, Thu 10-10 = 2, Fri 10-11 = 3, Sat 10-12 (调休) = 4,
        // Sun 10-13 rest, Mon 10-14 = 5.
        Assert.Equal(D("2024-10-14"), Cal.AddWorkdays(D("2024-10-08"), 5));
    }

    [Theory]
    [InlineData(2024, 10, "2024-10-08")] // 10-05 Sat inside 10-01..10-07 → Tue 10-08
    [InlineData(2025, 5, "2025-05-06")]  // 05-05 Mon inside 05-01..05-05 → Tue 05-06
    [InlineData(2023, 10, "2023-10-07")] // 10-05 inside 09-29..10-06 → Sat 10-07, a 调休 working day
    [InlineData(2025, 1, "2025-01-06")]  // 01-05 is a Sunday → Mon 01-06
    [InlineData(2024, 3, "2024-03-05")]  // Tue 03-05, an ordinary working day: no postponement
    public void Monthly_list_by_the_fifth_is_postponed_past_holidays(int y, int m, string expected)
    {
        var due = Cal.MonthlyDeadline(y, m, 5);
        Assert.Equal(D(expected), due.Date);
        Assert.False(due.Provisional);
    }

    [Fact]
    public void Postponed_deadline_says_why_in_chinese()
    {
        var due = Cal.MonthlyDeadline(2024, 10, 5);
        Assert.Contains("2024-10-05", due.BasisZh);
        Assert.Contains("国庆节", due.BasisZh);
        Assert.Contains("顺延", due.BasisZh);
    }

    [Fact]
    public void Spring_festival_2025_and_2026()
    {
        Assert.True(Cal.IsWorkday(D("2025-01-26")));   // Sun, 调休 (国办发明电〔2024〕12号)
        Assert.False(Cal.IsWorkday(D("2025-01-28")));  // 除夕, a day off from 2025
        Assert.True(Cal.IsWorkday(D("2025-02-08")));   // Sat, 调休
        Assert.False(Cal.IsWorkday(D("2026-02-23")));  // last day of 02-15..02-23
        Assert.True(Cal.IsWorkday(D("2026-02-28")));   // Sat, 调休
        Assert.True(Cal.IsWorkday(D("2026-01-04")));   // Sun, 调休 after 元旦 01-01..01-03
    }

    [Fact]
    public void A_date_outside_the_file_is_an_error_naming_it()
    {
        var e = Assert.Throws<CalendarOutOfRangeException>(() => Cal.IsWorkday(D("2022-12-30")));
        Assert.Equal(D("2022-12-30"), e.Date);
        Assert.Contains("2022-12-30", e.Message);
        // Counting across the end of the file fails on the first uncovered day: Fri 2027-12-31 = 1, then 2028-01-01.
        var e2 = Assert.Throws<CalendarOutOfRangeException>(() => Cal.AddWorkdays(D("2027-12-30"), 3));
        Assert.Equal(D("2028-01-01"), e2.Date);
    }

    [Fact]
    public void Deadlines_in_2027_are_marked_provisional_and_2026_are_not()
    {
        Assert.True(Cal.WorkdayDeadline(D("2027-03-01"), 3).Provisional);
        Assert.False(Cal.WorkdayDeadline(D("2026-03-02"), 3).Provisional);
        // A deadline starting in 2026 that ends in 2027 touches a provisional year: Thu 2026-12-31 + 3 → 2027-01-01 off,
        // Mon 01-04 = 1, Tue 01-05 = 2, Wed 01-06 = 3.
        var d = Cal.WorkdayDeadline(D("2026-12-31"), 3);
        Assert.Equal(D("2027-01-06"), d.Date);
        Assert.True(d.Provisional);
    }

    [Fact]
    public void Every_confirmed_year_cites_its_state_council_notice()
    {
        Assert.Equal(new[] { 2023, 2024, 2025, 2026, 2027 }, Cal.Years.Select(y => y.Year));
        Assert.Equal("国办发明电〔2022〕16号", Cal.Years[0].Number);
        foreach (var y in Cal.Years.Where(y => !y.Provisional)) Assert.StartsWith("国办发明电", y.Number);
        Assert.Equal(new[] { 2027 }, Cal.Years.Where(y => y.Provisional).Select(y => y.Year));
    }

    [Fact]
    public void A_date_filed_under_the_wrong_year_is_rejected()
    {
        const string yaml = "years:\n  2024:\n    notice: x\n    holidays: []\n    workdays: [2025-01-26]\n";
        var e = Assert.Throws<Doudi.Prevention.Common.PreventionException>(() => WorkdayCalendar.Parse(yaml));
        Assert.Equal("calendar_date_wrong_year", e.Code);
    }
}
