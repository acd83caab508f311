using Doudi.Policy.Loading;
using Doudi.Policy.Periods;

namespace Doudi.Cli;

/// <summary>Finds and loads the policies folder for a command, reporting problems the CLI way.</summary>
internal static class PolicySource
{
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

    /// <summary>Loads every policy file of the folder; on errors prints them (file:line:col: message) and returns null.</summary>
    public static PolicyCatalog? Load(Cli cli, string? given)
    {
        string? dir = Folder(cli, given);
        if (dir is null) return null;
        var loaded = PolicyLoader.LoadDirectory(dir);
        if (loaded.Errors.Count > 0 || loaded.Catalog is null)
        {
            foreach (var error in loaded.Errors) cli.Error.WriteLine(error.ToString());
            if (loaded.Errors.Count == 0) cli.Problem(dir, "政策文件未能加载 (policies could not be loaded)");
            return null;
        }
        return loaded.Catalog;
    }
}
