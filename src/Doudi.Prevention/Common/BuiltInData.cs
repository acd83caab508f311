using System.Reflection;

namespace Doudi.Prevention.Common;

/// <summary>
/// The repository's data and policy files as shipped inside this assembly (data/calendar, data/statistics,
/// policies/monitoring, policies/premium). Hosts that keep the files on disk can parse them from there instead.
/// </summary>
public static class BuiltInData
{
    private static readonly Assembly Self = typeof(BuiltInData).Assembly;

    /// <summary>Logical names such as <c>policies/monitoring/fuyang-2023.yaml</c>.</summary>
    public static IReadOnlyList<string> Names => Self.GetManifestResourceNames().Order(StringComparer.Ordinal).ToArray();

    public static string Read(string logicalName)
    {
        using var s = Self.GetManifestResourceStream(logicalName)
            ?? throw new PreventionException("data_not_found", $"未找到内置数据文件 {logicalName}", $"built-in data file {logicalName} not found");
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    }
}
