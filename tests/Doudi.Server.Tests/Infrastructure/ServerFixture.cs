using System.Net.Http.Json;
using Doudi.Server.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Microsoft.Extensions.Logging;

namespace Doudi.Server.Tests.Infrastructure;

/// <summary>
/// One server over the real HTTP pipeline with its own fresh database, shared by the tests of one class.
/// Derived fixtures choose SQLite (a temporary file) or PostgreSQL (a new database on DOUDI_TEST_PG's server).
/// </summary>
public abstract class ServerFixture : IAsyncLifetime
{
    public const string AdminPassword = "admin-test-password";
    public const string StaffPassword = "staff-test-password";

    private WebApplicationFactory<Program>? _factory;
    public WebApplicationFactory<Program> Factory => _factory ?? throw new InvalidOperationException("not started");
    public Database Db => Factory.Services.GetRequiredService<Database>();
    public abstract Dialect Dialect { get; }
    protected abstract Task<string> CreateDatabaseAsync();
    /// <summary>PostgreSQL: the owner role's connection (migrations); the server itself connects as the application role.</summary>
    public string? OwnerConnection { get; protected set; }
    protected virtual Task DropDatabaseAsync() => Task.CompletedTask;
    /// <summary>More settings for a derived fixture (e.g. another policies folder).</summary>
    protected virtual void Configure(IWebHostBuilder builder) { }

    private readonly Dictionary<string, HttpClient> _clients = new();
    public LogCapture Logs { get; } = new();

    public async Task InitializeAsync()
    {
        var db = await CreateDatabaseAsync();
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("DOUDI_DB", db);
            if (OwnerConnection is not null) b.UseSetting("DOUDI_DB_OWNER", OwnerConnection);
            b.UseSetting("Doudi:AdminPassword", AdminPassword);
            b.UseSetting("Doudi:KeysDirectory", Path.Combine(Path.GetTempPath(), "doudi-tests-keys"));
            b.UseEnvironment("Testing");
            b.ConfigureLogging(l => l.AddProvider(Logs));
            Configure(b);
        });
        var admin = await LoginAsync("admin", AdminPassword);
        _clients["admin"] = admin;
        foreach (var (user, role, dept) in new (string, string, string?)[]
                 {
                     ("operator", "bureau_operator", null), ("civil", "civil_affairs", null), ("veterans", "department", "veterans_affairs"),
                     ("charity", "charity", null), ("auditor", "auditor", null),
                 })
        {
            var r = await admin.PostAsJsonAsync("/api/users", new { username = user, displayName = user, role, department = dept, password = StaffPassword });
            r.EnsureSuccessStatusCode();
        }
    }

    public async Task<HttpClient> LoginAsync(string user, string password)
    {
        var client = Factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var r = await client.PostAsJsonAsync("/api/auth/login", new { username = user, password });
        r.EnsureSuccessStatusCode();
        return client;
    }

    /// <summary>A logged-in client for a staff user: admin, operator, civil, veterans (department), charity, auditor.</summary>
    public async Task<HttpClient> As(string user)
    {
        if (_clients.TryGetValue(user, out var c)) return c;
        return _clients[user] = await LoginAsync(user, StaffPassword);
    }

    public HttpClient Anonymous() => Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>Issues a hospital API token and returns a client that sends it.</summary>
    public async Task<(HttpClient Client, string TokenId)> HospitalAsync(string name)
    {
        var admin = await As("admin");
        var r = await admin.PostAsJsonAsync("/api/tokens", new { name });
        r.EnsureSuccessStatusCode();
        var body = await r.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var client = Factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = new("Bearer", body.GetProperty("token").GetString());
        return (client, body.GetProperty("id").GetString()!);
    }

    public async Task DisposeAsync()
    {
        foreach (var c in _clients.Values) c.Dispose();
        if (_factory is not null) await _factory.DisposeAsync();
        await DropDatabaseAsync();
    }
}

public class SqliteFixture : ServerFixture
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "doudi-tests", Guid.NewGuid().ToString("N"));
    public override Dialect Dialect => Dialect.Sqlite;

    protected override Task<string> CreateDatabaseAsync()
    {
        Directory.CreateDirectory(_dir);
        return Task.FromResult($"Data Source={Path.Combine(_dir, "doudi.db")}");
    }

    protected override Task DropDatabaseAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }
}

/// <summary>PostgreSQL: a new database per test class on the server named by DOUDI_TEST_PG (see scripts/ci-postgres.sh).</summary>
public class PostgresFixture : ServerFixture
{
    private string? _admin;
    private readonly string _name = "doudi_t_" + Guid.NewGuid().ToString("N")[..12];
    public override Dialect Dialect => Dialect.Postgres;

    protected override async Task<string> CreateDatabaseAsync()
    {
        _admin = PgEnvironment.ConnectionString
                 ?? throw new InvalidOperationException("DOUDI_TEST_PG is not set: PostgreSQL tests cannot run (CI=true). Run scripts/ci-postgres.sh and export its output as DOUDI_TEST_PG.");
        await using (var c = new NpgsqlConnection(_admin))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {_name}", c);
            await cmd.ExecuteNonQueryAsync();
        }
        // Migrations run as the owner (DOUDI_TEST_PG's role); the server connects as the application role, which owns nothing.
        OwnerConnection = new NpgsqlConnectionStringBuilder(_admin) { Database = _name }.ConnectionString;
        return PgEnvironment.AppConnection(_name);
    }

    protected override async Task DropDatabaseAsync()
    {
        if (_admin is null) return;
        NpgsqlConnection.ClearAllPools();
        await using var c = new NpgsqlConnection(_admin);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", c);
        await cmd.ExecuteNonQueryAsync();
    }
}

public static class PgEnvironment
{
    public static string? ConnectionString => Environment.GetEnvironmentVariable("DOUDI_TEST_PG") is { Length: > 0 } s ? s : null;
    /// <summary>
    /// The application role's connection to <paramref name="database"/>: DOUDI_TEST_PG_APP (<c>Username=…;Password=…</c>)
    /// over DOUDI_TEST_PG's host, by default the role doudi_app that scripts/ci-postgres.sh creates.
    /// </summary>
    public static string AppConnection(string database)
    {
        var b = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = database, Username = "doudi_app", Password = "doudi_app" };
        if (Environment.GetEnvironmentVariable("DOUDI_TEST_PG_APP") is { Length: > 0 } app)
        {
            var given = new NpgsqlConnectionStringBuilder(app);
            b.Username = given.Username;
            b.Password = given.Password;
        }
        return b.ConnectionString;
    }

    public static bool IsCI => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}
