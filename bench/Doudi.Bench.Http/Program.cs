using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

// Starts the server (Release build) as its own process on loopback with a fresh database, registers persons with a
// name-list import, issues a hospital token, then posts one-stop settlements from C concurrent workers for a bounded
// number of requests and time. Prints settlements/s and latency percentiles.
//
//   dotnet run -c Release --project bench/Doudi.Bench.Http -- --db sqlite|postgres [--requests 20000] [--concurrency 16]
//          [--seconds 60] [--persons 20000] [--pg "Host=127.0.0.1;Username=doudi;Password=doudi;Database=doudi"]
//   … --namelist ROWS: name-list import rates instead (NameListBench.cs)
//   … --keep-db: leave the PostgreSQL database after the run (to inspect it)
//   … --server-env NAME=VALUE: an environment variable for the server process only (repeatable)
//   … --warmup N (3000, one at a time) --warmup-concurrent N (0): unmeasured settlements before the measured run
//   … --during-import N (0): a settlement import of N more bills runs while one-stop is measured, of persons of its own
//     (as many again) or, with --import-same-persons, of the persons settled at the counter

var opts = Args.Parse(args);
var port = 5090 + Random.Shared.Next(0, 100);
var url = $"http://127.0.0.1:{port}";
var serverDll = Path.Combine(AppContext.BaseDirectory, "Doudi.Server.dll");
if (!File.Exists(serverDll)) serverDll = FindServerDll();
var work = Directory.CreateTempSubdirectory("doudi-bench-");
string? pgDatabase = null;
string db;
if (opts.Db == "postgres")
{
    pgDatabase = "doudi_bench_" + Guid.NewGuid().ToString("N")[..8];
    await Psql(opts.Pg, $"CREATE DATABASE {pgDatabase}");
    db = string.Join(';', opts.Pg.Split(';', StringSplitOptions.RemoveEmptyEntries).Where(p => !p.StartsWith("Database=", StringComparison.OrdinalIgnoreCase))) + ";Database=" + pgDatabase;
}
else db = $"Data Source={Path.Combine(work.FullName, "bench.db")}";

var psi = new ProcessStartInfo("dotnet", [serverDll, "--urls", url])
{
    WorkingDirectory = work.FullName, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
};
psi.Environment["DOUDI_DB"] = db;
psi.Environment["DOUDI_ADMIN_PASSWORD"] = "bench-admin-password";
psi.Environment["Logging__LogLevel__Default"] = "Warning";
psi.Environment["DOUDI_POLICIES"] = FindPolicies();
// --server-env NAME=VALUE (repeatable): a setting for the server process only (runtime knobs compared in BENCHMARKS.server.md).
for (var i = Array.IndexOf(args, "--server-env"); i >= 0 && i + 1 < args.Length; i = Array.IndexOf(args, "--server-env", i + 2))
    psi.Environment[args[i + 1].Split('=', 2)[0]] = args[i + 1].Split('=', 2)[1];
