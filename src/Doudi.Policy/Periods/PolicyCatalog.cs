using System.Text;
using Doudi.Policy.Loading;
using Doudi.Policy.Parameters;

namespace Doudi.Policy.Periods;

/// <summary>All loaded policy files, compiled into periods per region; finds the period in force for a bill.</summary>
public sealed partial class PolicyCatalog
{
    private readonly Dictionary<string, PolicyPeriod[]> _periods;

    internal PolicyCatalog(IReadOnlyList<PolicyDocument> documents, Dictionary<string, PolicyPeriod[]> periods, InterpretationRegister register)
    {
        Documents = documents;
        _periods = periods;
        Interpretations = register;
        foreach (var list in periods.Values)
            foreach (var period in list) period.Interpretations = register;
    }

    /// <summary>The interpretations register the policy files were checked against.</summary>
    public InterpretationRegister Interpretations { get; }

    public IReadOnlyList<PolicyDocument> Documents { get; }
    public IEnumerable<string> Regions => _periods.Keys.Order(StringComparer.Ordinal);
    public bool HasRegion(string region) => _periods.ContainsKey(region);
    public IReadOnlyList<PolicyPeriod> PeriodsOf(string region) => _periods.TryGetValue(region, out var p) ? p : [];

    /// <summary>The period in force in <paramref name="region"/> on <paramref name="date"/>, or null where no policy is.</summary>
    public PolicyPeriod? Find(string region, DateOnly date)
    {
        if (!_periods.TryGetValue(region, out var periods)) return null;
        int lo = 0, hi = periods.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            var p = periods[mid];
            if (date < p.From) hi = mid - 1;
            else if (date > p.To) lo = mid + 1;
            else return p;
        }
        return null;
    }

    /// <summary>The parameters of a policy in force on a date (default: its first day), with citations, as text.</summary>
    public string Describe(string policyId, DateOnly? date)
    {
        var doc = Documents.FirstOrDefault(d => d.Id == policyId) ?? throw new KeyNotFoundException($"未知政策 unknown policy '{policyId}'");
        var on = date ?? doc.From;
        var sb = new StringBuilder();
        sb.AppendLine($"{doc.Id}  {doc.Title}  {doc.Document}");
        sb.AppendLine($"地区 region: {doc.Region}   有效期 period: {PolicyCompiler.Show(doc.From)} .. {PolicyCompiler.Show(doc.To)}   ({doc.Cite})");
        if (doc.Sample) sb.AppendLine("样例参数文件 sample parameter file (I-11): values are not from the seed documents");
        var period = Find(doc.Region, on);
        if (period is null || !period.Layers.Contains(doc.Id))
        {
            sb.AppendLine($"{on:yyyy-MM-dd}: 该政策未生效 not in force on this date");
            return sb.ToString();
        }
        sb.AppendLine($"{on:yyyy-MM-dd} 生效参数 parameters in force (period {PolicyCompiler.Show(period.From)} .. {PolicyCompiler.Show(period.To)}; layers: {string.Join(" > ", period.Layers)}):");
        foreach (var (key, (value, cite)) in period.Parameters)
            sb.AppendLine($"  {key} = {Render(value)}    [{cite.Rule}{(cite.Interpretation is null ? "" : "; " + cite.Interpretation)}]");
        // The interpretations in force: those the parameters' clauses cite and those the layers in force list,
        // each as the register records it.
        var inForce = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, (_, cite)) in period.Parameters)
            if (cite.Interpretation is { } i) inForce.Add(i);
        foreach (var layer in Documents.Where(d => period.Layers.Contains(d.Id)))
            foreach (var k in layer.Interpretations.Keys) inForce.Add(k);
        if (inForce.Count > 0)
        {
            sb.AppendLine($"生效解释 interpretations in force ({InterpretationRegister.FileName}):");
            foreach (var id in InterpretationRegister.Ordered(inForce))
            {
                if (Interpretations.Find(id) is not { } entry) { sb.AppendLine($"  {id}"); continue; }
                sb.Append($"  {id} {entry.Title}  (adopted {entry.Adopted:yyyy-MM-dd}");
                if (entry.Revised is { } rev) sb.Append($"; revised {rev}");
                sb.AppendLine(")");
                sb.AppendLine($"      {entry.Decides}");
                if (doc.Interpretations.TryGetValue(id, out var note)) sb.AppendLine($"      {doc.Id}: {note}");
            }
        }
        DescribePrevention(doc.Id, sb);
        return sb.ToString();
    }

    private static string Render(object value) => value switch
    {
        List<string> list => "[" + string.Join(", ", list) + "]",
        decimal d => d.ToString(System.Globalization.CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        _ => value.ToString() ?? "",
    };
}
