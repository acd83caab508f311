using System.Security.Claims;
using Doudi.Server.Api;
using Doudi.Server.Audit;
using Doudi.Server.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Doudi.Server.Security;

public static class AuthEndpoints
{
    public static void Map(WebApplication app)
    {
        var g = app.MapGroup("/api/auth").WithTags("Security");

        g.MapPost("/login", async (HttpContext http, Users users, LoginThrottle throttle, Database db, ILoggerFactory logs, CancellationToken ct) =>
        {
            using var doc = await Body.ReadJsonAsync(http.Request, ct);
            var problems = new List<FieldProblem>();
            var f = Fields.FromJson(Body.RequireObject(doc), "", problems);
            var username = f.String("username", required: true, maxLength: 64);
            var password = f.String("password", required: true, maxLength: 256, allowControl: true);
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            if (throttle.RetryAfter(username!, address) is { } wait)
                return TooManyAttempts(http, wait);
            var user = await users.VerifyAsync(username!, password!);
            if (user is null)
            {
                throttle.Failed(username!, address);
                logs.CreateLogger("Doudi.Security").LogWarning("Failed login for {User} from {Address}", Hosting.RequestLog.Mask(username!), address);
                return Problems.ToResult(new ApiProblemException(401, new("用户名或密码错误", "wrong username or password")), http);
            }
            throttle.Succeeded(username!);
            var stamp = user.SecurityStamp;
            if (stamp.Length == 0) stamp = await db.WriteAsync((c, tx) => Users.RotateStampAsync(c, tx, user.Username), ct);
            await SignInAsync(http, user, stamp);
            await db.WriteAsync(async (c, tx) => { await AuditLog.WriteAsync(c, tx, db.Dialect, new Actor(user.Username, user.Role, user.Department), "login", "user", user.Username, null, null); return 0; }, ct);
            return Results.Ok(new { user.Username, user.DisplayName, user.Role, user.Department });
        }).AllowAnonymous();

        // Logging out ends every session of the user (a new security stamp), not only this browser's cookie.
        g.MapPost("/logout", async (HttpContext http, Database db, CancellationToken ct) =>
        {
            if (http.User.Identity?.IsAuthenticated == true && http.User.Identity.AuthenticationType == CookieAuthenticationDefaults.AuthenticationScheme)
            {
                var actor = http.Actor();
                await db.WriteAsync(async (c, tx) =>
                {
                    await Users.RotateStampAsync(c, tx, actor.Name);
                    await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "logout", "user", actor.Name, null, null);
                    return 0;
                }, ct);
            }
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.NoContent();
        });

