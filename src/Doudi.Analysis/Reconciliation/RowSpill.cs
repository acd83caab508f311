using System.Text;
using Doudi.Engine.Cases;
using Doudi.Policy.Vocabulary;

namespace Doudi.Analysis.Reconciliation;

/// <summary>
/// The rows of an export spread over temporary files by person (a hash of the person's id), so a city's export of
/// millions of rows is reconciled one part at a time: every row of a person lands in the same part, and a part holds
/// a few per cent of the rows (issue 11: <c>doudi reconcile</c> in bounded memory). Rows are kept as they were read
/// (the bill contract's <see cref="Bill"/> and what the report groups by), in a binary form of this class's own; the
/// files are deleted on dispose.
/// </summary>
public sealed class RowSpill : IDisposable
{
    private readonly string _dir;
    private readonly BinaryWriter[] _writers;
    private readonly int[] _counts;

    public RowSpill(int parts)
    {
        _dir = Directory.CreateTempSubdirectory("doudi-reconcile-").FullName;
        _writers = new BinaryWriter[parts];
        _counts = new int[parts];
        for (int k = 0; k < parts; k++)
            _writers[k] = new BinaryWriter(new FileStream(PartPath(k), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16), Encoding.UTF8);
    }

    public int Count { get; private set; }

    private string PartPath(int k) => Path.Combine(_dir, $"part-{k:D3}.bin");

    public void Add(ExportRow row)
    {
        int k = (int)(Hash(row.Bill.Person) % (uint)_writers.Length);
        Write(_writers[k], row);
        _counts[k]++;
        Count++;
    }

    /// <summary>The parts one after another, each read back whole: all of a person's rows are in one part.</summary>
    public IEnumerable<IReadOnlyList<ExportRow>> Parts()
    {
        foreach (var w in _writers) w.Flush();
        for (int k = 0; k < _writers.Length; k++)
        {
            if (_counts[k] == 0) continue;
            _writers[k].Dispose();
            var rows = new List<ExportRow>(_counts[k]);
            using (var r = new BinaryReader(new FileStream(PartPath(k), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan), Encoding.UTF8))
                for (int i = 0; i < _counts[k]; i++) rows.Add(Read(r));
            File.Delete(PartPath(k));
            yield return rows;
        }
    }

    public void Dispose()
    {
        foreach (var w in _writers) w.Dispose();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    /// <summary>FNV-1a over the id's characters: the same part on every run (string hashes are per process).</summary>
    private static uint Hash(string s)
    {
        uint h = 2166136261;
        foreach (char c in s) h = (h ^ c) * 16777619;
        return h;
    }

    internal static void Write(BinaryWriter w, ExportRow row)
    {
        var b = row.Bill;
        w.Write(b.Id);
        w.Write(b.Person);
        w.Write(b.Date.DayNumber);
        w.Write((byte)b.Kind);
        w.Write(b.Total);
        w.Write(b.InPolicy);
        w.Write(b.BasicPaid);
        Nullable(w, b.CriticalPaid);
        w.Write(b.SupplementaryPaid);
        Nullable(w, b.AssistancePaid);
        w.Write(b.ReasonableOutOfPolicy);
        w.Write(b.SpecialDisease);
        w.Write(b.HospitalLevel ?? -1);   // -1: the bill did not say (P-9)
        w.Write(b.Designated);
        w.Write(b.Referred);
        w.Write(b.Emergency);
        w.Write(b.WithinCity);
        w.Write((byte)b.Excluded);
        w.Write(b.Items.Count);
        foreach (var item in b.Items)
        {
            w.Write((byte)item.Kind);
            w.Write((byte)item.Class);
            w.Write(item.InCatalog);
            w.Write(item.Amount);
        }
        w.Write(row.Paid);
        Nullable(w, row.Institution);
        Nullable(w, row.InstitutionName);
        Nullable(w, row.Diagnosis);
        Nullable(w, row.Name);
        w.Write(row.Line);
    }

    internal static ExportRow Read(BinaryReader r)
    {
        var bill = new Bill
        {
            Id = r.ReadString(),
            Person = r.ReadString(),
            Date = DateOnly.FromDayNumber(r.ReadInt32()),
            Kind = (BillKind)r.ReadByte(),
            Total = r.ReadDecimal(),
            InPolicy = r.ReadDecimal(),
            BasicPaid = r.ReadDecimal(),
            CriticalPaid = NullableDecimal(r),
            SupplementaryPaid = r.ReadDecimal(),
            AssistancePaid = NullableDecimal(r),
            ReasonableOutOfPolicy = r.ReadDecimal(),
            SpecialDisease = r.ReadBoolean(),
            HospitalLevel = r.ReadInt32() is var level and >= 0 ? level : null,
            Designated = r.ReadBoolean(),
            Referred = r.ReadBoolean(),
            Emergency = r.ReadBoolean(),
            WithinCity = r.ReadBoolean(),
            Excluded = (Exclusion)r.ReadByte(),
            Items = Items(r),
        };
        return new ExportRow(bill, r.ReadDecimal(), NullableString(r), NullableString(r), NullableString(r), NullableString(r), r.ReadInt64());
    }

    private static IReadOnlyList<Item> Items(BinaryReader r)
    {
        int n = r.ReadInt32();
        if (n == 0) return [];
        var items = new Item[n];
        for (int i = 0; i < n; i++) items[i] = new Item((ItemKind)r.ReadByte(), (ItemClass)r.ReadByte(), r.ReadBoolean(), r.ReadDecimal());
        return items;
    }

    private static void Nullable(BinaryWriter w, decimal? value)
    {
        w.Write(value.HasValue);
        if (value is { } v) w.Write(v);
    }

    private static void Nullable(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null) w.Write(value);
    }

    private static decimal? NullableDecimal(BinaryReader r) => r.ReadBoolean() ? r.ReadDecimal() : null;
    private static string? NullableString(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;
}
