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
}
