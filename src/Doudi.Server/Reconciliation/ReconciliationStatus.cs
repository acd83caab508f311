namespace Doudi.Server.Reconciliation;

/// <summary>
/// The bureau's workflow on a difference: found (open) → sent to the township for checking → confirmed by it → paid
/// (应补, the person gets the difference) or recovered (应退, the overpayment is taken back). Each step is audited.
/// </summary>
public static class ReconciliationStatus
{
    public const string Open = "open";
    public const string Sent = "sent_to_township";
    public const string Confirmed = "confirmed";
    public const string Paid = "paid";
    public const string Recovered = "recovered";

    public static readonly string[] All = [Open, Sent, Confirmed, Paid, Recovered];

    /// <summary>The one status an item may move to from <paramref name="from"/>, given its direction (to_pay / to_recover).</summary>
    public static string? Next(string from, string direction) => from switch
    {
        Open => Sent,
        Sent => Confirmed,
        Confirmed => direction == "to_pay" ? Paid : Recovered,
        _ => null,
    };
}
