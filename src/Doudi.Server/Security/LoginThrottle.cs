using System.Collections.Concurrent;

namespace Doudi.Server.Security;

/// <summary>
/// Repeated wrong passwords are throttled per account and per client address, in a sliding window: after
/// <c>Doudi:Login:MaxFailuresPerAccount</c> (default 5) failures for one account, or <c>MaxFailuresPerAddress</c>
/// (default 20) from one address, within <c>WindowMinutes</c> (default 15), further attempts — right or wrong — are
/// answered 429 until the oldest failure leaves the window. A successful login clears the account's failures.
/// Kept in memory: one server process; a restart forgets (documented in the README).
/// </summary>
public sealed class LoginThrottle(IConfiguration config, TimeProvider time)
{
    private readonly int _perAccount = Setting(config, "MaxFailuresPerAccount", 5);
    private readonly int _perAddress = Setting(config, "MaxFailuresPerAddress", 20);
    private readonly TimeSpan _window = TimeSpan.FromMinutes(Setting(config, "WindowMinutes", 15));
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);

    private static int Setting(IConfiguration config, string name, int fallback) =>
        int.TryParse(config[$"Doudi:Login:{name}"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) && v > 0 ? v : fallback;

    private static string AccountKey(string username) => "u:" + username.Trim().ToLowerInvariant();
    private static string AddressKey(string address) => "a:" + address;

    /// <summary>How long the caller must wait, or null when an attempt may be made.</summary>
    public TimeSpan? RetryAfter(string username, string address)
    {
        var now = time.GetUtcNow();
        var a = Wait(AccountKey(username), _perAccount, now);
        var b = Wait(AddressKey(address), _perAddress, now);
        return a is null ? b : b is null ? a : (a > b ? a : b);
    }

    public void Failed(string username, string address)
    {
        var now = time.GetUtcNow();
        Add(AccountKey(username), now);
        Add(AddressKey(address), now);
        if (_failures.Count > 100_000) Prune(now);
    }

    public void Succeeded(string username) => _failures.TryRemove(AccountKey(username), out _);

    private TimeSpan? Wait(string key, int max, DateTimeOffset now)
    {
        if (!_failures.TryGetValue(key, out var q)) return null;
        lock (q)
        {
            while (q.Count > 0 && q.Peek() <= now - _window) q.Dequeue();
            if (q.Count < max) return null;
            // Blocked until enough failures have left the window.
            var release = q.ElementAt(q.Count - max) + _window;
            return release - now;
        }
    }

    private void Add(string key, DateTimeOffset now)
    {
        var q = _failures.GetOrAdd(key, _ => new Queue<DateTimeOffset>());
        lock (q)
        {
            while (q.Count > 0 && q.Peek() <= now - _window) q.Dequeue();
            q.Enqueue(now);
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, q) in _failures)
            lock (q) { if (q.Count == 0 || q.Last() <= now - _window) _failures.TryRemove(key, out _); }
    }
}
