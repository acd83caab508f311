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
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

// Stores a city's year as the server stores it: the registry that `doudi generate` makes (rebuilt in-process from the
// same options and seed: CityRegistry.Build, written by binary COPY: the registry has no bulk path of its own here) and
// every bill of its case.json settled and stored by the server's settlement import (BulkImport, in-process, no HTTP),
// the one writer of settlement rows. It makes the stored year the year-end benchmark reads.
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

// The bills go through the server's own settlement import (Settlements/BulkImport, what POST /api/settlement-imports runs),
// in-process: the one writer of settlement rows, so the running totals, year facts, aggregates and early warning are what
// a real import leaves (no `rebuild-totals` needed after it). The case's bills are streamed to it as JSON Lines in our names.
Environment.SetEnvironmentVariable("DOUDI_DB", Arg("db"));
var app = Doudi.Server.Hosting.ServerApp.Build(["--Doudi:Policies=" + Path.GetFullPath(Arg("policies")), "--Logging:LogLevel:Default=Warning",
    "--Logging:LogLevel:Doudi.Server.Settlements.BulkImport=Information"]);
var services = app.Services;
await Migrator.MigrateAsync(services.GetRequiredService<DatabaseOptions>(), services.GetRequiredService<Database>(),
    services.GetRequiredService<ILoggerFactory>().CreateLogger("Doudi.Bench"));
var pipe = new System.IO.Pipelines.Pipe(new System.IO.Pipelines.PipeOptions(pauseWriterThreshold: 1 << 22, resumeWriterThreshold: 1 << 21));
long n = 0;
var feed = Task.Run(async () =>
{
    try
    {
        await using var w = pipe.Writer.AsStream();
        var newline = "\n"u8.ToArray();
        foreach (var bill in CaseBills.Read(Arg("case")))
        {
            await w.WriteAsync(System.Text.Encoding.UTF8.GetBytes(BillWriter.Write(bill)));
            await w.WriteAsync(newline);
            if (++n % 500_000 == 0) Console.WriteLine($"{n} bills read: {clock.Elapsed.TotalSeconds:0} s");
        }
    }
    catch (Exception e) { await pipe.Writer.CompleteAsync(e); throw; }
});
var report = await services.GetRequiredService<BulkImport>().RunAsync(pipe.Reader.AsStream(), "jsonl", "per_row", false,
    new Doudi.Server.Security.Actor("bench-city-year", "admin", null), CancellationToken.None);
await feed;
Console.WriteLine($"import {report.Id}: {report.Rows} rows, {report.Settled} settled, {report.Held} held, {report.Replayed} replayed, {report.Rejected} rejected");
foreach (var e in report.Errors.Take(5)) Console.WriteLine($"  row {e.Row}: {string.Join("; ", e.Errors.Select(x => x.Key + ": " + string.Join(", ", x.Value)))}");
if (report.Rejected > 0 || report.State != BulkImport.Done) { Console.Error.WriteLine("the import did not settle every bill"); return 1; }
Console.WriteLine($"stored {n} bills in {clock.Elapsed.TotalSeconds:0.0} s");
// As autovacuum would after a bulk load: statistics, and the visibility map that lets counts read only the index.
foreach (var table in new[] { "settlements", "settlement_year_facts", "persons", "identities", "households" })
{
    await using var vacuum = new NpgsqlCommand($"VACUUM ANALYZE {table}", c);
    await vacuum.ExecuteNonQueryAsync();
}
Console.WriteLine($"vacuumed: {clock.Elapsed.TotalSeconds:0.0} s");
return 0;

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
