namespace Doudi.Server.Security;

// Issue 9: the security API's request and response records.

public sealed record LoginRequest(string Username, string Password);

/// <summary>Who logged in (the session cookie doudi.auth is set).</summary>
public sealed record LoginAnswer(string Username, string DisplayName, string Role, string? Department);

public sealed record PasswordChangeRequest(string CurrentPassword, string NewPassword);

/// <summary>The current user or hospital system.</summary>
public sealed record MeAnswer(string Username, string Role, string? Department, string? RoleName, bool SeesIdNumbers);

/// <summary>A staff account (accounts are deactivated, never deleted).</summary>
public sealed record UserView(string Username, string DisplayName, string Role, string? Department, bool Active);

public sealed record UserRequest(string Username, string Role, string Password, string? DisplayName = null, string? Department = null);

public sealed record TokenRequest(string Name);

/// <summary>A hospital API token, shown once: only its hash is kept.</summary>
public sealed record TokenIssued(string Id, string Name, string Role, string Token);
