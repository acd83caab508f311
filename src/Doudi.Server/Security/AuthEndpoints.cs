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
            if (stamp.Length == 0) stamp = await db.WriteAsync((c, tx) => Users.EnsureStampAsync(c, tx, user.Username), ct);
            await SignInAsync(http, user, stamp);
            await db.WriteAsync(async (c, tx) => { await AuditLog.WriteAsync(c, tx, db.Dialect, new Actor(user.Username, user.Role, user.Department), "login", "user", user.Username, null, null); return 0; }, ct);
            return Results.Json(new LoginAnswer(user.Username, user.DisplayName, user.Role, user.Department), Json.Options);
        }).AllowAnonymous()
          .WithSummary("登录 / staff login: sets the session cookie doudi.auth").JsonBody<LoginRequest>().Produces<LoginAnswer>().Problems(401, 429);

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
        }).WithSummary("退出 / log out: ends every session of the user").Produces(StatusCodes.Status204NoContent);

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
                await Users.SetPasswordAsync(c, tx, actor.Name, next!);
                var s = await Users.RotateStampAsync(c, tx, actor.Name);
                await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "change_password", "user", actor.Name, null, null);
                return s;
            }, ct);
            if (await users.FindAsync(actor.Name) is { } user) await SignInAsync(http, user, stamp);
            return Results.NoContent();
        }).RequireAuthorization(p => p.RequireRole(Roles.Staff))
          .WithSummary("修改密码 / change one's password: ends every other session").JsonBody<PasswordChangeRequest>()
          .Produces(StatusCodes.Status204NoContent).Problems(429);

        g.MapGet("/me", (HttpContext http) =>
        {
            var a = http.Actor();
            return Results.Json(new MeAnswer(a.Name, a.Role, a.Department, Roles.Names.GetValueOrDefault(a.Role).Zh, a.SeesIdNumbers), Json.Options);
        }).RequireAuthorization().WithSummary("当前用户 / who is logged in").Produces<MeAnswer>();

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

        users.MapGet("/", async (Database db, CancellationToken ct) => Results.Json(await db.ReadAsync(Users.ListAsync, ct), Json.Options))
            .WithSummary("工作人员账号 / staff accounts").Produces<List<UserView>>();

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
            http.Response.Headers.Location = $"/api/users/{username}";
            return Results.Json(new UserView(username!, displayName ?? username!, role!, department, true), Json.Options, statusCode: StatusCodes.Status201Created);
        }).WithSummary("新建账号 / create a staff account").JsonBody<UserRequest>().Produces<UserView>(StatusCodes.Status201Created).Problems(409);

        users.MapPost("/{username}/deactivation", async (string username, HttpContext http, Database db, CancellationToken ct) =>
        {
            var actor = http.Actor();
            await db.WriteAsync(async (c, tx) =>
            {
                if (!await Users.DeactivateAsync(c, tx, username)) throw ApiProblemException.NotFound(new($"没有在用的用户 {username}", $"no active user {username}"));
                await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "deactivate", "user", username, new { active = true }, new { active = false });
                return 0;
            }, ct);
            return Results.NoContent();
        }).WithSummary("停用账号 / deactivate a staff account (never deleted)").Produces(StatusCodes.Status204NoContent).Problems(404);

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
                await ApiTokens.InsertAsync(c, tx, id, name!, token, Roles.Hospital, actor.Name);
                await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "issue", "api_token", id, null, new { id, name, role = Roles.Hospital });
                return 0;
            }, ct);
            // The token is shown once; only its hash is kept.
            http.Response.Headers.Location = $"/api/tokens/{id}";
            return Results.Json(new TokenIssued(id, name!, Roles.Hospital, token), Json.Options, statusCode: StatusCodes.Status201Created);
        }).WithSummary("签发医院 API 令牌 / issue a hospital API token (shown once)").JsonBody<TokenRequest>().Produces<TokenIssued>(StatusCodes.Status201Created);

        tokens.MapPost("/{id}/revocation", async (string id, HttpContext http, Database db, CancellationToken ct) =>
        {
            var actor = http.Actor();
            await db.WriteAsync(async (c, tx) =>
            {
                if (!await ApiTokens.RevokeAsync(c, tx, id)) throw ApiProblemException.NotFound(new($"没有有效令牌 {id}", $"no active token {id}"));
                await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "revoke", "api_token", id, new { active = true }, new { active = false });
                return 0;
            }, ct);
            ApiTokenHandler.Forget();
            return Results.NoContent();
        }).WithSummary("吊销令牌 / revoke an API token").Produces(StatusCodes.Status204NoContent).Problems(404);
    }
}
