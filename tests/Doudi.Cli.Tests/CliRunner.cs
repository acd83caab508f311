namespace Doudi.Cli.Tests;

/// <summary>Runs <c>doudi</c> in-process in a scratch folder of its own.</summary>
internal sealed class CliRunner : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("doudi-cli-test-").FullName;

    public string File(string name, string content)
    {
        string path = Path.Combine(Dir, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public string PathOf(string name) => Path.Combine(Dir, name);

    public (int Code, string Out, string[] Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run(args, stdout, stderr);
        var lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        return (code, stdout.ToString(), lines);
    }

    /// <summary>The repository's policies/ folder (found from the test binaries upwards).</summary>
    public static string RepoPolicies()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Doudi.slnx"))) return Path.Combine(dir.FullName, "policies");
        throw new InvalidOperationException("repository root not found");
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
