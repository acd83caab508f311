using System.Security.Cryptography;
using Doudi.Server.Storage;
using Microsoft.AspNetCore.Identity;

namespace Doudi.Server.Security;

public sealed record User(string Username, string DisplayName, string Role, string? Department, bool Active, string PasswordHash);

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
        new(r.S("username"), r.S("display_name"), r.S("role"), r.Str("department"), r.B("active"), r.S("password_hash"));

    public static async Task InsertAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx,
        string username, string displayName, string role, string? department, string password)
    {
        await c.ExecAsync("INSERT INTO users (username, display_name, role, department, password_hash, active, created_at) VALUES (@u, @d, @r, @dep, @h, @a, @t)", tx,
            ("u", username), ("d", displayName), ("r", role), ("dep", department), ("h", Hash(username, password)), ("a", true), ("t", DateTimeOffset.UtcNow));
    }

    public static string NewPassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', 'x').Replace('/', 'y');
}
