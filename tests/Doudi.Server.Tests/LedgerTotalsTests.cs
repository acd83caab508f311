using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Doudi.Server.Storage;
using Doudi.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Doudi.Server.Tests;

/// <summary>
/// Issue 9 item 4: the running ledger totals (table ledger_totals, Settlements/LedgerTotals) are kept by settlement and
/// reversal, and the rebuild (POST /api/ledger-totals/rebuild, the server's rebuild-totals verb) recomputes them from
/// the stored settlements and supplementary payments. Amounts by hand from 富政办〔2022〕21号 二.3 (fuyang-2023):
/// subsistence 80% of base = in-policy − basic; annual limit 150,000 per person.
/// </summary>
public abstract class LedgerTotalsTests(ServerFixture fx)
{
    private static object FuyangBill(string id, string person, decimal inPolicy, decimal basic, string date = "2023-04-01") => new
    {
        id, person, date, kind = "inpatient", total = inPolicy + 2000, inPolicy, basicPaid = basic, criticalPaid = 0, supplementaryPaid = 0, hospitalLevel = 3, referred = true,
    };

    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];

    /// <summary>The person's stored totals of a year: bucket → yuan.</summary>
    private async Task<Dictionary<string, decimal>> TotalsAsync(string person, int year) =>
        (await fx.Db.ReadAsync(c => c.ListAsync("SELECT bucket, amount_fen FROM ledger_totals WHERE person_id = @p AND year = @y", null,
            r => (r.GetString(0), Convert.ToInt64(r.GetValue(1)) / 100m), ("p", person), ("y", year))))
        .Where(x => x.Item2 != 0m).ToDictionary(x => x.Item1, x => x.Item2);

    private async Task<JsonElement> RebuildAsync(object request)
    {
        var (status, body, text) = await (await fx.As("admin")).PostJson("/api/ledger-totals/rebuild", request);
        Assert.True(status == HttpStatusCode.OK, text);
        return body;
    }

    /// <summary>
    /// The one-stop read finds the person by any of their keys once and reads that person's identities and totals (PostgreSQL:
    /// the id is kept for the rest of the read batch); a key that matches nobody is refused, nothing counted.
    /// </summary>
    [DbFact]
    public async Task Settlements_by_person_id_and_by_ID_number_count_against_one_ledger_and_an_unknown_key_is_refused()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var idNumber = (string)(await fx.Db.ReadAsync(c => c.ScalarAsync("SELECT id_number FROM persons WHERE id = @p", null, ("p", person))))!;
        var op = await fx.As("operator");
        // Each bill: base = in-policy 10000 − basic 6000 = 4000; subsistence 80% = 3200 (富政办〔2022〕21号 二.3). The identity is read
        // for either key: without it the person has no category and is paid nothing.
        foreach (var (key, day) in new[] { (person, "01"), (idNumber, "02") })
        {
            var (status, body, text) = await op.PostJson("/api/settlements", FuyangBill(NewId("lk"), key, 10000, 6000, $"2023-05-{day}"));
            Assert.True(status == HttpStatusCode.Created, text);
            Assert.Equal(3200m, body.Dec("assistance"));
            Assert.Equal(person, body.Str("person"));
        }
        // Both bills counted against the one person's year: 2 × 3200 = 6400.
        Assert.Contains(await TotalsAsync(person, 2023), kv => kv.Value == 6400m);

        var (unknown, _, unknownText) = await op.PostJson("/api/settlements", FuyangBill(NewId("lk"), People.UniqueIdNumber(), 10000, 6000, "2023-05-03"));
        Assert.True(unknown == HttpStatusCode.BadRequest, unknownText);
        Assert.Contains("person", unknownText);
        Assert.Contains(await TotalsAsync(person, 2023), kv => kv.Value == 6400m);
    }

    [DbFact]
    public async Task Totals_after_settlements_and_a_reversal_equal_the_rebuild()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var op = await fx.As("operator");
        var ids = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            var id = NewId("lt");
            ids.Add(id);
            // base = 10000 − 6000 = 4000; 80% = 3200 each
            var (status, body, text) = await op.PostJson("/api/settlements", FuyangBill(id, person, 10000, 6000, $"2023-04-0{i + 1}"));
            Assert.True(status == HttpStatusCode.Created, text);
            Assert.Equal(3200m, body.Dec("assistance"));
        }
        var afterFive = await TotalsAsync(person, 2023);
        // Every bucket the assistance counts against holds 5 × 3200 = 16000.
        Assert.NotEmpty(afterFive);
        Assert.Contains(afterFive, kv => kv.Value == 16000m);
        var (rs, _, rt) = await op.PostJson($"/api/settlements/{ids[2]}/reversal", new { reason = "测试冲销" });
        Assert.True(rs == HttpStatusCode.OK, rt);
        var afterReversal = await TotalsAsync(person, 2023);
        // 4 × 3200 = 12800 where 16000 was: the reversal took its 3200 away from every bucket.
        Assert.All(afterFive.Keys, k => Assert.Equal(afterFive[k] / 5 * 4, afterReversal[k]));

        // The person summary shows the same totals the settlement reads.
        var (_, summary, _) = await op.GetJson($"/api/persons/{person}/years/2023");
        foreach (var (k, v) in afterReversal.Where(kv => !kv.Key.StartsWith("measure.", StringComparison.Ordinal)))
            Assert.Equal(v, summary.GetProperty("counted").GetProperty(k).GetDecimal());
        // Monitoring's measures are buckets of the same rows (fuyang 二.1 in force from 2023-02-10): personal burden
        // (I-14) 12000 − 6000 − 3200 = 2800 per bill, 4 × 2800 = 11200 after the reversal.
        Assert.Equal(11200m, afterReversal["measure.monitoring.personalBurden"]);
        Assert.False(summary.GetProperty("counted").TryGetProperty("measure.monitoring.personalBurden", out _));

        var report = await RebuildAsync(new { region = "fuyang", year = 2023 });
        Assert.Equal(0, report.GetProperty("differenceCount").GetInt32());
        Assert.True(report.GetProperty("checked").GetInt32() >= afterReversal.Count);
        var all = await RebuildAsync(new { });
        Assert.Equal(0, all.GetProperty("differenceCount").GetInt32());
    }

    [DbFact]
    public async Task A_tampered_total_is_reported_and_apply_writes_the_recomputed_value_audited()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var op = await fx.As("operator");
        var first = await op.PostJson("/api/settlements", FuyangBill(NewId("lt"), person, 10000, 6000));
        Assert.Equal(3200m, first.Body.Dec("assistance"));
        var bucket = (await TotalsAsync(person, 2023)).First(kv => kv.Value == 3200m).Key;
        // Someone with database access adds 1000.00 to the total (as the owner role would; the app role may UPDATE too).
        await fx.Db.WriteAsync((c, tx) => c.ExecAsync("UPDATE ledger_totals SET amount_fen = amount_fen + 100000 WHERE person_id = @p AND year = 2023 AND bucket = @b", tx,
            ("p", person), ("b", bucket)));

        var report = await RebuildAsync(new { region = "fuyang", year = 2023 });
        Assert.Equal(1, report.GetProperty("differenceCount").GetInt32());
        var d = report.GetProperty("differences")[0];
        Assert.Equal(person, d.Str("person"));
        Assert.Equal(2023, d.GetProperty("year").GetInt32());
        Assert.Equal(bucket, d.Str("bucket"));
        Assert.Equal(4200m, d.Dec("stored"));     // 3200 + 1000 tampered
        Assert.Equal(3200m, d.Dec("recomputed")); // the one stored settlement
        Assert.False(report.GetProperty("applied").GetBoolean());
        Assert.Equal(4200m, (await TotalsAsync(person, 2023))[bucket]); // a report writes nothing

        var applied = await RebuildAsync(new { region = "fuyang", year = 2023, apply = true });
        Assert.True(applied.GetProperty("applied").GetBoolean());
        Assert.Equal(3200m, (await TotalsAsync(person, 2023))[bucket]);
        Assert.Equal(0, (await RebuildAsync(new { region = "fuyang", year = 2023 })).GetProperty("differenceCount").GetInt32());
        var (_, audit, _) = await (await fx.As("admin")).GetJson("/api/audit?entity=ledger_totals");
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.Str("action") == "rebuild" && e.Str("entityId") == "fuyang/2023");
        // Operators and hospitals may not rebuild.
        Assert.Equal(HttpStatusCode.Forbidden, (await op.PostJson("/api/ledger-totals/rebuild", new { apply = true })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await (await fx.As("admin")).PostJson("/api/ledger-totals/rebuild", new { region = "nowhere" })).Status);
    }

    [DbFact]
    public async Task Many_parallel_settlements_of_one_person_never_exceed_the_annual_limit()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var hospitals = new[] { (await fx.HospitalAsync("富阳区第一人民医院")).Client, (await fx.HospitalAsync("富阳区中医院")).Client, await fx.As("operator") };
        // Each bill: base = 50000 − 0 = 50000; 80% = 40000. 24 bills at once: exactly 150,000 in all
        // (40000 × 3 + 30000), never more, whatever the order.
        var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(i =>
            hospitals[i % 3].PostJson("/api/settlements", FuyangBill(NewId($"par{i}-"), person, 50000, 0, "2023-06-01"))));
        Assert.All(results, r => Assert.True(r.Status == HttpStatusCode.Created, r.Text));
        var paid = results.Select(r => r.Body.Dec("assistance")).ToList();
        Assert.Equal(150000m, paid.Sum());
        Assert.Equal(3, paid.Count(p => p == 40000m));
        Assert.Equal(1, paid.Count(p => p == 30000m));
        Assert.Contains(await TotalsAsync(person, 2023), kv => kv.Value == 150000m);
        Assert.Equal(0, (await RebuildAsync(new { region = "fuyang", year = 2023 })).GetProperty("differenceCount").GetInt32());
    }

    [DbFact]
    public async Task The_rebuild_totals_verb_reports_a_difference_and_writes_it_with_apply()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var op = await fx.As("operator");
        Assert.Equal(3200m, (await op.PostJson("/api/settlements", FuyangBill(NewId("lt"), person, 10000, 6000, "2023-05-05"))).Body.Dec("assistance"));
        var bucket = (await TotalsAsync(person, 2023)).First(kv => kv.Value == 3200m).Key;
        await fx.Db.WriteAsync((c, tx) => c.ExecAsync("UPDATE ledger_totals SET amount_fen = 1 WHERE person_id = @p AND year = 2023 AND bucket = @b", tx,
            ("p", person), ("b", bucket)));

        var (code, stdout, stderr) = await VerbAsync("rebuild-totals", "--region", "fuyang", "--year", "2023");
        Assert.True(code == 3, stderr);
        Assert.Contains($"{person}\t2023\t{bucket}\t0.01\t3200", stdout);
        (code, stdout, stderr) = await VerbAsync("rebuild-totals", "--region", "fuyang", "--year", "2023", "--apply");
        Assert.True(code == 0, stderr);
        Assert.Equal(3200m, (await TotalsAsync(person, 2023))[bucket]);
        (code, stdout, stderr) = await VerbAsync("rebuild-totals");
        Assert.True(code == 0, stderr + stdout);
        Assert.Equal("person\tyear\tbucket\tstored\trecomputed", stdout.Trim());
        (code, _, stderr) = await VerbAsync("rebuild-totals", "--year", "20x3");
        Assert.Equal(2, code);
        Assert.Contains("--year", stderr);
    }

    /// <summary>Runs the built server (Doudi.Server.dll) with a verb against this fixture's database.</summary>
    private async Task<(int Code, string Stdout, string Stderr)> VerbAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = Prevention.FictionalRegion.RepoRoot(), RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Doudi.Server.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["DOUDI_DB"] = fx.Factory.Services.GetRequiredService<DatabaseOptions>().ConnectionString;
        if (fx.OwnerConnection is not null) info.Environment["DOUDI_DB_OWNER"] = fx.OwnerConnection;
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout, await stderr);
    }
}

public sealed class LedgerTotalsTestsSqlite(SqliteFixture fx) : LedgerTotalsTests(fx), IClassFixture<SqliteFixture>;
public sealed class LedgerTotalsTestsPostgres(PostgresFixture fx) : LedgerTotalsTests(fx), IClassFixture<PostgresFixture>, IPostgresTests;
