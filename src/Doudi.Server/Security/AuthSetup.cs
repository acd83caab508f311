using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Doudi.Server.Security;

/// <summary>Cookie login for staff, bearer API tokens for hospital systems; one policy scheme picks by the request.</summary>
public static class AuthSetup
{
    public const string Smart = "Doudi";

    public static void AddDoudiAuth(this IServiceCollection services)
    {
        services.AddAuthentication(Smart)
            .AddPolicyScheme(Smart, Smart, o => o.ForwardDefaultSelector = ctx =>
                ctx.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? ApiTokens.Scheme : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, o =>
            {
                o.Cookie.Name = "doudi.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                // An API: answer 401/403, never redirect to a login page.
                o.Events.OnRedirectToLogin = ctx => { ctx.Response.StatusCode = 401; return Task.CompletedTask; };
                o.Events.OnRedirectToAccessDenied = ctx => { ctx.Response.StatusCode = 403; return Task.CompletedTask; };
                // A deactivated account, one whose role changed, or one that logged out or changed its password since this
                // cookie was issued (a new security stamp) loses its session at once.
                o.Events.OnValidatePrincipal = async ctx =>
                {
                    var name = ctx.Principal?.Identity?.Name;
                    var role = ctx.Principal?.FindFirst(System.Security.Claims.ClaimTypes.Role)?.Value;
                    var stamp = ctx.Principal?.FindFirst(Users.StampClaim)?.Value;
                    var user = name is null ? null : await ctx.HttpContext.RequestServices.GetRequiredService<Users>().FindAsync(name);
                    if (user is null || !user.Active || user.Role != role || string.IsNullOrEmpty(stamp) || user.SecurityStamp != stamp)
                    {
                        ctx.RejectPrincipal();
                        await ctx.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                    }
                };
            })
            .AddScheme<AuthenticationSchemeOptions, ApiTokenHandler>(ApiTokens.Scheme, null);
        Policies.Add(services.AddAuthorizationBuilder());
    }
}
