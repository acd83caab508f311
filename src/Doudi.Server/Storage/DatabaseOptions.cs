namespace Doudi.Server.Storage;

/// <summary>
/// Which database to use. PostgreSQL when a connection string is given in configuration
/// (<c>ConnectionStrings:Doudi</c>) or in the environment (<c>DOUDI_DB</c>, either <c>postgres://user:pw@host:port/db</c>
/// or <c>Host=…;Database=…</c>); otherwise SQLite under <c>./data/doudi.db</c>.
/// </summary>
public sealed record DatabaseOptions(Dialect Dialect, string ConnectionString)
{
    public static DatabaseOptions From(IConfiguration config)
    {
        var raw = config["DOUDI_DB"] ?? config.GetConnectionString("Doudi");
        if (string.IsNullOrWhiteSpace(raw))
        {
            var dir = config["Doudi:DataDirectory"] ?? Path.Combine(Directory.GetCurrentDirectory(), "data");
            Directory.CreateDirectory(dir);
            return new DatabaseOptions(Dialect.Sqlite, $"Data Source={Path.Combine(dir, "doudi.db")}");
        }
        raw = raw.Trim();
        if (raw.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || raw.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return new DatabaseOptions(Dialect.Postgres, FromUrl(raw));
        if (raw.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
            return new DatabaseOptions(Dialect.Sqlite, $"Data Source={raw[7..]}");
        if (raw.StartsWith("Data Source=", StringComparison.OrdinalIgnoreCase))
            return new DatabaseOptions(Dialect.Sqlite, raw);
        return new DatabaseOptions(Dialect.Postgres, raw);
    }

    private static string FromUrl(string url)
    {
        var uri = new Uri(url);
        var b = new Npgsql.NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.Port > 0 ? uri.Port : 5432,
            Database = uri.AbsolutePath.Trim('/') is { Length: > 0 } db ? Uri.UnescapeDataString(db) : "doudi",
        };
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var parts = uri.UserInfo.Split(':', 2);
            b.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length > 1) b.Password = Uri.UnescapeDataString(parts[1]);
        }
        return b.ConnectionString;
    }

    /// <summary>The connection string without its password, for logs.</summary>
    public string Describe() => Dialect == Dialect.Postgres
        ? "PostgreSQL " + new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString) { Password = null }.ConnectionString
        : "SQLite " + ConnectionString;
}
