using System.Security.Claims;

namespace Doudi.Server.Security;

/// <summary>Who is acting: a staff user (cookie) or a hospital system (API token). Written to the audit log.</summary>
public sealed record Actor(string Name, string Role, string? Department)
{
    public const string DepartmentClaim = "doudi:department";
    public static readonly Actor System = new("system", "system", null);

    public bool SeesIdNumbers => Roles.SeeIdNumbers.Contains(Role);

    public static Actor From(ClaimsPrincipal user) => new(
        user.Identity?.Name ?? "anonymous",
        user.FindFirstValue(ClaimTypes.Role) ?? "none",
        user.FindFirstValue(DepartmentClaim));
}

public static class ActorExtensions
{
    public static Actor Actor(this HttpContext http) => Security.Actor.From(http.User);
}
