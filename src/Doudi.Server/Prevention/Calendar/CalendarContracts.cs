namespace Doudi.Server.Prevention.Calendar;

/// <summary>A day of the calendar: working day or not, and why (weekend, holiday, make-up working day).</summary>
public sealed record CalendarDay(DateOnly Date, bool Workday, string Reason, string ReasonEn);

/// <summary>The deadline <see cref="Workdays"/> working days after <see cref="From"/>, with every day between so a person can check the count.</summary>
public sealed record DeadlineView(DateOnly From, int Workdays, DateOnly Due, bool Provisional, string Basis, string BasisEn, IReadOnlyList<CalendarDay> Days);

/// <summary>"By the <see cref="Day"/>th of the month, postponed past holidays".</summary>
public sealed record MonthlyDeadlineView(int Year, int Month, int Day, DateOnly Due, bool Provisional, string Basis, string BasisEn)
{
    /// <summary>The clause that sets the day when the caller gave none (the premium rules' list due day); null when the caller gave the day.</summary>
    public string? Cite { get; init; }
}
