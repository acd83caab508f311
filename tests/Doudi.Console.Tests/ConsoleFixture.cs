using System.Net;
using System.Net.Sockets;
using Doudi.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;

namespace Doudi.Console.Tests;

/// <summary>
/// One real server (Kestrel on a free loopback port, SQLite in a fresh folder, the demo county at a smaller size so it
/// loads in seconds) serving the built console, and one headless Debian Chromium driven by Playwright. Screenshots go to
/// test-output/console/ at the repository root (or DOUDI_SCREENSHOTS).
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public const string Password = "doudi-demo-2024";
    public string BaseUrl { get; private set; } = "";
    public string Screenshots { get; private set; } = "";
    public IBrowser Browser { get; private set; } = null!;
    private WebApplication? _app;
    private IPlaywright? _playwright;
    private string _data = "";

    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Doudi.slnx"))) return d.FullName;
        throw new InvalidOperationException("Doudi.slnx not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The console the server's build made (src/Doudi.Server/bin/&lt;configuration&gt;/net10.0/console).</summary>
    private static string ConsoleFolder()
    {
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = tfm.Parent!.Name;
        var dir = Path.Combine(RepoRoot(), "src", "Doudi.Server", "bin", configuration, tfm.Name, "console");
        if (!File.Exists(Path.Combine(dir, "index.html")))
            throw new InvalidOperationException($"the console is not built at {dir}: the server's build runs npm ci and vite build (is Node.js installed?)");
        return dir;
    }

    public async Task InitializeAsync()
    {
        _data = Path.Combine(Path.GetTempPath(), "doudi-console-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_data);
        Screenshots = Environment.GetEnvironmentVariable("DOUDI_SCREENSHOTS") ?? Path.Combine(RepoRoot(), "test-output", "console");
        Directory.CreateDirectory(Screenshots);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        BaseUrl = $"http://127.0.0.1:{port}";
        _app = ServerApp.Build(["--demo", "--urls", BaseUrl, $"--Doudi:DataDirectory={_data}", "--Doudi:DemoHouseholds=400",
            $"--Doudi:Console={ConsoleFolder()}", "--Logging:LogLevel:Default=Warning"]);
        await _app.StartAsync();

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("DOUDI_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A fresh browser context at 1366×768 in Simplified Chinese, logged in as <paramref name="user"/>.</summary>
    public async Task<IPage> LoginAsync(string user, string locale = "zh-CN")
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = BaseUrl, ViewportSize = new() { Width = 1366, Height = 768 }, Locale = locale, AcceptDownloads = true });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        await page.GotoAsync("/login");
        await page.Locator("#username").FillAsync(user);
        await page.Locator("#password").FillAsync(Password);
        // Count the logins one Enter sends: the page once sent two (the form's submission and a key handler), and the
        // two answers raced; exactly one is right.
        var logins = 0;
        page.Request += (_, r) => { if (r.Method == "POST" && r.Url.EndsWith("/api/auth/login", StringComparison.Ordinal)) Interlocked.Increment(ref logins); };
        var answer = await page.RunAndWaitForResponseAsync(() => page.Locator("#password").PressAsync("Enter"),
            r => r.Request.Method == "POST" && r.Url.EndsWith("/api/auth/login", StringComparison.Ordinal));
        if (answer.Status != 200)
            throw new InvalidOperationException($"login of {user} answered {answer.Status}: {await answer.TextAsync()}");
        try { await page.WaitForURLAsync(u => !u.Contains("/login")); }
        catch (TimeoutException e)
        {
            var shown = await page.Locator(".el-alert").AllInnerTextsAsync();
            throw new InvalidOperationException($"login of {user} answered 200 but the console stayed at {page.Url} (shown: {string.Join(" | ", shown)})", e);
        }
        Assert.Equal(1, Volatile.Read(ref logins));
        return page;
    }

    public Task ShotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, name + ".png"), FullPage = false });

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (_app is not null) { await _app.StopAsync(); await _app.DisposeAsync(); }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}
