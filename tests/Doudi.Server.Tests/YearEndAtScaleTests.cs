using System.Net;
using System.Text;
using System.Text.Json;
using Doudi.Cases;
using Doudi.Engine.Results;
using Doudi.Server.Api;
using Doudi.Server.Imports;
using Doudi.Server.Security;
using Doudi.Server.Settlements;
using Doudi.Server.Storage;
using Doudi.Server.Tests.Infrastructure;
using Doudi.Synthetic;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Doudi.Server.Tests;

/// <summary>
/// Issue 11 point 2 and issue 9 item 2: the year-end run reads the one stored-year loader, household chunk by household
/// chunk from the compact year facts, and stores its results as rows. Settled chunk by chunk (one household at a time)
/// it gives exactly — persons, households, amounts and traces — what settling the whole year at once from the stored
/// bill and result JSON gives; on the demo county and on a small generated city; its results are paged; and a bill
/// settled again by retroactive assistance counts with its effective result.
/// </summary>
public abstract class YearEndAtScaleTests(ServerFixture fx)
{
    private static readonly Actor Runner = new("year-end-test", Roles.BureauOperator, null);

    /// <summary>Runs the region's year with the given chunk size and answers each person-year and household-year as JSON, by id.</summary>
    private async Task<(Dictionary<string, string> Persons, Dictionary<string, string> Households, YearEndRunHeader Run)> RunAsync(string region, int year, int chunk)
    {
        var yearEnd = fx.Factory.Services.GetRequiredService<YearEnd>();
        var before = yearEnd.HouseholdsPerChunk;
        yearEnd.HouseholdsPerChunk = chunk;
        try
        {
            var run = await yearEnd.RunAsync(region, year, Runner, default);
            var (persons, households) = await fx.Db.ReadAsync(c => YearEndStore.PageAsync(c, run, new Paging(1, int.MaxValue / 2)));
            return (persons.ToDictionary(IdOf), households.ToDictionary(IdOf), run);
        }
        finally { yearEnd.HouseholdsPerChunk = before; }
    }

    private static string IdOf(string json) => JsonDocument.Parse(json).RootElement.GetProperty("id").GetString()!;

    /// <summary>The reference: the whole year at once, from every stored bill's JSON (what the run did before it streamed).</summary>
    private async Task<(Dictionary<string, string> Persons, Dictionary<string, string> Households)> WholeFromJsonAsync(string region, int year)
    {
        var data = await fx.Db.ReadAsync(c => StoredYear.LoadAsync(c, null, region, year, StoredYearRead.Full));
        var (persons, households) = fx.Factory.Services.GetRequiredService<EngineHost>().SettleYears(data.File, data.Results);
        return (persons.ToDictionary(p => p.Id, p => Json.Serialize(p)), households.ToDictionary(h => h.Id, h => Json.Serialize(h)));
    }

