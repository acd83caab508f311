using Doudi.Policy.Loading;
using Doudi.Policy.Periods;

namespace Doudi.Analysis.Reform;

/// <summary>Finds the reform among the loaded documents and checks that it is one: it amends a policy in force, of the case's region.</summary>
public static class ReformDocument
{
    /// <returns>the reform's document, or a problem (Chinese and English) with the line it is at</returns>
    public static (PolicyDocument? Document, int Line, string? Problem) Find(PolicyCatalog after, string reformFile, string region)
    {
        var doc = after.Documents.FirstOrDefault(d => d.File == reformFile);
        if (doc is null) return (null, 0, "政策调整文件未能加载 (the reform file was not loaded)");
        if (doc.Amends.Count == 0)
            return (null, doc.Line, "政策调整文件须用 amends 指明所修订的现行政策 (a reform must name the policy it amends with 'amends')");
        if (doc.Region != region)
            return (null, doc.Line, $"政策调整属于 {doc.Region}，测算对象属于 {region} (the reform is for another region)");
        return (doc, doc.Line, null);
    }
}
