using Sylvan.Data.Csv;

namespace Doudi.Analysis.Reconciliation;

/// <summary>psn_no → township from a registry CSV with the columns <c>psn_no</c> and <c>township</c> (the generated persons.csv, or a bureau's export).</summary>
public static class TownshipIndex
{
    public static (Dictionary<string, string>? Index, PlacedProblem? Problem) Read(string path)
    {
        using var csv = CsvDataReader.Create(path, new CsvDataReaderOptions { HasHeaders = true });
        int person = -1, township = -1;
        for (int i = 0; i < csv.FieldCount; i++)
        {
            if (csv.GetName(i) == "psn_no") person = i;
            if (csv.GetName(i) == "township") township = i;
        }
        if (person < 0 || township < 0) return (null, new(Path.GetFileName(path), 1, "需要 psn_no 和 township 两列 needs the columns psn_no and township"));
        var index = new Dictionary<string, string>(StringComparer.Ordinal);
        while (csv.Read()) index[csv.GetString(person)] = csv.GetString(township);
        return (index, null);
    }
}