using var server = Process.Start(psi)!;
server.OutputDataReceived += (_, _) => { };
server.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("server: " + e.Data); };
server.BeginOutputReadLine(); server.BeginErrorReadLine();
try
{
    using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = opts.Concurrency, UseCookies = true, CookieContainer = new CookieContainer() };
    using var http = new HttpClient(handler) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
    await WaitReady(http);
    (await http.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = "bench-admin-password" })).EnsureSuccessStatusCode();
    if (Array.IndexOf(args, "--namelist") is var nl and >= 0)
    {
        // Name-list import rates instead of the settlement load (see NameListBench).
        var nlTok = await (await http.PostAsJsonAsync("/api/tokens", new { name = "bench HIS" })).Content.ReadFromJsonAsync<JsonElement>();
        using var nlHospital = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
        nlHospital.DefaultRequestHeaders.Authorization = new("Bearer", nlTok.GetProperty("token").GetString());
        // PostgreSQL's CPU: its backends serving the bench database only (the PostgreSQL server may be shared).
        Func<double> pgCpu = () => pgDatabase is null ? 0 : Doudi.Bench.Http.Cpu.OfBackends(opts.Pg, pgDatabase);
        Environment.ExitCode = await Doudi.Bench.Http.NameListBench.RunAsync(http, server.Id, opts.Db, int.Parse(args[nl + 1]), nlHospital, pgCpu);
        return;
    }

    // Persons: one civil-affairs name list (subsistence, fuyang), recognised long before the bills.
    var csv = new StringBuilder("身份证号,姓名,人员类别,recognized\n");
    var idNumbers = new List<string>();
    // With --during-import (unless --import-same-persons), as many persons again for the import alone: a city's import of a
    // period's records seldom names the patients at the counter that minute.
    var sharedPersons = Array.IndexOf(args, "--import-same-persons") >= 0;
    var registered = opts.DuringImport > 0 && !sharedPersons ? 2 * opts.Persons : opts.Persons;
    for (var i = 0; i < registered; i++)
    {
        var id = Doudi.Bench.Http.Ids.Make("330183", new DateOnly(1940, 1, 1).AddDays(i % 25000), i / 25000 + i % 997);
        idNumbers.Add(id);
        csv.Append($"{id},测试{i},7019,2022-01-10\n");
    }
    var imp = await http.PostAsync("/api/name-lists?department=civil_affairs&month=2022-01&region=fuyang", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"));
    if (!imp.IsSuccessStatusCode) throw new Exception("name list import failed: " + await imp.Content.ReadAsStringAsync());
    var tok = await (await http.PostAsJsonAsync("/api/tokens", new { name = "bench HIS" })).Content.ReadFromJsonAsync<JsonElement>();
    var token = tok.GetProperty("token").GetString()!;

    using var hHandler = new SocketsHttpHandler { MaxConnectionsPerServer = opts.Concurrency, UseCookies = false };
    using var hospital = new HttpClient(hHandler) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
    hospital.DefaultRequestHeaders.Authorization = new("Bearer", token);

    byte[] Body(long n, int offset = 0)
    {
        var person = idNumbers[offset + (int)(n % opts.Persons)];
        var day = 1 + (int)(n % 28);
        return Encoding.UTF8.GetBytes($"{{\"setl_id\":\"B{n}\",\"psn_no\":\"{person}\",\"setl_time\":\"2023-06-{day:D2} 10:00:00\",\"med_type\":\"21\",\"insutype\":\"390\"," +
                                      $"\"medfee_sumamt\":12000,\"fulamt_ownpay_amt\":2000,\"inscp_scp_amt\":10000,\"hifp_pay\":6000,\"hifmi_pay\":0,\"oth_pay\":0}}");
    }

    // Warm-up (JIT, pools), not measured.
    for (var i = 0; i < opts.Warmup; i++) await Post(hospital, Body(1_000_000_000L + i));
    // --warmup-concurrent N: then N more at full concurrency, so tiered compilation (and its PGO re-JIT) of the concurrent
    // paths reaches the steady state a server running for days is in; the measured run then counts no JIT work.
    if (opts.WarmupConcurrent > 0)
    {
        long w = -1;
        await Task.WhenAll(Enumerable.Range(0, opts.Concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref w) is var i && i < opts.WarmupConcurrent) await Post(hospital, Body(2_000_000_000L + i));
        }));
    }
    // --during-import N: a settlement import of N more bills (JSON Lines, as a bureau's back office sends
    // a period's records) runs while one-stop settlement is measured, so the figures show the counter during an import.
    Task<string>? import = null;
    if (opts.DuringImport > 0)
    {
        var lines = new StringBuilder();
        for (var i = 0; i < opts.DuringImport; i++) lines.Append(Encoding.UTF8.GetString(Body(3_000_000_000L + i, sharedPersons ? 0 : opts.Persons))).Append('\n');
        var file = lines.ToString();
        var importer = new HttpClient(handler, disposeHandler: false) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromHours(1) };
        import = Task.Run(async () =>
        {
            var clock = Stopwatch.StartNew();
            using var r = await importer.PostAsync("/api/settlement-imports?format=jsonl", new StringContent(file, Encoding.UTF8, "application/x-ndjson"));
            var report = await r.Content.ReadFromJsonAsync<JsonElement>();
            var seconds = clock.Elapsed.TotalSeconds;
            return $"import during the run: HTTP {(int)r.StatusCode}, {opts.DuringImport} rows in {seconds:F1} s ({opts.DuringImport / seconds:F0} rows/s), " +
                   $"settled {report.GetProperty("settled").GetInt64()}, rejected {report.GetProperty("rejected").GetInt64()}";
        });
        await Task.Delay(500); // the import under way (its first chunks read and settling) before the measured run starts
    }
    // A profiler can start at this line (bench/Doudi.Bench.Http is also the harness for perf/dotnet-trace runs).
    Console.Error.WriteLine($"measuring: server pid {server.Id}");

    var cpuServer0 = Doudi.Bench.Http.Cpu.OfProcess(server.Id); var cpuPg0 = Doudi.Bench.Http.Cpu.OfUser("postgres"); var cpuSelf0 = Doudi.Bench.Http.Cpu.OfProcess(Environment.ProcessId);
    var switches0 = Doudi.Bench.Http.Cpu.SwitchesOf(server.Id);
    var loadAtStart = File.ReadAllText("/proc/loadavg").Split(' ')[0];
    // PostgreSQL's CPU counts every database on the server (other sessions' too on a shared machine); the backends of the
    // bench's own database are counted apart (their pids from pg_stat_activity, at the start and the end of the run).
    var backends0 = pgDatabase is null ? new Dictionary<int, double>() : (await BackendPids(opts.Pg, pgDatabase)).ToDictionary(p => p, Doudi.Bench.Http.Cpu.OfProcess);
    var latencies = new double[opts.Requests];
    long next = -1, done = 0, errors = 0;
    var deadline = Stopwatch.StartNew();
    var workers = Enumerable.Range(0, opts.Concurrency).Select(async _ =>
    {
        while (true)
        {
            var n = Interlocked.Increment(ref next);
            if (n >= opts.Requests || deadline.Elapsed.TotalSeconds > opts.Seconds) return;
            var body = Body(n);
            var t = Stopwatch.GetTimestamp();
            var ok = await Post(hospital, body);
            latencies[n] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            if (!ok) Interlocked.Increment(ref errors);
            Interlocked.Increment(ref done);
        }
    }).ToArray();
    await Task.WhenAll(workers);
    var elapsed = deadline.Elapsed.TotalSeconds;
    var cpuServer = Doudi.Bench.Http.Cpu.OfProcess(server.Id) - cpuServer0; var cpuPg = Doudi.Bench.Http.Cpu.OfUser("postgres") - cpuPg0; var cpuSelf = Doudi.Bench.Http.Cpu.OfProcess(Environment.ProcessId) - cpuSelf0;
    var switches = Doudi.Bench.Http.Cpu.SwitchesOf(server.Id) - switches0;
    var cpuBackends = pgDatabase is null ? 0 : (await BackendPids(opts.Pg, pgDatabase)).Sum(p => Doudi.Bench.Http.Cpu.OfProcess(p) - backends0.GetValueOrDefault(p));
    var measured = latencies.Take((int)done).Where(x => x > 0).OrderBy(x => x).ToArray();
    double P(double q) => measured.Length == 0 ? 0 : measured[Math.Min(measured.Length - 1, (int)Math.Ceiling(q * measured.Length) - 1)];
    Console.WriteLine($"db={opts.Db} requests={done} errors={errors} concurrency={opts.Concurrency} persons={opts.Persons} seconds={elapsed:F1}");
    Console.WriteLine($"throughput={done / elapsed:F0} settlements/s p50={P(0.50):F2} ms p90={P(0.90):F2} ms p99={P(0.99):F2} ms max={measured.LastOrDefault():F2} ms");
    Console.WriteLine($"cpu per settlement: server={cpuServer * 1e6 / done:F0} µs postgres={(opts.Db == "postgres" ? cpuPg * 1e6 / done : 0):F0} µs (this database's backends {cpuBackends * 1e6 / done:F0} µs) loader={cpuSelf * 1e6 / done:F0} µs " +
                      $"(machine load average at start {loadAtStart}, at end {File.ReadAllText("/proc/loadavg").Split(' ')[0]}); server context switches {(double)switches / done:F1} per settlement");
    if (import is not null) Console.WriteLine(await import);
    if (errors > 0) Environment.ExitCode = 1;
}
finally
{
    try { server.Kill(entireProcessTree: true); server.WaitForExit(10000); } catch (InvalidOperationException) { }
    // --keep-db: leave the PostgreSQL database for inspection (EXPLAIN of the settlement's statements); dropped otherwise.
    if (pgDatabase is not null && Array.IndexOf(args, "--keep-db") < 0) await Psql(opts.Pg, $"DROP DATABASE IF EXISTS {pgDatabase} WITH (FORCE)");
    else if (pgDatabase is not null) Console.WriteLine($"kept database {pgDatabase}");
    try { work.Delete(recursive: true); } catch (IOException) { }
}

