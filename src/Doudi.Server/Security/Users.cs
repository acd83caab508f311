using System.Security.Cryptography;
using Doudi.Server.Storage;
using Microsoft.AspNetCore.Identity;

namespace Doudi.Server.Security;

public sealed record User(string Username, string DisplayName, string Role, string? Department, bool Active, string PasswordHash, string SecurityStamp);

/// <summary>Staff accounts. Passwords hashed with the framework's PasswordHasher (PBKDF2); accounts are deactivated, never deleted.</summary>
public sealed class Users(Database db)
{
    private static readonly PasswordHasher<string> Hasher = new();

    public static string Hash(string username, string password) => Hasher.HashPassword(username, password);

    public async Task<User?> FindAsync(string username)
        => await db.ReadAsync(c => c.FirstAsync("SELECT * FROM users WHERE username = @u", null, Map, ("u", username)));

    public async Task<User?> VerifyAsync(string username, string password)
    {
        var user = await FindAsync(username);
        if (user is null || !user.Active)
        {
            Hasher.VerifyHashedPassword(username, DummyHash, password); // same cost whether or not the user exists
            return null;
        }
        return Hasher.VerifyHashedPassword(username, user.PasswordHash, password) == PasswordVerificationResult.Failed ? null : user;
    }

    private static readonly string DummyHash = Hasher.HashPassword("-", "-");

    public static User Map(System.Data.Common.DbDataReader r) =>
        new(r.S("username"), r.S("display_name"), r.S("role"), r.Str("department"), r.B("active"), r.S("password_hash"), r.Str("security_stamp") ?? "");

    /// <summary>
    /// The security stamp is carried in every session cookie and checked on every request: a new stamp (logout,
    /// password change) ends every session of the user at once, on every device.
    /// </summary>
    public const string StampClaim = "doudi:stamp";

    public static string NewStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static async Task<string> RotateStampAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx, string username)
    {
        var stamp = NewStamp();
        await c.ExecAsync("UPDATE users SET security_stamp = @s WHERE username = @u", tx, ("s", stamp), ("u", username));
        return stamp;
    }

    /// <summary>
    /// The user's stamp, given one first if the account has none (accounts made before stamps existed). Two first
    /// logins at once must end with the same stamp, or the first cookie is dead on arrival: the stamp is set only while
    /// still empty, then read back.
    /// </summary>
    public static async Task<string> EnsureStampAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx, string username)
    {
        await c.ExecAsync("UPDATE users SET security_stamp = @s WHERE username = @u AND security_stamp = ''", tx, ("s", NewStamp()), ("u", username));
        return (string)(await c.ScalarAsync("SELECT security_stamp FROM users WHERE username = @u", tx, ("u", username)))!;
    }

    public static async Task InsertAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx,
        string username, string displayName, string role, string? department, string password)
    {
        await c.ExecAsync("INSERT INTO users (username, display_name, role, department, password_hash, active, created_at, security_stamp) VALUES (@u, @d, @r, @dep, @h, @a, @t, @s)", tx,
            ("u", username), ("d", displayName), ("r", role), ("dep", department), ("h", Hash(username, password)), ("a", true), ("t", DateTimeOffset.UtcNow), ("s", NewStamp()));
    }

    public static Task<List<UserView>> ListAsync(System.Data.Common.DbConnection c) =>
        c.ListAsync("SELECT * FROM users ORDER BY username", null,
            r => new UserView(r.S("username"), r.S("display_name"), r.S("role"), r.Str("department"), r.B("active")));

    public static Task<int> SetPasswordAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx, string username, string password) =>
        c.ExecAsync("UPDATE users SET password_hash = @h WHERE username = @u", tx, ("h", Hash(username, password)), ("u", username));

    /// <summary>Deactivates an active account; false when there is no active account of that name.</summary>
    public static async Task<bool> DeactivateAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx, string username) =>
        await c.ExecAsync("UPDATE users SET active = @f WHERE username = @u AND active = @t", tx, ("f", false), ("u", username), ("t", true)) > 0;

    public static string NewPassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', 'x').Replace('/', 'y');
}
