using System.CommandLine;
using Doudi.Policy.Loading;

namespace Doudi.Cli;

/// <summary>Finds and loads the policies folder for a command, reporting problems the CLI way.</summary>
internal static class PolicySource
{
    /// <summary><c>--policies DIR</c>: the folder of policy files, when not the default.</summary>
    public static Option<string?> FolderOption() =>
        new("--policies") { Description = "政策文件目录，默认取 DOUDI_POLICIES 或最近的 policies/ (policies folder; default: DOUDI_POLICIES or the nearest policies/)" };

    /// <summary>
    /// <c>--include DIR</c>, repeatable: more parameter files loaded with the policies, e.g. <c>policies/samples</c>
    /// for the labelled sample values the seeds leave to local rules (I-11). Never loaded unless asked for.
    /// </summary>
    public static Option<string[]> IncludeOption() =>
        new("--include") { Description = "另加载的参数文件目录，可重复，如 policies/samples (extra parameter folder, repeatable)" };

    /// <summary>The folder given, else the default one (DOUDI_POLICIES, or the nearest policies/ folder).</summary>
    public static string? Folder(Cli cli, string? given)
    {
        string? dir = given ?? PolicyLocator.FindDefault();
        if (dir is null)
        {
            cli.Problem("policies", "找不到政策文件目录，请用 --policies 指定 (no policies folder found; give --policies DIR or set DOUDI_POLICIES)");
            return null;
        }
        if (!Directory.Exists(dir))
        {
            cli.Problem(dir, "政策文件目录不存在 (policies folder does not exist)");
            return null;
        }
        return dir;
    }

    /// <summary>Loads the policy files; on errors prints them (<c>file:line:col: message</c>) and returns null.</summary>
    public static PolicyLoadResult? Load(Cli cli, string? given, string[]? include = null)
    {
        string? dir = Folder(cli, given);
        if (dir is null) return null;
        var loaded = PolicyLoader.LoadDirectory(dir, include ?? []);
        if (loaded.Errors.Count > 0 || loaded.Catalog is null)
        {
            foreach (var error in loaded.Errors) cli.Error.WriteLine(error.ToString());
            if (loaded.Errors.Count == 0) cli.Problem(dir, "政策文件未能加载 (policies could not be loaded)");
            return null;
        }
        return loaded;
    }
}