    private async Task AssertChunkedEqualsWholeAsync(string region, int year, int minPersons)
    {
        var whole = await WholeFromJsonAsync(region, year);
        var oneByOne = await RunAsync(region, year, chunk: 1);
        var inThrees = await RunAsync(region, year, chunk: 3);
        var atOnce = await RunAsync(region, year, chunk: int.MaxValue);
        Assert.True(whole.Persons.Count >= minPersons, $"{region} {year}: only {whole.Persons.Count} person-years");
        Assert.NotEmpty(whole.Households);
        foreach (var run in new[] { oneByOne, inThrees, atOnce })
        {
            Assert.Equal(whole.Persons.Count, run.Run.Persons);
            Assert.Equal(whole.Households.Count, run.Run.Households);
            Assert.Equal(whole.Persons.Keys.Order(StringComparer.Ordinal), run.Persons.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(whole.Households.Keys.Order(StringComparer.Ordinal), run.Households.Keys.Order(StringComparer.Ordinal));
            // Amounts and the whole trace (every step, its basis of bills, its texts) byte for byte.
            foreach (var (id, json) in whole.Persons) Assert.Equal(json, run.Persons[id]);
            foreach (var (id, json) in whole.Households) Assert.Equal(json, run.Households[id]);
        }
    }

    [DbFact]
    public async Task On_the_demo_county_a_run_in_household_chunks_equals_the_whole_year_settled_at_once()
    {
        // The demo's fuyang year (special assistance and the 50,000 cap) and its small counties (jiande's household lines
        // with upstream assistance, wenzhou's resolution, pengshui).
        await AssertChunkedEqualsWholeAsync("fuyang", 2023, minPersons: 20);
        foreach (var (region, year) in await fx.Db.ReadAsync(c => c.ListAsync("SELECT DISTINCT region, year FROM settlements WHERE region <> 'fuyang' ORDER BY region, year", null,
                     r => (r.GetString(0), r.GetInt32(1)))))
            await AssertChunkedEqualsWholeAsync(region, year, minPersons: 1);
    }

    [DbFact]
    public async Task On_a_generated_city_a_run_in_household_chunks_equals_the_whole_year_settled_at_once()
    {
        // A small wenzhou city (its 2023 resolution of high costs) from `doudi generate`'s generator: its monthly name lists through the importer, its case
        // file's bills through one-stop settlement, by the person's psn_no.
        var dir = Path.Combine(Path.GetTempPath(), "doudi-tests", "city-" + Guid.NewGuid().ToString("N"));
        try
        {
            var catalog = fx.Factory.Services.GetRequiredService<EngineHost>().Catalog!;
            var options = new CityOptions { Region = "wenzhou", Year = 2023, Residents = 12_000, Objects = 160, Bills = 700, Seed = 7, Townships = 3, Institutions = 12 };
            new CityGenerator(CityRegistry.Build(options, catalog), catalog).Write(dir);
            var importer = fx.Factory.Services.GetRequiredService<NameListImporter>();
            var loader = new Actor("city-loader", Roles.BureauOperator, null);
            foreach (var file in Directory.GetFiles(Path.Combine(dir, "namelists")).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileNameWithoutExtension(file); // 2024-01-civil_affairs
                await importer.ImportAsync(new(name[8..], name[..7], "wenzhou", "full", "csv", await File.ReadAllBytesAsync(file), ConfirmEnds: true), loader, default);
            }
            var settlements = fx.Factory.Services.GetRequiredService<SettlementService>();
            var file2 = CaseReader.Read(await File.ReadAllBytesAsync(Path.Combine(dir, "case.json"))).ValueOrThrow();
            int settled = 0;
            foreach (var bill in file2.Bills)
            {
                try
                {
                    await settlements.SettleAsync(new BillDocument(bill, BillNaming.Ours, bill.Person, null, null, null, null, null, [], null), loader, "test");
                    settled++;
                }
                catch (ApiProblemException) { } // a bill before the person's first list: not in the registry yet
            }
            Assert.True(settled > 300, $"only {settled} of {file2.Bills.Count} bills settled");
            await AssertChunkedEqualsWholeAsync("wenzhou", 2023, minPersons: 50);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    [DbFact]
    public async Task A_run_is_paged_and_looked_up_per_person_and_household_and_the_whole_answer_is_kept()
    {
        var op = await fx.As("operator");
        var (status, whole, text) = await op.PostJson("/api/year-end-runs", new { region = "fuyang", year = 2023 });
        Assert.True(status == HttpStatusCode.Created, text);
        var id = whole.Str("id");
        var persons = whole.GetProperty("persons").EnumerateArray().Select(p => p.GetRawText()).ToList();
        var households = whole.GetProperty("households").EnumerateArray().Select(p => p.GetRawText()).ToList();
        Assert.Equal(persons.Count, whole.GetProperty("personCount").GetInt32());
        Assert.Equal(households.Count, whole.GetProperty("householdCount").GetInt32());
        Assert.True(persons.Count > 7);

        var (gs, got, gt) = await (await fx.As("auditor")).GetJson($"/api/year-end-runs/{id}");
        Assert.True(gs == HttpStatusCode.OK, gt);
        Assert.Equal(persons, got.GetProperty("persons").EnumerateArray().Select(p => p.GetRawText()).ToList());

        var paged = new List<string>();
        var pagedHouseholds = new List<string>();
        for (int page = 1; ; page++)
        {
            var (ps, body, pt) = await op.GetJson($"/api/year-end-runs/{id}?page={page}&pageSize=7");
            Assert.True(ps == HttpStatusCode.OK, pt);
            Assert.Equal(page, body.GetProperty("page").GetInt32());
            var items = body.GetProperty("persons").EnumerateArray().Select(p => p.GetRawText()).ToList();
            paged.AddRange(items);
            pagedHouseholds.AddRange(body.GetProperty("households").EnumerateArray().Select(p => p.GetRawText()));
            Assert.True(items.Count <= 7);
            if (items.Count == 0 && page * 7 > households.Count + 7) break;
        }
        Assert.Equal(persons, paged);
        Assert.Equal(households, pagedHouseholds);

        var one = JsonDocument.Parse(persons[3]).RootElement;
        var (ls, lookup, lt) = await op.GetJson($"/api/year-end-runs/{id}/persons/{one.Str("id")}");
        Assert.True(ls == HttpStatusCode.OK, lt);
        Assert.Equal(one.GetRawText(), lookup.GetRawText());
        var hh = JsonDocument.Parse(households[0]).RootElement;
        var (hs, hlookup, _) = await op.GetJson($"/api/year-end-runs/{id}/households/{hh.Str("id")}");
        Assert.Equal(HttpStatusCode.OK, hs);
        Assert.Equal(hh.GetRawText(), hlookup.GetRawText());
        Assert.Equal(HttpStatusCode.NotFound, (await op.GetJson($"/api/year-end-runs/{id}/persons/nobody")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await op.GetJson("/api/year-end-runs/YE000000000000")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await op.GetJson($"/api/year-end-runs/{id}?pageSize=0")).Status);
        var (ss, summary, st) = await op.GetJson($"/api/persons/{one.Str("id")}/years/2023");
        Assert.True(ss == HttpStatusCode.OK, st);
        Assert.Equal(id, summary.Str("yearEndRun"));
        Assert.Equal(one.GetProperty("personalBurden").GetDecimal(), summary.GetProperty("yearEnd").Dec("personalBurden"));
    }

    [DbFact]
    public async Task After_a_retroactive_payment_the_year_end_run_counts_the_bills_effective_result()
    {
        // A fuyang person with no identity yet is settled a bill of 2023-08-01: total 400000, in-policy 400000, basic 100000.
        // Without an identity nothing is assisted: the bill's first result has no category and assistance 0.
        var p = await People.RegisterAsync(fx, "fuyang", null, name: "迟到");
        var op = await fx.As("operator");
        var tag = "RETRO-" + Guid.NewGuid().ToString("N")[..6];
        var (s1, first, t1) = await op.PostJson("/api/settlements", new { id = tag, person = p, date = "2023-08-01", kind = "inpatient", total = 400000, inPolicy = 400000, basicPaid = 100000, criticalPaid = 0 });
        Assert.True(s1 == HttpStatusCode.Created, t1);
        Assert.Equal(0m, first.Dec("assistance"));
        // The identity arrives late: marginal (低保边缘), recognised 2023-03-10, in force from 2023-04-01 (I-1). Retroactive
        // assistance settles the bill again with it (as in BackOfficeTests): base 400000 − 100000 = 300000 → 70% = 210000,
        // annual limit 150000 → 150000, paid now as a supplementary payment of 150000.
        var (s2, _, t2) = await op.PostJson($"/api/persons/{p}/identities", new { category = "marginal", department = "civil_affairs", recognized = "2023-03-10" });
        Assert.True(s2 == HttpStatusCode.Created, t2);
        var paid = Convert.ToDecimal(await fx.Db.ReadAsync(c => Storage.Sql.ScalarAsync(c, "SELECT difference FROM supplementary_payments WHERE bill_id = @b", null, ("b", tag))),
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(150000m, paid);

        // The year-end run counts the bill with its effective result (assistance 150000, category marginal):
        //   reasonable burden 400000 − 100000 − 150000 = 150000 ≥ 5000 → special assistance 50% × 150000 = 75000 (I-8);
        //   150000 − 75000 = 75000 > 50000 → cap relief 25000; personal burden 150000 − 75000 − 25000 = 50000.
        // With the first result (what Settlements/YearEnd read before the one loader) the bill would be left out as
        // "no identity" and the person would get 0 and 0, with a burden of 300000 the supplementary payment has halved.
        var (status, run, text) = await op.PostJson("/api/year-end-runs?page=1&pageSize=1", new { region = "fuyang", year = 2023 });
        Assert.True(status == HttpStatusCode.Created, text);
        var (ls, person, lt) = await op.GetJson($"/api/year-end-runs/{run.Str("id")}/persons/{p}");
        Assert.True(ls == HttpStatusCode.OK, lt);
        Assert.Equal(75000m, person.Dec("specialAssistance"));
        Assert.Equal(25000m, person.Dec("capRelief"));
        Assert.Equal(50000m, person.Dec("personalBurden"));
        Assert.Equal(150000m, person.Dec("assistance"));

        // The facts stored with the settlement still hold its first result: the loader takes the effective one over them.
        var facts = await FactsOfAsync(tag);
        Assert.NotNull(facts);
        Assert.Equal(0m, YearFacts.Read(tag, p, facts!).Result.Assistance);
    }

    [DbFact]
    public async Task Bills_stored_without_year_facts_get_them_before_a_run()
    {
        // Rows written before migration 0880 are completed from their JSON: migration 1050 lists their region-years.
        var p = await People.RegisterAsync(fx, "pengshui", "subsistence", name: "旧账");
        var op = await fx.As("operator");
        var tag = "OLD-" + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(HttpStatusCode.Created, (await op.PostJson("/api/settlements", new { id = tag, person = p, date = "2024-05-01", kind = "inpatient", total = 30000, inPolicy = 30000, basicPaid = 15000, criticalPaid = 0, hospitalLevel = 2 })).Status);
        var whole = await WholeFromJsonAsync("pengshui", 2024);
        // Simulate the older row: its facts are gone (the owner may delete; the application role may not), and the
        // migration that lists what 0880 could not fill runs over it.
        await ReplaceFactsAsync(tag, null);
        await ListPendingAsMigration1050Async();
        var run = await RunAsync("pengshui", 2024, chunk: 2);
        Assert.Equal(whole.Persons[p], run.Persons[p]);
        Assert.NotNull(await FactsOfAsync(tag));
        // Completed once: the next run has nothing pending for the year.
        Assert.Equal(0L, await CountAsync("SELECT COUNT(*) FROM year_facts_pending WHERE region = 'pengshui' AND year = 2024 AND completed_at IS NULL"));
        Assert.Equal(1L, await CountAsync("SELECT COUNT(*) FROM year_facts_pending WHERE region = 'pengshui' AND year = 2024"));
    }

    [DbFact]
    public async Task A_year_with_nothing_pending_is_not_counted_for_missing_facts()
    {
        // Right after a city's import, counting the year's settlements to find bills without facts visited every row
        // (130 s on 2,985,052 bills). Every writer stores the facts with the bill since 0880, so a year not listed in
        // year_facts_pending is not looked at: a bill whose facts were removed by hand, its year not listed again, stays
        // as it is (before: the run counted the year, found the difference and completed it).
        var p = await People.RegisterAsync(fx, "pengshui", "subsistence", name: "不数");
        var op = await fx.As("operator");
        var tag = "NOCOUNT-" + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(HttpStatusCode.Created, (await op.PostJson("/api/settlements", new { id = tag, person = p, date = "2025-05-01", kind = "inpatient", total = 30000, inPolicy = 30000, basicPaid = 15000, criticalPaid = 0, hospitalLevel = 2 })).Status);
        Assert.Equal(0L, await CountAsync("SELECT COUNT(*) FROM year_facts_pending WHERE region = 'pengshui' AND year = 2025"));
        await ReplaceFactsAsync(tag, null);
        await RunAsync("pengshui", 2025, chunk: 10);
        Assert.Null(await FactsOfAsync(tag));
        // Listed again (the repair of hand-damaged storage), the next run completes it.
        await ListPendingAsMigration1050Async();
        var run = await RunAsync("pengshui", 2025, chunk: 10);
        Assert.Contains(p, run.Persons.Keys);
        Assert.NotNull(await FactsOfAsync(tag));
    }

    [DbFact]
    public async Task The_ledger_rebuild_lists_a_year_whose_facts_were_removed_by_hand_so_the_next_run_completes_them()
    {
        // After a hand repair (a bill's facts deleted) the region-year had to be listed again with migration 1050's
        // statement, by someone who remembered it; the rebuild command run after a repair now lists it itself.
        var p = await People.RegisterAsync(fx, "pengshui", "subsistence", name: "重建");
        var op = await fx.As("operator");
        var tag = "REBUILD-" + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(HttpStatusCode.Created, (await op.PostJson("/api/settlements", new { id = tag, person = p, date = "2023-07-01", kind = "inpatient", total = 30000, inPolicy = 30000, basicPaid = 15000, criticalPaid = 0, hospitalLevel = 2 })).Status);
        var admin = await fx.As("admin");
        var (s0, b0, t0) = await admin.PostJson("/api/ledger-totals/rebuild", new { region = "pengshui", year = 2023 });
        Assert.True(s0 == HttpStatusCode.OK, t0);
        Assert.Empty(b0.GetProperty("yearFactsPending").EnumerateArray());
        await ReplaceFactsAsync(tag, null);
        // Without apply too: listing changes no amount, it only tells the next run to look.
        var (s1, b1, t1) = await admin.PostJson("/api/ledger-totals/rebuild", new { region = "pengshui", year = 2023 });
        Assert.True(s1 == HttpStatusCode.OK, t1);
        var listed = Assert.Single(b1.GetProperty("yearFactsPending").EnumerateArray());
        Assert.Equal("pengshui", listed.GetProperty("region").GetString());
        Assert.Equal(2023, listed.GetProperty("year").GetInt32());
        Assert.Equal(1L, await CountAsync("SELECT COUNT(*) FROM year_facts_pending WHERE region = 'pengshui' AND year = 2023 AND completed_at IS NULL"));
        var run = await RunAsync("pengshui", 2023, chunk: 10);
        Assert.Contains(p, run.Persons.Keys);
        Assert.NotNull(await FactsOfAsync(tag));
        Assert.Equal(0L, await CountAsync("SELECT COUNT(*) FROM year_facts_pending WHERE region = 'pengshui' AND year = 2023 AND completed_at IS NULL"));
    }

    /// <summary>Runs migration 1050's statement that lists the region-years with bills lacking facts (as it ran over a database stored before 0880).</summary>
    private async Task ListPendingAsMigration1050Async()
    {
        var script = Migrator.Scripts(fx.Dialect).Single(x => x.Version == 1050).Sql;
        var fill = script[script.IndexOf("INSERT INTO year_facts_pending", StringComparison.Ordinal)..];
        await fx.Db.WriteAsync((c, tx) => Storage.Sql.ExecAsync(c, fill, tx));
    }

    [DbFact]
    public async Task A_chunk_that_cannot_be_read_fails_the_run_with_its_own_error_stores_nothing_and_frees_the_region_year()
    {
        // A year-facts line of an unknown shape (storage damaged by hand) fails the worker that parses its chunk while the
        // connection's stage reads the next: the run ends with that error (not a cancellation, not a hang), stores no run and
        // no result row, and the next run, once the damage is repaired, goes through.
        var p = await People.RegisterAsync(fx, "pengshui", "subsistence", name: "坏行");
        var op = await fx.As("operator");
        var tag = "BAD-" + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(HttpStatusCode.Created, (await op.PostJson("/api/settlements", new { id = tag, person = p, date = "2024-06-01", kind = "inpatient", total = 30000, inPolicy = 30000, basicPaid = 15000, criticalPaid = 0, hospitalLevel = 2 })).Status);
        var good = (await FactsOfAsync(tag))!;
        await ReplaceFactsAsync(tag, "9" + good[1..]);
        try
        {
            var runs = await CountAsync("SELECT COUNT(*) FROM year_end_runs");
            var rows = await CountAsync("SELECT COUNT(*) FROM year_end_persons");
            var yearEnd = fx.Factory.Services.GetRequiredService<YearEnd>();
            var before = yearEnd.HouseholdsPerChunk;
            yearEnd.HouseholdsPerChunk = 1;
            try
            {
                var e = await Assert.ThrowsAsync<FormatException>(() => yearEnd.RunAsync("pengshui", 2024, Runner, default));
                Assert.Contains(tag, e.Message);
            }
            finally { yearEnd.HouseholdsPerChunk = before; }
            Assert.Equal(runs, await CountAsync("SELECT COUNT(*) FROM year_end_runs"));
            Assert.Equal(rows, await CountAsync("SELECT COUNT(*) FROM year_end_persons"));
        }
        finally { await ReplaceFactsAsync(tag, null); await ListPendingAsMigration1050Async(); } // repaired: the next run completes the line from the bill's JSON
        var run = await RunAsync("pengshui", 2024, chunk: 1);
        Assert.Contains(p, run.Persons.Keys);
    }

    /// <summary>The year facts stored for settlement <paramref name="bill"/>, or null when it has none.</summary>
    private async Task<string?> FactsOfAsync(string bill) =>
        await fx.Db.ReadAsync(c => Storage.Sql.ScalarAsync(c, "SELECT facts FROM settlement_year_facts WHERE settlement_id = @b", null, ("b", bill))) as string;

    private Task<long> CountAsync(string sql) => fx.Db.ReadAsync(async c => Convert.ToInt64(await Storage.Sql.ScalarAsync(c, sql, null)));

    /// <summary>Deletes a bill's year facts and, unless <paramref name="facts"/> is null, stores that line instead (as the owner: the application may not).</summary>
    private async Task ReplaceFactsAsync(string bill, string? facts)
    {
        if (fx.Dialect == Storage.Dialect.Sqlite)
        {
            await fx.Db.WriteAsync(async (c, tx) =>
            {
                await Storage.Sql.ExecAsync(c, "DROP TRIGGER IF EXISTS settlement_year_facts_no_delete", tx);
                await Storage.Sql.ExecAsync(c, "DELETE FROM settlement_year_facts WHERE settlement_id = @b", tx, ("b", bill));
                if (facts is not null)
                    await Storage.Sql.ExecAsync(c, "INSERT INTO settlement_year_facts (settlement_id, person_id, region, year, facts) SELECT id, person_id, region, year, @f FROM settlements WHERE id = @b", tx, ("b", bill), ("f", facts));
                return 0;
            });
            return;
        }
        await using var owner = new Npgsql.NpgsqlConnection(fx.OwnerConnection);
        await owner.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("ALTER TABLE settlement_year_facts DISABLE TRIGGER settlement_year_facts_no_change; DELETE FROM settlement_year_facts WHERE settlement_id = @b; " +
            (facts is null ? "" : "INSERT INTO settlement_year_facts (settlement_id, person_id, region, year, facts) SELECT id, person_id, region, year, @f FROM settlements WHERE id = @b; ") +
            "ALTER TABLE settlement_year_facts ENABLE TRIGGER settlement_year_facts_no_change", owner);
        cmd.Parameters.AddWithValue("b", bill);
        cmd.Parameters.AddWithValue("f", facts ?? "");
        await cmd.ExecuteNonQueryAsync();
    }
}

public class DemoCountySqliteFixture : SqliteFixture
{
    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Doudi:Demo", "true");
        builder.UseSetting("Doudi:DemoHouseholds", "60");
    }
}

public class DemoCountyPostgresFixture : PostgresFixture
{
    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Doudi:Demo", "true");
        builder.UseSetting("Doudi:DemoHouseholds", "60");
    }
}

public sealed class YearEndAtScaleTestsSqlite(DemoCountySqliteFixture fx) : YearEndAtScaleTests(fx), IClassFixture<DemoCountySqliteFixture>;
public sealed class YearEndAtScaleTestsPostgres(DemoCountyPostgresFixture fx) : YearEndAtScaleTests(fx), IClassFixture<DemoCountyPostgresFixture>, IPostgresTests;

/// <summary>The year facts line keeps every value the year-end rules read, with its scale (traces print amounts as stored).</summary>
public sealed class YearFactsTests
{
    [Fact]
    public void A_bill_and_its_result_come_back_as_written_and_an_unknown_shape_is_refused()
    {
        var bill = new Doudi.Engine.Cases.Bill
        {
            Id = "B1", Person = "P1", Date = new DateOnly(2023, 12, 31), Kind = Doudi.Policy.Vocabulary.BillKind.Inpatient, Total = 1000.50m, InPolicy = 800.00m,
            BasicPaid = 400m, SupplementaryPaid = 12.3m, ReasonableOutOfPolicy = 50.05m, Excluded = Doudi.Policy.Vocabulary.Exclusion.ThirdParty,
            Designated = false, Referred = true, Emergency = true,
            Items = [new(Doudi.Policy.Vocabulary.ItemKind.Drug, Doudi.Policy.Vocabulary.ItemClass.TcmGranules, true, 300.10m),
                     new(Doudi.Policy.Vocabulary.ItemKind.Service, Doudi.Policy.Vocabulary.ItemClass.None, false, 0.40m)],
        };
        var result = new BillResult { Id = "B1", Person = "P1", Date = bill.Date, Policy = "fuyang-2023", Category = Doudi.Policy.Vocabulary.Category.Marginal,
            Assistance = 150000.00m, Tilted = 0m, PersonalBurden = 1.5m, ReasonableBurden = 2.25m, CriticalIllness = 3m };
        var line = YearFacts.Write(bill, result);
        var (b, r) = YearFacts.Read("B1", "P1", line);
        Assert.Equal(line, YearFacts.Write(b, r));
        Assert.Equal("150000.00", r.Assistance.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(bill.Items, b.Items);
        Assert.Equal((bill.Excluded, bill.Designated, bill.Referred, bill.Emergency, bill.ReasonableOutOfPolicy), (b.Excluded, b.Designated, b.Referred, b.Emergency, b.ReasonableOutOfPolicy));
        Assert.Equal(result.Category, r.Category);
        var none = YearFacts.Write(bill with { Items = [], Designated = true, Referred = false, Emergency = false }, new BillResult { Id = "B1", Person = "P1", Date = bill.Date, Policy = "x" });
        var (b2, r2) = YearFacts.Read("B1", "P1", none);
        Assert.Null(r2.Category);
        Assert.Empty(b2.Items);
        Assert.True(b2.Designated);
        Assert.False(b2.Emergency);
        Assert.Throws<FormatException>(() => YearFacts.Read("B1", "P1", "2" + line[1..]));
        Assert.Throws<FormatException>(() => YearFacts.Read("B1", "P1", line.Replace("marginal", "nobody")));
        Assert.Throws<FormatException>(() => YearFacts.Read("B1", "P1", line[..20]));
    }
}