        // A password change ends every other session of the user; this one continues with a fresh cookie.
        g.MapPost("/password", async (HttpContext http, Users users, LoginThrottle throttle, Database db, CancellationToken ct) =>
        {
            using var doc = await Body.ReadJsonAsync(http.Request, ct);
            var problems = new List<FieldProblem>();
            var f = Fields.FromJson(Body.RequireObject(doc), "", problems);
            var current = f.String("currentPassword", required: true, maxLength: 256, allowControl: true);
            var next = f.String("newPassword", required: true, maxLength: 256);
            if (next is not null && next.Length < 10) f.Problem("newPassword", new("密码至少 10 个字符", "must be at least 10 characters"));
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            var actor = http.Actor();
            var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            if (throttle.RetryAfter(actor.Name, address) is { } wait) return TooManyAttempts(http, wait);
            if (await users.VerifyAsync(actor.Name, current!) is null)
            {
                throttle.Failed(actor.Name, address);
                throw ApiProblemException.Invalid([new("currentPassword", new("当前密码不正确", "is not the current password"))]);
            }
            var stamp = await db.WriteAsync(async (c, tx) =>
            {
                await c.ExecAsync("UPDATE users SET password_hash = @h WHERE username = @u", tx, ("h", Users.Hash(actor.Name, next!)), ("u", actor.Name));
                var s = await Users.RotateStampAsync(c, tx, actor.Name);
                await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "change_password", "user", actor.Name, null, null);
                return s;
            }, ct);
            if (await users.FindAsync(actor.Name) is { } user) await SignInAsync(http, user, stamp);
            return Results.NoContent();
        }).RequireAuthorization(p => p.RequireRole(Roles.Staff));

        g.MapGet("/me", (HttpContext http) =>
        {
            var a = http.Actor();
            return Results.Ok(new { username = a.Name, role = a.Role, department = a.Department, roleName = Roles.Names.GetValueOrDefault(a.Role).Zh, seesIdNumbers = a.SeesIdNumbers });
        }).RequireAuthorization();

        MapAdministration(app);
    }

    private static async Task SignInAsync(HttpContext http, User user, string stamp)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, user.Username), new(ClaimTypes.Role, user.Role), new(Users.StampClaim, stamp) };
        if (user.Department is not null) claims.Add(new Claim(Actor.DepartmentClaim, user.Department));
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme)));
    }

    private static IResult TooManyAttempts(HttpContext http, TimeSpan wait)
    {
        var minutes = Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes));
        http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problems.ToResult(new ApiProblemException(StatusCodes.Status429TooManyRequests,
            new($"密码错误次数过多，请 {minutes} 分钟后再试", $"too many wrong passwords; try again in {minutes} minutes"),
            type: "https://doudi.example/problems/login-throttled"), http);
    }

    private static void MapAdministration(WebApplication app)
    {
        var users = app.MapGroup("/api/users").WithTags("Security").RequireAuthorization(Policies.Admin);

        users.MapGet("/", async (Database db, CancellationToken ct) =>
            Results.Ok(await db.ReadAsync(c => c.ListAsync("SELECT * FROM users ORDER BY username", null,
                r => new { username = r.S("username"), displayName = r.S("display_name"), role = r.S("role"), department = r.Str("department"), active = r.B("active") }), ct)));

        users.MapPost("/", async (HttpContext http, Database db, CancellationToken ct) =>
        {
            using var doc = await Body.ReadJsonAsync(http.Request, ct);
            var problems = new List<FieldProblem>();
            var f = Fields.FromJson(Body.RequireObject(doc), "", problems);
            var username = f.String("username", required: true, maxLength: 64);
            var displayName = f.String("displayName", maxLength: 100);
            var role = f.String("role", required: true);
            var department = f.String("department", maxLength: 64);
            var password = f.String("password", required: true, maxLength: 256);
            if (role is not null && !Roles.Staff.Contains(role)) f.Problem("role", Msg.Unknown("角色", role, Roles.Staff));
            if (password is not null && password.Length < 10) f.Problem("password", new("密码至少 10 个字符", "must be at least 10 characters"));
            if (role == Roles.Department && department is null) f.Problem("department", new("其他部门用户须指定部门", "required for role department"));
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            var actor = http.Actor();
            try
            {
                await db.WriteAsync(async (c, tx) =>
                {
                    await Users.InsertAsync(c, tx, username!, displayName ?? username!, role!, department, password!);
                    await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "create", "user", username!, null, new { username, displayName, role, department });
                    return 0;
                }, ct);
            }
            catch (Exception e) when (Database.IsUniqueViolation(e))
            {
                throw ApiProblemException.Conflict(new($"用户 {username} 已存在", $"user {username} exists"));
            }
            return Results.Created($"/api/users/{username}", new { username, displayName = displayName ?? username, role, department, active = true });
        });

        users.MapPost("/{username}/deactivation", async (string username, HttpContext http, Database db, CancellationToken ct) =>
        {
            var actor = http.Actor();
            await db.WriteAsync(async (c, tx) =>
            {
                var n = await c.ExecAsync("UPDATE users SET active = @f WHERE username = @u AND active = @t", tx, ("f", false), ("u", username), ("t", true));
                if (n == 0) throw ApiProblemException.NotFound(new($"没有在用的用户 {username}", $"no active user {username}"));
                await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "deactivate", "user", username, new { active = true }, new { active = false });
                return 0;
            }, ct);
            return Results.NoContent();
        });

        var tokens = app.MapGroup("/api/tokens").WithTags("Security").RequireAuthorization(Policies.Admin);

        tokens.MapPost("/", async (HttpContext http, Database db, CancellationToken ct) =>
        {
            using var doc = await Body.ReadJsonAsync(http.Request, ct);
            var problems = new List<FieldProblem>();
            var f = Fields.FromJson(Body.RequireObject(doc), "", problems);
            var name = f.String("name", required: true, maxLength: 100);
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            var token = ApiTokens.NewToken();
            var id = "T" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
            var actor = http.Actor();
            await db.WriteAsync(async (c, tx) =>
            {
                await c.ExecAsync("INSERT INTO api_tokens (id, name, token_hash, role, active, created_at, created_by) VALUES (@id, @n, @h, @r, @a, @at, @by)", tx,
                    ("id", id), ("n", name), ("h", ApiTokens.HashOf(token)), ("r", Roles.Hospital), ("a", true), ("at", DateTimeOffset.UtcNow), ("by", actor.Name));
                await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "issue", "api_token", id, null, new { id, name, role = Roles.Hospital });
                return 0;
            }, ct);
            // The token is shown once; only its hash is kept.
            return Results.Created($"/api/tokens/{id}", new { id, name, role = Roles.Hospital, token });
        });

        tokens.MapPost("/{id}/revocation", async (string id, HttpContext http, Database db, CancellationToken ct) =>
        {
            var actor = http.Actor();
            await db.WriteAsync(async (c, tx) =>
            {
                var n = await c.ExecAsync("UPDATE api_tokens SET active = @f, revoked_at = @at WHERE id = @id AND active = @t", tx,
                    ("f", false), ("at", DateTimeOffset.UtcNow), ("id", id), ("t", true));
                if (n == 0) throw ApiProblemException.NotFound(new($"没有有效令牌 {id}", $"no active token {id}"));
                await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "revoke", "api_token", id, new { active = true }, new { active = false });
                return 0;
            }, ct);
            ApiTokenHandler.Forget();
            return Results.NoContent();
        });
    }
}
