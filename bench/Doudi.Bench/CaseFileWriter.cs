using Doudi.Cases;
using Doudi.Engine.Cases;

namespace Doudi.Bench;

/// <summary>
/// The baseline's writer: a <see cref="CaseFile"/> written back as case-file JSON through <see cref="CaseWriter"/>
/// (every field, amounts as the result writer writes them). Reading a case with <see cref="CaseReader"/> and writing
/// it with this gives "just reading and writing the same JSON".
/// </summary>
public static class CaseFileWriter
{
    /// <param name="targetBytes">
    /// 0: write the case as it is. Otherwise write each bill as many times as it takes (spread evenly over the bills)
    /// for the whole document to come to about this many bytes: the same case-file JSON, at the size of another output.
    /// </param>
    public static void Write(CaseFile file, Stream output, long targetBytes = 0)
    {
        using var w = new CaseWriter(output, file.Region);
        foreach (var p in file.Persons) w.WritePerson(p);
        long start = w.Bytes + 10; // ],"bills":[
        const int Tail = 3; // ]}
        for (int i = 0; i < file.Bills.Count; i++)
        {
            var b = file.Bills[i];
            long due = targetBytes <= 0 ? 0 : start + (targetBytes - Tail - start) * (i + 1) / file.Bills.Count;
            do w.WriteBill(b);
            while (w.Bytes < due);
        }
        w.Complete();
    }
}
