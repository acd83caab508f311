using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Doudi.Bench.Http;

/// <summary>
/// Name-list import rates (issue 9 item 3): a month-1 list of N new persons, then a month-2 <c>full</c> list of the same
/// roster with 5% changed category, 5% left out (ended) and 5% new persons. Each is sent with <c>async=true</c> and polled
/// on <c>GET /api/name-lists/{batch}</c> (the progress answer) until done; prints rows/s, wall and CPU seconds of the
/// server and of the PostgreSQL backends serving the bench database, and the longest one-stop settlement answer measured on persons of the list while month 2 runs.
/// </summary>
public static class NameListBench
{
    public static async Task<int> RunAsync(HttpClient http, int serverPid, string db, int rows, HttpClient hospital, Func<double> pgCpu)
    {
        Console.WriteLine($"db={db} name-list rows={rows} (machine load average at start {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");
        string Id(int i) => Ids.Make("330183", new DateOnly(1940, 1, 1).AddDays(i % 25000), i / 25000);
        var month1 = new StringBuilder("身份证号,姓名,人员类别,乡镇,recognized\n");
        for (int i = 0; i < rows; i++) month1.Append(Id(i)).Append(",测试").Append(i).Append(",7019,银湖街道,2022-01-10\n");
        var first = await ImportAsync(http, serverPid, pgCpu, db, "2022-01", month1.ToString(), rows, "month 1 (all new)");
        if (first is null) return 1;

        // Month 2: every 20th changes category, every 20th (offset 1) is left out, and rows/20 new persons join.
        var month2 = new StringBuilder("身份证号,姓名,人员类别,乡镇\n");
        var kept = new List<string>();
        int rows2 = 0;
        for (int i = 0; i < rows; i++)
        {
            if (i % 20 == 1) continue;
            rows2++;
            month2.Append(Id(i)).Append(",测试").Append(i).Append(i % 20 == 0 ? ",7131" : ",7019").Append(",银湖街道\n");
            if (i % 20 == 2) kept.Add(Id(i));
        }
        for (int i = rows; i < rows + rows / 20; i++, rows2++) month2.Append(Id(i)).Append(",测试").Append(i).Append(",7019,银湖街道\n");

        // One-stop settlements of persons the list touches, one after another while month 2 is imported: each must be 201
        // (or 503 with Retry-After), never 500 and never a wait to the client's timeout.
        using var stop = new CancellationTokenSource();
        var answers = new List<(HttpStatusCode Status, double Ms)>();
        var settling = Task.Run(async () =>
        {
            for (long n = 0; !stop.IsCancellationRequested && kept.Count > 0; n++)
            {
                var person = kept[(int)(n % kept.Count)];
                var body = $"{{\"setl_id\":\"NLB{n}\",\"psn_no\":\"{person}\",\"setl_time\":\"2023-06-{1 + n % 28:D2} 10:00:00\",\"med_type\":\"21\",\"insutype\":\"390\"," +
                           "\"medfee_sumamt\":12000,\"fulamt_ownpay_amt\":2000,\"inscp_scp_amt\":10000,\"hifp_pay\":6000,\"hifmi_pay\":0,\"oth_pay\":0}";
                var t = Stopwatch.GetTimestamp();
                using var r = await hospital.PostAsync("/api/settlements", new StringContent(body, Encoding.UTF8, "application/json"));
                await r.Content.ReadAsByteArrayAsync();
                lock (answers) answers.Add((r.StatusCode, Stopwatch.GetElapsedTime(t).TotalMilliseconds));
                await Task.Delay(20);
            }
        });
        var second = await ImportAsync(http, serverPid, pgCpu, db, "2022-02", month2.ToString(), rows2, "month 2 (full: 5% changed, 5% ended, 5% new)");
        stop.Cancel();
        await settling;
        if (second is null) return 1;
        var byStatus = string.Join(" ", answers.GroupBy(a => (int)a.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}"));
        Console.WriteLine($"settlements during month 2: {answers.Count} ({byStatus}), longest {answers.Select(a => a.Ms).DefaultIfEmpty(0).Max():F0} ms, " +
                          $"median {Median(answers.Select(a => a.Ms)):F1} ms");
        return answers.Any(a => a.Status is not (HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable)) ? 1 : 0;
    }

    private static double Median(IEnumerable<double> xs) { var a = xs.OrderBy(x => x).ToArray(); return a.Length == 0 ? 0 : a[a.Length / 2]; }

    private static async Task<JsonElement?> ImportAsync(HttpClient http, int serverPid, Func<double> pgCpu, string db, string month, string csv, int rows, string label)
    {
        var cpuServer0 = Cpu.OfProcess(serverPid); var cpuPg0 = pgCpu();
        var clock = Stopwatch.StartNew();
        using var post = await http.PostAsync($"/api/name-lists?department=civil_affairs&month={month}&region=fuyang&async=true",
            new StringContent(csv, Encoding.UTF8, "text/csv"));
        if (post.StatusCode != HttpStatusCode.Accepted) { Console.Error.WriteLine($"import: HTTP {(int)post.StatusCode} {await post.Content.ReadAsStringAsync()}"); return null; }
        var location = post.Headers.Location!.ToString();
        long maxSeen = 0;
        while (true)
        {
            await Task.Delay(200);
            using var get = await http.GetAsync(location, HttpCompletionOption.ResponseHeadersRead);
            using var stream = await get.Content.ReadAsStreamAsync();
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(stream);
            var state = body.GetProperty("state").GetString();
            if (state == "failed") { Console.Error.WriteLine("import failed: " + body); return null; }
            if (state == "done")
            {
                var wall = clock.Elapsed.TotalSeconds;
                var cpuServer = Cpu.OfProcess(serverPid) - cpuServer0; var cpuPg = pgCpu() - cpuPg0;
                Console.WriteLine($"{label}: rows={rows} wall={wall:F2} s rate={rows / wall:F0} rows/s cpu server={cpuServer:F2} s" +
                                  (db == "postgres" ? $" postgres={cpuPg:F2} s" : "") +
                                  $" new={body.GetProperty("new").GetArrayLength()} changed={body.GetProperty("changed").GetArrayLength()} ended={body.GetProperty("ended").GetArrayLength()}" +
                                  $" unchanged={body.GetProperty("unchanged").GetInt32()} (progress polls saw up to {maxSeen} rows done)");
                return body;
            }
            maxSeen = Math.Max(maxSeen, Math.Max(body.GetProperty("rowsRead").GetInt64(), body.GetProperty("rowsDone").GetInt64()));
        }
    }
}
