using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Doudi.Server.Hosting;
using Microsoft.AspNetCore.Builder;

namespace Doudi.Server.Tests.Probes;

/// <summary>
/// The body limit (413) as a client meets it: the in-memory test server enforces no Kestrel limit, so this starts the
/// real server (Kestrel on a free loopback port, SQLite in a fresh folder) in the test process, with its default limit
/// (30 MB), and declares a login body over it. The answer is a 413 problem titled in Chinese naming the limit, sent
/// before the body is (never a 500 or a dropped connection), and nothing is read of it as a login.
/// </summary>
public sealed class BodyLimitProbes : IAsyncLifetime
{
    private WebApplication? _app;
    private string _data = "";
    private string _url = "";

    public async Task InitializeAsync()
    {
        _data = Path.Combine(Path.GetTempPath(), "doudi-limit-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_data);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        _url = $"http://127.0.0.1:{port}";
        _app = ServerApp.Build(["--urls", _url, $"--Doudi:DataDirectory={_data}", "--Logging:LogLevel:Default=Warning"]);
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) { await _app.StopAsync(); await _app.DisposeAsync(); }
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>
    /// Sends a login request that declares a body of <paramref name="declared"/> bytes but sends only its first kilobyte,
    /// and reads the whole answer: a server that refuses by the declared length answers before the body is sent (a client
    /// writing on into a closed connection would only see a broken pipe, not the answer).
    /// </summary>
    private async Task<(int Status, string ContentType, string Body)> DeclaredAsync(long declared)
    {
        var uri = new Uri(_url);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(uri.Host, uri.Port);
        var stream = tcp.GetStream();
        var head = $"POST /api/auth/login HTTP/1.1\r\nHost: {uri.Authority}\r\nContent-Type: application/json\r\nContent-Length: {declared}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(Encoding.ASCII.GetBytes("{\"username\":\"admin\",\"password\":\"" + new string('a', 1000)));
        var answer = new MemoryStream();
        var buffer = new byte[8192];
        int n;
        try { while ((n = await stream.ReadAsync(buffer)) > 0) { answer.Write(buffer, 0, n); if (Complete(answer.ToArray())) break; } }
        catch (IOException) { } // the server may close the connection once it has answered
        var text = Encoding.UTF8.GetString(answer.ToArray());
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(split > 0, $"no answer: {text}");
        var status = int.Parse(text.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var type = text[..split].Split("\r\n").FirstOrDefault(h => h.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))?[13..].Trim() ?? "";
        var headers = text[..split];
        var bytes = answer.ToArray()[(Encoding.ASCII.GetByteCount(headers) + 4)..];
        if (!headers.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)) return (status, type, Encoding.UTF8.GetString(bytes));
        var body = new MemoryStream();
        for (var at = 0; ;)
        {
            var eol = Array.IndexOf(bytes, (byte)'\r', at);
            var size = Convert.ToInt32(Encoding.ASCII.GetString(bytes, at, eol - at), 16);
            if (size == 0) break;
            body.Write(bytes, eol + 2, size);
            at = eol + 2 + size + 2;
        }
        return (status, type, Encoding.UTF8.GetString(body.ToArray()));
    }

    /// <summary>The answer's headers and its Content-Length of body (or its last chunk) have arrived.</summary>
    private static bool Complete(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (split < 0) return false;
        var length = text[..split].Split("\r\n").FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        return length is not null
            ? bytes.Length - Encoding.UTF8.GetByteCount(text[..(split + 4)]) >= long.Parse(length[15..].Trim(), System.Globalization.CultureInfo.InvariantCulture)
            : text.EndsWith("0\r\n\r\n", StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_declared_over_the_limit_is_a_413_problem_in_Chinese_naming_the_limit()
    {
        var (status, type, body) = await DeclaredAsync(31L * 1024 * 1024);
        Assert.True(status == 413, $"{status} {Answers.Cut(body)}");
        Assert.StartsWith("application/problem+json", type);
        Assert.Equal("请求体过大（上限 30000000 字节）", JsonDocument.Parse(body).RootElement.GetProperty("title").GetString());
        Assert.False(Answers.LeaksInternals(body), body);

        // Under the limit the same endpoint reads the body: the password is not a login (401), and never 413 or 5xx.
        using var client = new HttpClient { BaseAddress = new Uri(_url) };
        using var small = new StringContent("{\"username\":\"admin\",\"password\":\"" + new string('a', 1000) + "\"}", Encoding.UTF8, "application/json");
        var ok = await client.PostAsync("/api/auth/login", small);
        Assert.True(ok.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest, $"{(int)ok.StatusCode}");
    }
}
