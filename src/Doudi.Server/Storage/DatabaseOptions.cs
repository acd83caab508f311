namespace Doudi.Server.Storage;

/// <summary>
/// Which database to use. PostgreSQL when a connection string is given in configuration
/// (<c>ConnectionStrings:Doudi</c>) or in the environment (<c>DOUDI_DB</c>, either <c>postgres://user:pw@host:port/db</c>
/// or <c>Host=…;Database=…</c>); otherwise SQLite <c>doudi.db</c> in the data directory (<see cref="Hosting.ServerOptions.DataDirectoryFrom"/>).
/// On PostgreSQL, <c>DOUDI_DB_OWNER</c> (or <c>ConnectionStrings:DoudiOwner</c>) names the role that owns the tables:
/// migrations run as it and grant the application role (<c>DOUDI_DB</c>) only what it needs, so the server itself can
/// never truncate, alter, or switch off the triggers of its tables.
/// </summary>
public sealed record DatabaseOptions(Dialect Dialect, string ConnectionString, string? OwnerConnectionString = null)
{
    public static DatabaseOptions From(IConfiguration config)
    {
        var raw = config["DOUDI_DB"] ?? config.GetConnectionString("Doudi");
        if (string.IsNullOrWhiteSpace(raw))
        {
            var dir = Hosting.ServerOptions.DataDirectoryFrom(config);
            Directory.CreateDirectory(dir);
            return new DatabaseOptions(Dialect.Sqlite, $"Data Source={Path.Combine(dir, "doudi.db")}");
        }
        var (dialect, connection) = Parse(raw);
        var owner = config["DOUDI_DB_OWNER"] ?? config.GetConnectionString("DoudiOwner");
        if (dialect != Dialect.Postgres || string.IsNullOrWhiteSpace(owner)) return new DatabaseOptions(dialect, connection);
        var (ownerDialect, ownerConnection) = Parse(owner);
        if (ownerDialect != Dialect.Postgres) throw new InvalidOperationException("DOUDI_DB_OWNER must name a PostgreSQL connection / DOUDI_DB_OWNER 应为 PostgreSQL 连接");
        return new DatabaseOptions(dialect, connection, ownerConnection);
    }

    private static (Dialect, string) Parse(string raw)
    {
        raw = raw.Trim();
        if (raw.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || raw.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return (Dialect.Postgres, FromUrl(raw));
        if (raw.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
            return (Dialect.Sqlite, $"Data Source={raw[7..]}");
        if (raw.StartsWith("Data Source=", StringComparison.OrdinalIgnoreCase))
            return (Dialect.Sqlite, raw);
        return (Dialect.Postgres, raw);
    }

    /// <summary>The options to migrate with: the owner's connection when one is configured, else this one.</summary>
    public DatabaseOptions ForMigrations() => OwnerConnectionString is null ? this : new DatabaseOptions(Dialect, OwnerConnectionString);

    /// <summary>The application role's name (PostgreSQL), to grant it what it needs.</summary>
    public string? ApplicationRole => Dialect == Dialect.Postgres ? new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString).Username : null;

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
          + (OwnerConnectionString is null ? " (no separate owner role: DOUDI_DB_OWNER is not set)"
              : $" (migrations as {new Npgsql.NpgsqlConnectionStringBuilder(OwnerConnectionString).Username})")
        : "SQLite " + ConnectionString;
}
