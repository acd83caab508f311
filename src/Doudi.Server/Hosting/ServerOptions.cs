namespace Doudi.Server.Hosting;

/// <summary>
/// The server's own command-line options, read before the host is built:
/// <c>--demo</c>, <c>--port N</c> (listen on http://127.0.0.1:N), <c>--data-dir PATH</c> (SQLite database and cookie keys).
/// Everything else (<c>--urls</c>, <c>--contentRoot</c>, <c>--Doudi:…</c>) goes to the host's configuration as usual.
/// </summary>
public sealed record ServerOptions(bool Demo, int? Port, string? DataDirectory, string[] HostArgs)
{
    public static ServerOptions Parse(string[] args)
    {
        bool demo = false;
        int? port = null;
        string? dataDir = null;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            string? Value(string name)
            {
                if (a.StartsWith(name + "=", StringComparison.Ordinal)) return a[(name.Length + 1)..];
                if (a == name && i + 1 < args.Length) return args[++i];
                if (a == name) throw new ArgumentException($"{name} needs a value / {name} 需要一个值");
                return null;
            }
            if (a == "--demo") { demo = true; continue; }
            if (a.StartsWith("--port", StringComparison.Ordinal) && Value("--port") is { } p)
            {
                if (!int.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n is < 1 or > 65535)
                    throw new ArgumentException($"--port: \"{p}\" is not a port (1–65535) / 不是有效端口");
                port = n;
                continue;
            }
            if (a.StartsWith("--data-dir", StringComparison.Ordinal) && Value("--data-dir") is { } d) { dataDir = d; continue; }
            rest.Add(a);
        }
        return new ServerOptions(demo, port, dataDir, rest.ToArray());
    }

    /// <summary>
    /// Where the server keeps its own files (the SQLite database, cookie keys): <c>--data-dir</c>, <c>Doudi:DataDirectory</c>
    /// or <c>DOUDI_DATA</c>; by default the user's application-data folder (~/.local/share/doudi), never the repository's
    /// reference <c>data/</c> folder, wherever the server is started from.
    /// </summary>
    public static string DataDirectoryFrom(IConfiguration config)
    {
        var configured = config["Doudi:DataDirectory"] ?? config["DOUDI_DATA"];
        if (!string.IsNullOrWhiteSpace(configured)) return Path.GetFullPath(configured);
        var appData = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create);
        return Path.Combine(string.IsNullOrEmpty(appData) ? Path.Combine(Path.GetTempPath(), "doudi-data") : appData, "doudi");
    }

    /// <summary>The first URL the server listens on, for the examples it prints.</summary>
    public static string PrimaryUrl(IConfiguration config)
    {
        var urls = config["urls"] ?? config["ASPNETCORE_URLS"];
        var first = urls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        if (string.IsNullOrEmpty(first)) return ServerApp.DefaultUrl;
        // A wildcard host is not something curl can connect to.
        return first.Replace("://*", "://127.0.0.1", StringComparison.Ordinal).Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
    }
}