static async Task<bool> Post(HttpClient c, byte[] body)
{
    using var content = new ByteArrayContent(body);
    content.Headers.ContentType = new("application/json");
    using var r = await c.PostAsync("/api/settlements", content);
    await r.Content.ReadAsByteArrayAsync();
    if (!r.IsSuccessStatusCode) Console.Error.WriteLine($"HTTP {(int)r.StatusCode}: {await r.Content.ReadAsStringAsync()}");
    return r.IsSuccessStatusCode;
}

static async Task WaitReady(HttpClient c)
{
    for (var i = 0; i < 120; i++)
    {
        try { if ((await c.GetAsync("/ready")).IsSuccessStatusCode) return; } catch (HttpRequestException) { }
        await Task.Delay(500);
    }
    throw new TimeoutException("server not ready");
}

static async Task<int[]> BackendPids(string cs, string database)
{
    var b = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    foreach (var part in cs.Split(';', StringSplitOptions.RemoveEmptyEntries)) { var kv = part.Split('=', 2); b[kv[0].Trim()] = kv[1].Trim(); }
    var psi = new ProcessStartInfo("psql", ["-h", b.GetValueOrDefault("Host", "127.0.0.1"), "-p", b.GetValueOrDefault("Port", "5432"), "-U", b.GetValueOrDefault("Username", "doudi"), "-d", "postgres",
        "-At", "-c", $"SELECT pid FROM pg_stat_activity WHERE datname = '{database}'"]) { UseShellExecute = false, RedirectStandardOutput = true };
    psi.Environment["PGPASSWORD"] = b.GetValueOrDefault("Password", "");
    using var p = Process.Start(psi)!;
    var text = await p.StandardOutput.ReadToEndAsync();
    await p.WaitForExitAsync();
    return text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
}

