namespace Doudi.Server.Prevention.Common;

/// <summary>
/// The time of prevention work in China (+08:00): working-day deadlines, public notices and pool dates are counted
/// from the local date. Tests (and a demo) may pin it; production reads the system clock.
/// </summary>
public sealed class PreventionClock
{
    public static readonly TimeSpan China = TimeSpan.FromHours(8);
    private DateTimeOffset? _pinned;

    public DateTimeOffset Now => _pinned ?? DateTimeOffset.UtcNow.ToOffset(China);
    public DateOnly Today => DateOnly.FromDateTime(Now.DateTime);

    /// <summary>Pins the clock to a local time (null: back to the system clock).</summary>
    internal void Pin(DateTimeOffset? at) => _pinned = at?.ToOffset(China);

    internal void Pin(string localTime) => Pin(DateTimeOffset.Parse(localTime + (localTime.Contains('+') ? "" : "+08:00"), System.Globalization.CultureInfo.InvariantCulture));
}
