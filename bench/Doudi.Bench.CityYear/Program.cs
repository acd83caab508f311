using System.Diagnostics;
using System.Globalization;
using Doudi.Cases;
using Doudi.Engine.Cases;
using Doudi.Engine.Results;
using Doudi.Engine.Settlement;
using Doudi.Policy.Vocabulary;
using Doudi.Server.Api;
using Doudi.Server.Settlements;
using Doudi.Server.Storage;
using Doudi.Synthetic;
using Npgsql;

// Stores a city's year as the server stores it, fast: the registry that `doudi generate` makes (rebuilt in-process from
// the same options and seed: CityRegistry.Build) and every bill of its case.json, settled in I-3 order with the engine
// (SettlementEngine.SettleBill against the person's ledger, as one-stop settlement does) and written with the server's
// own formats (StoredResults.WriteBill/Write, YearFacts.Write) by binary COPY (the server's BulkRows). It does not go
// through HTTP or one-stop settlement's per-bill transaction (that is the import benchmark's job); it makes the stored
// year the year-end benchmark reads.
//
//   Doudi.Bench.CityYear --db CONN --case city/case.json --policies policies --region fuyang --year 2023 [--residents N --objects N --bills N --seed N]
var a = args.Select((v, i) => (v, i)).Where(x => x.v.StartsWith("--", StringComparison.Ordinal)).ToDictionary(x => x.v[2..], x => args[x.i + 1]);
string Arg(string k, string? d = null) => a.TryGetValue(k, out var v) ? v : d ?? throw new ArgumentException($"--{k} is required");
var options = new CityOptions
{
    Region = Arg("region"), Year = int.Parse(Arg("year"), CultureInfo.InvariantCulture),
    Residents = int.Parse(Arg("residents", "9000000"), CultureInfo.InvariantCulture), Objects = int.Parse(Arg("objects", "250000"), CultureInfo.InvariantCulture),
    Bills = int.Parse(Arg("bills", "3000000"), CultureInfo.InvariantCulture), Seed = int.Parse(Arg("seed", "20261129"), CultureInfo.InvariantCulture),
};
var loaded = Doudi.Policy.Loading.PolicyLoader.LoadDirectory(Arg("policies")); // as the server's EngineHost loads them
if (!loaded.Ok) throw new InvalidOperationException(string.Join("; ", loaded.Errors));
var catalog = loaded.Catalog!;
var engine = new SettlementEngine(catalog);
var clock = Stopwatch.StartNew();
var city = CityRegistry.Build(options, catalog);
Console.WriteLine($"registry: {city.Persons.Count} persons in {clock.Elapsed.TotalSeconds:0.0} s");

await using var c = new NpgsqlConnection(Arg("db"));
await c.OpenAsync();
var now = DateTimeOffset.UtcNow;
const string by = "bench-city-year";
await using (var tx = await c.BeginTransactionAsync())
{
    var households = city.Persons.GroupBy(p => p.Person.Household).Select(g => new object?[] { g.Key, options.Region, city.Townships[g.First().Township].Name, now });
    await BulkRows.WriteAsync(c, tx, "households", [new("id", BulkType.Text), new("region", BulkType.Text), new("township", BulkType.Text), new("created_at", BulkType.Timestamp)], households);
    await BulkRows.WriteAsync(c, tx, "persons",
        [new("id", BulkType.Text), new("id_number", BulkType.Text), new("psn_no", BulkType.Text), new("name", BulkType.Text), new("household_id", BulkType.Text),
         new("insurance", BulkType.Text), new("region", BulkType.Text), new("township", BulkType.Text), new("created_at", BulkType.Timestamp), new("updated_at", BulkType.Timestamp)],
        city.Persons.Select(p => new object?[] { p.PsnNo, p.IdNumber, p.PsnNo, p.Name, p.Person.Household, Codes.ToCode(p.Person.Insurance), options.Region,
            city.Townships[p.Township].Name, now, now }));
    await BulkRows.WriteAsync(c, tx, "identities",
        [new("person_id", BulkType.Text), new("category", BulkType.Text), new("department", BulkType.Text), new("recognized", BulkType.Date), new("revoked", BulkType.Date),
         new("for_medical_spending", BulkType.Bool), new("created_at", BulkType.Timestamp), new("created_by", BulkType.Text)],
        city.Persons.SelectMany(p => p.Person.Identities.Select(i => new object?[] { p.PsnNo, Codes.ToCode(i.Category), "civil_affairs", i.Recognized, i.Revoked,
            i.ForMedicalSpending, now, by })));
    await tx.CommitAsync();
}
Console.WriteLine($"registry stored: {clock.Elapsed.TotalSeconds:0.0} s");

