using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Doudi.Server.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Doudi.Server.Security;

/// <summary>
/// API tokens for hospital systems: <c>Authorization: Bearer ddt_…</c>. Only the SHA-256 of a token is stored
/// (tokens are 256-bit random, so a fast hash is enough); the token itself is shown once, when issued.
/// </summary>
public static class ApiTokens
{
    public const string Scheme = "ApiToken";
    public const string Prefix = "ddt_";

    public const string NameClaim = "doudi:token_name";

    /// <summary>The actor name of a hospital system: <c>token:</c> and the token's id (what <c>created_by</c> records).</summary>
    public static string ActorName(string tokenId) => "token:" + tokenId;

    public static Task InsertAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx, string id, string name, string token, string role, string by) =>
        c.ExecAsync("INSERT INTO api_tokens (id, name, token_hash, role, active, created_at, created_by) VALUES (@id, @n, @h, @r, @a, @at, @by)", tx,
            ("id", id), ("n", name), ("h", HashOf(token)), ("r", role), ("a", true), ("at", DateTimeOffset.UtcNow), ("by", by));

    /// <summary>Revokes an active token; false when there is no active token of that id.</summary>
    public static async Task<bool> RevokeAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx, string id) =>
        await c.ExecAsync("UPDATE api_tokens SET active = @f, revoked_at = @at WHERE id = @id AND active = @t", tx,
            ("f", false), ("at", DateTimeOffset.UtcNow), ("id", id), ("t", true)) > 0;

    public static string NewToken() => Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
    public static string HashOf(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

public sealed class ApiTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, Database db)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    // Tokens are looked up on every hospital request; a short cache keeps that off the database's hot path.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Id, string Name, string Role, DateTime Until)> Cache = new();

    public static void Forget() => Cache.Clear();

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var token = header["Bearer ".Length..].Trim();
        if (!token.StartsWith(ApiTokens.Prefix, StringComparison.Ordinal)) return AuthenticateResult.Fail("malformed token");
        var hash = ApiTokens.HashOf(token);
        if (!Cache.TryGetValue(hash, out var entry) || entry.Until < DateTime.UtcNow)
        {
            var row = await db.ReadAsync(c => c.FirstAsync("SELECT id, name, role FROM api_tokens WHERE token_hash = @h AND active = @a", null,
                r => new Tuple<string, string, string>(r.S("id"), r.S("name"), r.S("role")), ("h", hash), ("a", true)));
            if (row is null) { Cache.TryRemove(hash, out _); return AuthenticateResult.Fail("unknown or revoked token"); }
            entry = (row.Item1, row.Item2, row.Item3, DateTime.UtcNow.AddSeconds(30));
            Cache[hash] = entry;
        }
        // The actor is the token's id, never its name: names are labels and need not be unique, and what a hospital
        // may see (its own settlements) is decided by who created them.
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, ApiTokens.ActorName(entry.Id)), new Claim(ClaimTypes.Role, entry.Role), new Claim(ApiTokens.NameClaim, entry.Name)], ApiTokens.Scheme);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), ApiTokens.Scheme));
    }
}
