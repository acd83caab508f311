using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Doudi.Server.Storage;
using Doudi.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Doudi.Server.Tests;

/// <summary>
/// Issue 11, more than one server: two more server processes (real ones, started from the built Doudi.Server.dll) on the
/// fixture's PostgreSQL database, settling the same person's bills at the same moment. The annual limit holds across
/// nodes (the person's row is locked for each settlement) and a bill sent to both nodes at once is stored and paid once.
/// </summary>
public sealed class MultiNodeTests(PostgresFixture fx) : IClassFixture<PostgresFixture>, IPostgresTests
{
    private sealed class Node : IAsyncDisposable
    {
        private readonly Process _process;
        public HttpClient Client { get; }
        public string Url { get; }

        private Node(Process process, string url)
        {
            _process = process;
            Url = url;
            Client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true }) { BaseAddress = new Uri(url) };
        }

        public static async Task<Node> StartAsync(string connectionString, string? owner, string keys)
        {
            int port = FreePort();
            var info = new ProcessStartInfo("dotnet", Path.Combine(AppContext.BaseDirectory, "Doudi.Server.dll"))
            {
                WorkingDirectory = RepoRoot(), RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            info.Environment["DOUDI_DB"] = connectionString;
            if (owner is not null) info.Environment["DOUDI_DB_OWNER"] = owner; // as the fixture's node: migrations as the owner role
            info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
            info.Environment["Doudi__AdminPassword"] = ServerFixture.AdminPassword;
            info.Environment["Doudi__KeysDirectory"] = keys;
            // Forty bills of one person queue on its row: on a loaded 2-core machine the queue outlasts the counter's short
            // lock wait (503 + Retry-After by design); this test is about the limit across nodes, so the nodes wait on.
            info.Environment["Doudi__Database__SettlementLockTimeoutMs"] = "60000";
            var process = Process.Start(info)!;
            var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var node = new Node(process, $"http://127.0.0.1:{port}");
            for (int i = 0; i < 240; i++)
            {
                try
                {
                    if ((await node.Client.GetAsync("/ready")).StatusCode == HttpStatusCode.OK) break;
                }
                catch (HttpRequestException) { }
                if (process.HasExited) throw new InvalidOperationException($"node on port {port} exited with {process.ExitCode}:\n{string.Join("\n", output.TakeLast(30))}");
                await Task.Delay(250);
            }
            var login = await node.Client.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = ServerFixture.AdminPassword });
            login.EnsureSuccessStatusCode();
            return node;
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
        }
    }

    /// <summary>A server process on the fixture's database (the fixture's own node has migrated it); keys shared, as behind nginx.</summary>
    private Task<Node> StartNodeAsync() => Node.StartAsync(Connection, fx.OwnerConnection, _keys);

    private string Connection => fx.Factory.Services.GetRequiredService<DatabaseOptions>().ConnectionString;
    private readonly string _keys = Directory.CreateTempSubdirectory("doudi-nodes-keys-").FullName;

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Doudi.slnx"))) return dir.FullName;
        throw new InvalidOperationException("repository root not found");
    }

    [DbFact]
    public async Task Two_nodes_settling_one_person_at_once_keep_the_limit_and_pay_each_bill_once()
    {
        await using var b = await StartNodeAsync();
        await using var c = await StartNodeAsync();

        // fuyang-2023 二.3: subsistence, general outpatient at 80% with a 20,000 sub-limit. Each bill: base 2,500 − 0 − 0 →
        // 2,000 due; 20 bills ask 40,000, so whatever the order the person gets exactly 20,000: ten bills paid in full.
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var bills = Enumerable.Range(1, 20).Select(i => new
        {
            id = $"MN{Guid.NewGuid():N}"[..20], person, date = new DateOnly(2023, 3, 1).AddDays(i).ToString("yyyy-MM-dd"), kind = "outpatient",
            total = 3000, inPolicy = 2500, basicPaid = 0, criticalPaid = 0,
        }).ToList();
        // Every bill sent to both nodes at the same moment.
        var posts = bills.SelectMany(bill => new[] { b, c }.Select(node => node.Client.PostAsJsonAsync("/api/settlements", bill))).ToList();
        var responses = await Task.WhenAll(posts);
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
        for (int i = 0; i < responses.Length; i++)
            Assert.True(responses[i].StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, bodies[i]);
        // The pair of answers for one bill: one created it (201), the other got the stored one (200), the same body.
        for (int i = 0; i < bills.Count; i++)
        {
            Assert.Equal(bodies[2 * i], bodies[2 * i + 1]);
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Created], new[] { responses[2 * i].StatusCode, responses[2 * i + 1].StatusCode }.Order());
        }

        var op = await fx.As("operator");
        var (_, list, text) = await op.GetJson($"/api/settlements?person={person}&year=2023&pageSize=100");
        var items = list.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(20, items.Count);
        Assert.Equal(20000m, items.Sum(x => x.Dec("assistance")));
        Assert.Equal(10, items.Count(x => x.Dec("assistance") == 2000m));
    }

    [DbFact]
    public async Task A_year_end_run_in_progress_on_one_node_makes_the_other_say_so_and_one_export_reconciled_on_two_nodes_is_one_run()
    {
        await using var b = await StartNodeAsync();
        await using var c = await StartNodeAsync();
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var connection = Connection;
        var (settled, _, settledText) = await (await fx.As("operator")).PostJson("/api/settlements", new
            { id = $"YE{Guid.NewGuid():N}"[..20], person, date = "2023-05-01", kind = "inpatient", total = 12000, inPolicy = 10000, basicPaid = 6000, criticalPaid = 0 });
        Assert.True(settled == HttpStatusCode.Created, settledText);

        // Another node's run holds the region-year: this node is told at once (409), and runs once it is free.
        await using (var other = new Npgsql.NpgsqlConnection(connection))
        {
            await other.OpenAsync();
            await using var tx = await other.BeginTransactionAsync();
            await using (var cmd = new Npgsql.NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('year-end:fuyang:2023'))", other, tx)) await cmd.ExecuteScalarAsync();
            var busy = await b.Client.PostAsJsonAsync("/api/year-end-runs", new { region = "fuyang", year = 2023 });
            Assert.Equal(HttpStatusCode.Conflict, busy.StatusCode);
            Assert.Contains("另一节点", await busy.Content.ReadAsStringAsync());
            Assert.Equal(TimeSpan.FromSeconds(30), busy.Headers.RetryAfter?.Delta); // told when to look again
        }
        var free = await b.Client.PostAsJsonAsync("/api/year-end-runs", new { region = "fuyang", year = 2023 });
        Assert.True(free.IsSuccessStatusCode, await free.Content.ReadAsStringAsync());

        // Both nodes at once: each either runs or is told; nothing fails.
        var both = await Task.WhenAll(new[] { b, c }.Select(n => n.Client.PostAsJsonAsync("/api/year-end-runs", new { region = "fuyang", year = 2023 })));
        Assert.All(both, r => Assert.True(r.IsSuccessStatusCode || r.StatusCode == HttpStatusCode.Conflict, r.StatusCode.ToString()));
        Assert.Contains(both, r => r.IsSuccessStatusCode);

        // One export sent to both nodes at once is reconciled once: one 201, one 200 with the same run.
        var export = "setl_id,psn_no,setl_time,med_type,insutype,medfee_sumamt,inscp_scp_amt,hifp_pay,hifmi_pay,maf_pay\n" +
                     $"R{Guid.NewGuid():N}"[..20] + ",P9999999999,2023-06-01 09:00:00,21,390,12000,10000,6000,0,100\n";
        var runs = await Task.WhenAll(new[] { b, c }.Select(n => n.Client.PostAsync("/api/reconciliations?region=fuyang", new StringContent(export, System.Text.Encoding.UTF8, "text/csv"))));
        var texts = await Task.WhenAll(runs.Select(r => r.Content.ReadAsStringAsync()));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Created], runs.Select(r => r.StatusCode).Order());
        using var d0 = System.Text.Json.JsonDocument.Parse(texts[0]);
        using var d1 = System.Text.Json.JsonDocument.Parse(texts[1]);
        Assert.Equal(d0.RootElement.Str("id"), d1.RootElement.Str("id"));
    }
}