static async Task Psql(string cs, string sql)
{
    var b = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    foreach (var part in cs.Split(';', StringSplitOptions.RemoveEmptyEntries)) { var kv = part.Split('=', 2); b[kv[0].Trim()] = kv[1].Trim(); }
    var psi = new ProcessStartInfo("psql", ["-h", b.GetValueOrDefault("Host", "127.0.0.1"), "-p", b.GetValueOrDefault("Port", "5432"), "-U", b.GetValueOrDefault("Username", "doudi"), "-d", "postgres", "-c", sql])
    { UseShellExecute = false };
    psi.Environment["PGPASSWORD"] = b.GetValueOrDefault("Password", "");
    using var p = Process.Start(psi)!;
    await p.WaitForExitAsync();
    if (p.ExitCode != 0) throw new Exception("psql failed: " + sql);
}

static string FindPolicies()
{
    for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        if (Directory.Exists(Path.Combine(d.FullName, "policies"))) return Path.Combine(d.FullName, "policies");
    throw new DirectoryNotFoundException("policies/");
}

static string FindServerDll()
{
    for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
    {
        var p = Path.Combine(d.FullName, "src", "Doudi.Server", "bin", "Release", "net10.0", "Doudi.Server.dll");
        if (File.Exists(p)) return p;
    }
    throw new FileNotFoundException("build the server first: dotnet build -c Release src/Doudi.Server");
}

sealed record Args(string Db, int Requests, int Concurrency, int Seconds, int Persons, string Pg, int Warmup, int WarmupConcurrent, int DuringImport)
{
    public static Args Parse(string[] a)
    {
        string Get(string name, string def) { var i = Array.IndexOf(a, name); return i >= 0 && i + 1 < a.Length ? a[i + 1] : def; }
        return new Args(Get("--db", "sqlite"), int.Parse(Get("--requests", "20000")), int.Parse(Get("--concurrency", "16")),
            int.Parse(Get("--seconds", "60")), int.Parse(Get("--persons", "20000")),
            Get("--pg", Environment.GetEnvironmentVariable("DOUDI_TEST_PG") ?? "Host=127.0.0.1;Port=5432;Username=doudi;Password=doudi;Database=doudi;SSL Mode=Disable"),
            int.Parse(Get("--warmup", "3000")), int.Parse(Get("--warmup-concurrent", "0")), int.Parse(Get("--during-import", "0")));
    }
}
