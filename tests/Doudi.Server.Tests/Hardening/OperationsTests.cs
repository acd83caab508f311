using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Doudi.Server.Storage;
using Doudi.Server.Tests.Infrastructure;
using Npgsql;

namespace Doudi.Server.Tests.Hardening;

/// <summary>
/// Issue 8, operations: the real server process started from an unrelated folder — its own settings and policies
/// found, the port an option, the data directory separate, the demo's printed example usable (and a fresh token at
/// every start), no ID number in anything it prints; timestamps in one format.
/// </summary>
public abstract partial class OperationsTests(ServerFixture fx)
{
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$")]
    private static partial Regex China();

    [DbFact]
    public async Task Timestamps_are_iso_8601_in_china_standard_time()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var op = await fx.As("operator");
        var id = "ts-" + Guid.NewGuid().ToString("N")[..8];
        var (_, settled, text) = await op.PostJson("/api/settlements", new { id, person, date = "2023-04-01", kind = "inpatient", total = 1000, inPolicy = 1000, basicPaid = 500, criticalPaid = 0 });
        Assert.Matches(China(), settled.Str("settledAt"));
        var (_, reversed, _) = await op.PostJson($"/api/settlements/{id}/reversal", new { reason = "录入错误" });
        Assert.Matches(China(), reversed.GetProperty("reversal").Str("at"));
        var (_, audit, _) = await (await fx.As("admin")).GetJson($"/api/audit?entity=settlement&entityId={id}");
        foreach (var entry in audit.GetProperty("items").EnumerateArray()) Assert.Matches(China(), entry.Str("at"));
        var (_, run, _) = await op.PostJson("/api/year-end-runs", new { region = "fuyang", year = 2023 });
        Assert.Matches(China(), run.Str("createdAt"));
    }

    /// <summary>The settings a started server needs beyond its command line: its database (PostgreSQL) and first password.</summary>
    protected abstract Task<Dictionary<string, string>> DatabaseEnvironmentAsync();
    protected virtual Task DropAsync() => Task.CompletedTask;

    [GeneratedRegex(@"hospital token (ddt_[0-9a-f]+)")]
    private static partial Regex Token();

    [GeneratedRegex(@"试一试 / try: curl .* (http://\S+)/api/settlements -d '(.*)'$")]
    private static partial Regex Example();

    [DbFact]
    public async Task The_server_started_from_elsewhere_uses_its_settings_port_and_data_directory_and_logs_no_id_numbers()
    {
        var root = Path.Combine(Path.GetTempPath(), "doudi-tests", "proc-" + Guid.NewGuid().ToString("N")[..8]);
        var cwd = Path.Combine(root, "elsewhere");
        var data = Path.Combine(root, "my-data");
        Directory.CreateDirectory(cwd);
        var env = await DatabaseEnvironmentAsync();
        env["Doudi__AdminPassword"] = ServerFixture.AdminPassword;
        try
        {
            var port = FreePort();
            string token1, idNumber = People.UniqueIdNumber();
            await using (var server = await ServerProcess.StartAsync(cwd, ["--demo", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data-dir", data], env))
            {
                var example = Example().Match(server.Lines.First(l => l.Contains("试一试", StringComparison.Ordinal)));
                Assert.True(example.Success, string.Join('\n', server.Lines));
                Assert.Equal($"http://127.0.0.1:{port}", example.Groups[1].Value);
                token1 = Token().Match(server.Output).Groups[1].Value;
                using var hospital = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
                hospital.DefaultRequestHeaders.Authorization = new("Bearer", token1);
                // the printed example, pasted as it is, settles
                var pasted = await hospital.PostAsync("/api/settlements", new StringContent(example.Groups[2].Value, System.Text.Encoding.UTF8, "application/json"));
                Assert.True(pasted.StatusCode == HttpStatusCode.Created, await pasted.Content.ReadAsStringAsync());

                using var admin = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
                (await admin.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = ServerFixture.AdminPassword })).EnsureSuccessStatusCode();
                Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/persons", new { idNumber, name = "郑九", region = "fuyang" })).StatusCode);
                Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/persons?q={idNumber}")).StatusCode);
                Assert.Equal(HttpStatusCode.OK, (await hospital.GetAsync($"/api/eligibility?person={idNumber}&date=2023-01-01")).StatusCode);
                var ready = await (await hospital.GetAsync("/ready")).Content.ReadAsStringAsync();
                Assert.Contains("\"ready\"", ready);
                await server.StopAsync();
                Assert.Contains(server.Lines, l => l.Contains(idNumber[..4] + "**********" + idNumber[14..], StringComparison.Ordinal));
                Assert.DoesNotContain(server.Lines, l => l.Contains(idNumber, StringComparison.Ordinal));
                Assert.DoesNotContain(server.Lines, l => l.Contains("Request starting", StringComparison.Ordinal)); // the framework's request log is off
            }
            Assert.False(Directory.Exists(Path.Combine(cwd, "data")), "nothing is written into the folder the server was started from");
            if (!env.ContainsKey("DOUDI_DB")) Assert.True(File.Exists(Path.Combine(data, "doudi.db")));
            Assert.True(Directory.Exists(Path.Combine(data, "keys")));

            // a restarted demo issues a fresh hospital token that works
            var port2 = FreePort();
            await using (var again = await ServerProcess.StartAsync(cwd, ["--demo", "--port", port2.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data-dir", data], env))
            {
                var token2 = Token().Match(again.Output).Groups[1].Value;
                Assert.StartsWith("ddt_", token2);
                Assert.NotEqual(token1, token2);
                using var hospital = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port2}") };
                hospital.DefaultRequestHeaders.Authorization = new("Bearer", token2);
                Assert.Equal(HttpStatusCode.OK, (await hospital.GetAsync("/api/settlements")).StatusCode);
                var example = Example().Match(again.Lines.First(l => l.Contains("试一试", StringComparison.Ordinal)));
                var pasted = await hospital.PostAsync("/api/settlements", new StringContent(example.Groups[2].Value, System.Text.Encoding.UTF8, "application/json"));
                Assert.True(pasted.StatusCode == HttpStatusCode.Created, await pasted.Content.ReadAsStringAsync());
            }
        }
        finally
        {
            await DropAsync();
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    /// <summary>The built server (Doudi.Server.dll beside the tests) run with <c>dotnet</c> from a given folder; ready when it prints its demo example.</summary>
    private sealed class ServerProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _lines = new();
        public IReadOnlyList<string> Lines => _lines.ToList();
        public string Output => string.Join('\n', _lines);

        private ServerProcess(Process process) => _process = process;

        public static async Task<ServerProcess> StartAsync(string cwd, string[] args, Dictionary<string, string> env)
        {
            var info = new ProcessStartInfo("dotnet") { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Doudi.Server.dll"));
            foreach (var a in args) info.ArgumentList.Add(a);
            foreach (var (k, v) in env) info.Environment[k] = v;
            info.Environment.Remove("ASPNETCORE_ENVIRONMENT");
            info.Environment.Remove("DOTNET_ENVIRONMENT");
            var server = new ServerProcess(Process.Start(info)!);
            server._process.OutputDataReceived += (_, e) => { if (e.Data is not null) server._lines.Enqueue(e.Data); };
            server._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) server._lines.Enqueue(e.Data); };
            server._process.BeginOutputReadLine();
            server._process.BeginErrorReadLine();
            var until = DateTime.UtcNow.AddMinutes(3);
            var port = args[Array.IndexOf(args, "--port") + 1];
            using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            while (true)
            {
                if (server._process.HasExited || DateTime.UtcNow > until)
                    throw new InvalidOperationException("the server did not start:\n" + server.Output);
                // the demo is printed before the server listens: wait for both
                if (server._lines.Any(l => l.Contains("试一试", StringComparison.Ordinal)))
                {
                    try { if ((await probe.GetAsync($"http://127.0.0.1:{port}/health")).IsSuccessStatusCode) return server; }
                    catch (HttpRequestException) { }
                    catch (TaskCanceledException) { } // one probe timed out on a busy machine: try again until the deadline
                }
                await Task.Delay(200);
            }
        }

        public async Task StopAsync()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.WaitForExit(); // flushes the redirected output
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            _process.Dispose();
        }
    }
}

public sealed class OperationsTestsSqlite(SqliteFixture fx) : OperationsTests(fx), IClassFixture<SqliteFixture>
{
    protected override Task<Dictionary<string, string>> DatabaseEnvironmentAsync() => Task.FromResult(new Dictionary<string, string>());
}

public sealed class OperationsTestsPostgres(PostgresFixture fx) : OperationsTests(fx), IClassFixture<PostgresFixture>, IPostgresTests
{
    private readonly string _name = "doudi_t_proc_" + Guid.NewGuid().ToString("N")[..8];

    protected override async Task<Dictionary<string, string>> DatabaseEnvironmentAsync()
    {
        await using var c = new NpgsqlConnection(PgEnvironment.ConnectionString);
        await c.OpenAsync();
        await using (var cmd = new NpgsqlCommand($"CREATE DATABASE {_name}", c)) await cmd.ExecuteNonQueryAsync();
        return new Dictionary<string, string>
        {
            ["DOUDI_DB"] = PgEnvironment.AppConnection(_name),
            ["DOUDI_DB_OWNER"] = new NpgsqlConnectionStringBuilder(PgEnvironment.ConnectionString) { Database = _name }.ConnectionString,
        };
    }

    protected override async Task DropAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var c = new NpgsqlConnection(PgEnvironment.ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", c);
        await cmd.ExecuteNonQueryAsync();
    }
}
