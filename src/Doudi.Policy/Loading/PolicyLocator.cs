namespace Doudi.Policy.Loading;

/// <summary>Finds the policies/ folder: DOUDI_POLICIES, else the nearest policies/ above the working directory or the program.</summary>
public static class PolicyLocator
{
    public static string? FindDefault()
    {
        var env = Environment.GetEnvironmentVariable("DOUDI_POLICIES");
        if (!string.IsNullOrWhiteSpace(env)) return env;
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "policies");
                if (Directory.Exists(candidate) && Directory.EnumerateFiles(candidate, "*.yaml").Any()) return candidate;
            }
        }
        return null;
    }
}
