namespace Doudi.Bench.Http;

/// <summary>CPU seconds (user + system) used so far, from /proc: by one process, or by every process of a user.</summary>
public static class Cpu
{
    private static readonly double Tick = 100.0; // USER_HZ

    public static double OfProcess(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(f[11]) + long.Parse(f[12])) / Tick; // utime, stime (fields 14, 15)
        }
        catch (IOException) { return 0; }
    }

    /// <summary>Context switches (voluntary + involuntary) of a process's live threads so far: each one is a thread put to
    /// sleep and woken again, whose kernel cost the CPU figures include but do not name.</summary>
    public static long SwitchesOf(int pid)
    {
        long total = 0;
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                        if (line.StartsWith("voluntary_ctxt_switches:") || line.StartsWith("nonvoluntary_ctxt_switches:"))
                            total += long.Parse(line[(line.IndexOf(':') + 1)..].Trim());
                }
                catch (IOException) { }
            }
        }
        catch (IOException) { }
        return total;
    }

    public static double OfUser(string user)
    {
        var uid = File.ReadLines("/etc/passwd").Select(l => l.Split(':')).FirstOrDefault(p => p[0] == user)?[2];
        if (uid is null) return 0;
        double total = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var status = File.ReadAllText(Path.Combine(dir, "status"));
                var line = status.Split('\n').FirstOrDefault(l => l.StartsWith("Uid:"));
                if (line is not null && line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == uid) total += OfProcess(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return total;
    }

    /// <summary>CPU seconds of the PostgreSQL backends now connected to <paramref name="database"/> (found with psql).</summary>
    public static double OfBackends(string connection, string database)
    {
        var b = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connection.Split(';', StringSplitOptions.RemoveEmptyEntries)) { var kv = part.Split('=', 2); b[kv[0].Trim()] = kv[1].Trim(); }
        var psi = new System.Diagnostics.ProcessStartInfo("psql", ["-h", b.GetValueOrDefault("Host", "127.0.0.1"), "-p", b.GetValueOrDefault("Port", "5432"),
            "-U", b.GetValueOrDefault("Username", "doudi"), "-d", "postgres", "-At", "-c", $"SELECT pid FROM pg_stat_activity WHERE datname = '{database}'"])
        { UseShellExecute = false, RedirectStandardOutput = true };
        psi.Environment["PGPASSWORD"] = b.GetValueOrDefault("Password", "");
        using var p = System.Diagnostics.Process.Start(psi)!;
        var pids = p.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        p.WaitForExit();
        return pids.Sum(pid => OfProcess(int.Parse(pid)));
    }
}