var persons = city.Persons.ToDictionary(p => p.PsnNo, p => p.Person, StringComparer.Ordinal);
BulkColumn[] settlementColumns =
[
    new("id", BulkType.Text), new("person_id", BulkType.Text), new("household_id", BulkType.Text), new("year", BulkType.Int), new("date", BulkType.Date),
    new("region", BulkType.Text), new("policy", BulkType.Text), new("kind", BulkType.Text), new("source", BulkType.Text), new("request_hash", BulkType.Text),
    new("bill_json", BulkType.Text), new("result_json", BulkType.Text), new("counted_json", BulkType.Text), new("assistance", BulkType.Decimal),
    new("personal_burden", BulkType.Decimal), new("status", BulkType.Text), new("created_at", BulkType.Timestamp), new("created_by", BulkType.Text),
    new("result_format", BulkType.Int), new("naming", BulkType.Text),
];
BulkColumn[] factColumns = [new("settlement_id", BulkType.Text), new("person_id", BulkType.Text), new("region", BulkType.Text), new("year", BulkType.Int), new("facts", BulkType.Text)];
long n = 0;
string? ledgerPerson = null;
PersonLedger ledger = new(options.Year);
var batch = new List<(Bill Bill, BillResult Result)>(20_000);
async Task FlushAsync()
{
    await using var tx = await c.BeginTransactionAsync();
    await BulkRows.WriteAsync(c, tx, "settlements", settlementColumns, batch.Select(x => new object?[]
    {
        x.Bill.Id, x.Bill.Person, persons[x.Bill.Person].Household, x.Bill.Date.Year, x.Bill.Date, options.Region, x.Result.Policy, Codes.ToCode(x.Bill.Kind), "bench",
        "bench:" + x.Bill.Id, StoredResults.WriteBill(x.Bill), StoredResults.Write(x.Result), Json.Serialize(x.Result.Counted), x.Result.Assistance,
        x.Result.PersonalBurden, StoredSettlement.Settled, now, by, StoredSettlement.CurrentResultFormat, StoredSettlement.OurNaming,
    }));
    await BulkRows.WriteAsync(c, tx, "settlement_year_facts", factColumns,
        batch.Select(x => new object?[] { x.Bill.Id, x.Bill.Person, options.Region, x.Bill.Date.Year, YearFacts.Write(x.Bill, x.Result) }));
    await tx.CommitAsync();
    batch.Clear();
}
// Bills are in person order, then date (the generator's order): one ledger per person, in I-3 order.
foreach (var bill in CaseBills.Read(Arg("case")))
{
    if (bill.Person != ledgerPerson) { ledgerPerson = bill.Person; ledger = new PersonLedger(options.Year); }
    batch.Add((bill, engine.SettleBill(options.Region, persons[bill.Person], bill, ledger)));
    if (batch.Count == batch.Capacity) await FlushAsync();
    if (++n % 500_000 == 0) Console.WriteLine($"{n} bills: {clock.Elapsed.TotalSeconds:0} s");
}
if (batch.Count > 0) await FlushAsync();
Console.WriteLine($"stored {n} bills in {clock.Elapsed.TotalSeconds:0.0} s");
// As autovacuum would after a bulk load: statistics, and the visibility map that lets counts read only the index.
foreach (var table in new[] { "settlements", "settlement_year_facts", "persons", "identities", "households" })
{
    await using var vacuum = new NpgsqlCommand($"VACUUM ANALYZE {table}", c);
    await vacuum.ExecuteNonQueryAsync();
}
Console.WriteLine($"vacuumed: {clock.Elapsed.TotalSeconds:0.0} s");

/// <summary>The bills of a case file, one at a time: the "bills" array is cut into its objects and each read by the case reader.</summary>
static class CaseBills
{
    public static IEnumerable<Bill> Read(string path)
    {
        using var f = File.OpenRead(path);
        var buf = new byte[1 << 24];
        int len = 0, pos = 0;
        bool inBills = false;
        int depth = 0, start = -1;
        bool inString = false, escape = false;
        var marker = "\"bills\":["u8.ToArray();
        while (true)
        {
            if (pos == len)
            {
                // Keep the unfinished object (before the array: the tail where the marker may start) and read on.
                int keep = !inBills ? Math.Max(0, len - marker.Length) : start >= 0 ? start : len;
                Array.Copy(buf, keep, buf, 0, len - keep);
                len -= keep; pos -= keep; if (start >= 0) start -= keep;
                if (len == buf.Length) Array.Resize(ref buf, buf.Length * 2);
                int read = f.Read(buf, len, buf.Length - len);
                if (read == 0) yield break;
                len += read;
            }
            if (!inBills)
            {
                int at = buf.AsSpan(0, len).IndexOf(marker);
                if (at < 0) { pos = len; continue; }
                inBills = true; pos = at + marker.Length;
                continue;
            }
            byte b = buf[pos];
            if (inString)
            {
                if (escape) escape = false;
                else if (b == (byte)'\\') escape = true;
                else if (b == (byte)'"') inString = false;
            }
            else if (b == (byte)'"') inString = true;
            else if (b == (byte)'{') { if (depth++ == 0) start = pos; }
            else if (b == (byte)'}')
            {
                if (--depth == 0)
                {
                    var bill = BillReader.ReadBill(buf.AsSpan(start, pos + 1 - start)).ValueOrThrow();
                    start = -1;
                    pos++;
                    yield return bill;
                    continue;
                }
            }
            else if (b == (byte)']' && depth == 0) yield break;
            pos++;
        }
    }
}
