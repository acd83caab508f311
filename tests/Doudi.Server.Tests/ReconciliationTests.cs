using System.Net;
using System.Net.Http.Headers;
using Doudi.Policy.Loading;
using Doudi.Server.Tests.Infrastructure;
using Doudi.Synthetic;

namespace Doudi.Server.Tests;

/// <summary>
/// Issue 11, reconciliation on the server: a generated county's monthly name lists build the registry through the API,
/// its national export (with planted maf_pay errors) is reconciled against it, and exactly the planted bills come back,
/// each moved through the bureau's workflow with every step audited.
/// </summary>
public abstract class ReconciliationTests(ServerFixture fx)
{
    private sealed record County(string Dir, HashSet<(string SetlId, decimal Difference)> Planted) : IDisposable
    {
        public void Dispose() => Directory.Delete(Dir, recursive: true);
    }

    private static County Generate(int seed)
    {
        var catalog = PolicyLoader.LoadDirectory(PolicyLocator.FindDefault()!).Catalog!;
        var options = new CityOptions { Region = "fuyang", Year = 2023, Residents = 30_000, Objects = 150, Bills = 1_500, Seed = seed, PlantedErrors = 8, WriteCase = false };
        var dir = Directory.CreateTempSubdirectory("doudi-recon-").FullName;
        new CityGenerator(CityRegistry.Build(options, catalog), catalog).Write(dir);
        var planted = File.ReadLines(Path.Combine(dir, "planted.csv")).Skip(1).Select(l => l.Split(','))
            .Select(c => (c[0], -decimal.Parse(c[5], System.Globalization.CultureInfo.InvariantCulture))).ToHashSet();
        return new County(dir, planted);
    }

    private async Task ImportNameListsAsync(HttpClient op, string dir)
    {
        foreach (var file in Directory.GetFiles(Path.Combine(dir, "namelists")).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(file); // 2023-01-civil_affairs
            var (status, _, text) = await op.PostRaw($"/api/name-lists?month={name[..7]}&region=fuyang&department={name[8..]}&mode=full", File.ReadAllText(file), "text/csv");
            Assert.True(status is HttpStatusCode.Created or HttpStatusCode.OK, $"{name}: {text}");
        }
    }

    [DbFact]
    public async Task A_generated_export_with_planted_errors_finds_exactly_them_and_the_workflow_is_audited()
    {
        using var county = Generate(seed: 11);
        Assert.Equal(8, county.Planted.Count);
        var op = await fx.As("operator");
        await ImportNameListsAsync(op, county.Dir);

        var export = File.ReadAllText(Path.Combine(county.Dir, "settlements.csv"));
        var (status, run, text) = await op.PostRaw("/api/reconciliations?region=fuyang", export, "text/csv");
        Assert.True(status == HttpStatusCode.Created, text);
        var id = run.Str("id");
        var (_, items, _) = await op.GetJson($"/api/reconciliations/{id}/items?pageSize=200");
        var found = items.GetProperty("items").EnumerateArray().Select(i => (i.Str("setlId"), i.Dec("difference"))).ToHashSet();
        Assert.Equal(county.Planted, found);
        Assert.Equal(run.Dec("toPay") - run.Dec("toRecover"), run.Dec("due") - run.Dec("paid"));

        // The same file again: the same run, nothing stored twice.
        var (again, rerun, _) = await op.PostRaw("/api/reconciliations?region=fuyang", export, "text/csv");
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(id, rerun.Str("id"));

        // The workflow of one difference: sent to the township, confirmed, then paid (应补) or recovered (应退).
        var item = items.GetProperty("items")[0];
        string setl = item.Str("setlId"), last = item.Str("direction") == "to_pay" ? "paid" : "recovered";
        var (skip, _, _) = await op.PostJson($"/api/reconciliations/{id}/items/{setl}/steps", new { status = "confirmed" });
        Assert.Equal(HttpStatusCode.Conflict, skip);
        // A field the workflow does not know is refused by name, not ignored (both bodies were bound leniently before).
        var (unknownStep, _, unknownStepText) = await op.PostJson($"/api/reconciliations/{id}/items/{setl}/steps", new { status = "sent_to_township", amount = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, unknownStep);
        Assert.Contains("amount", unknownStepText);
        var (unknownSend, _, unknownSendText) = await op.PostJson($"/api/reconciliations/{id}/township-sendings", new { township = item.Str("township"), towns = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, unknownSend);
        Assert.Contains("towns", unknownSendText);
        var (sent, sentBody, sentText) = await op.PostJson($"/api/reconciliations/{id}/township-sendings", new { township = item.Str("township"), note = "请核实" });
        Assert.True(sent == HttpStatusCode.OK, sentText);
        Assert.True(sentBody.GetProperty("sent").GetInt32() >= 1);
        foreach (var step in new[] { "confirmed", last })
        {
            var (s, moved, t) = await op.PostJson($"/api/reconciliations/{id}/items/{setl}/steps", new { status = step, note = "已核实" });
            Assert.True(s == HttpStatusCode.OK, t);
            Assert.Equal(step, moved.Str("status"));
        }
        var (done, _, _) = await op.PostJson($"/api/reconciliations/{id}/items/{setl}/steps", new { status = last });
        Assert.Equal(HttpStatusCode.Conflict, done);
        var admin = await fx.As("admin");
        var (_, audit, _) = await admin.GetJson($"/api/audit?entity=reconciliation_item&entityId={Uri.EscapeDataString($"{id}/{setl}")}");
        Assert.Equal(3, audit.GetProperty("items").GetArrayLength());

        // The report as Excel; read-only roles may read it, not move anything.
        var auditor = await fx.As("auditor");
        var xlsx = await auditor.GetAsync($"/api/reconciliations/{id}/report.xlsx");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Content.Headers.ContentType!.MediaType);
        var (forbidden, _, _) = await auditor.PostJson($"/api/reconciliations/{id}/township-sendings", new { township = item.Str("township") });
        Assert.Equal(HttpStatusCode.Forbidden, forbidden);
    }

    [DbFact]
    public async Task A_provincial_export_needs_its_profile_and_a_bad_one_is_refused_with_its_line()
    {
        using var county = Generate(seed: 12);
        var op = await fx.As("operator");
        var lines = File.ReadAllLines(Path.Combine(county.Dir, "settlements.csv"));
        lines[0] = lines[0].Replace("inscp_scp_amt", "inscp_amt").Replace("psn_cash_pay", "cash_payamt") + ",hifdm_pay";
        for (int i = 1; i < lines.Length; i++) lines[i] += ",0.00";
        var export = string.Join('\n', lines) + "\n";

        var (refused, problem, text) = await op.PostRaw("/api/reconciliations?region=fuyang", export, "text/csv");
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Contains("inscp_amt, cash_payamt, hifdm_pay", text);

        async Task<(HttpStatusCode, string)> Post(string profile)
        {
            using var form = new MultipartFormDataContent();
            form.Add(new StringContent(export), "export", "province.csv");
            form.Add(new StringContent(profile), "profile", "province.yaml");
            var r = await op.PostAsync("/api/reconciliations?region=fuyang", form);
            return (r.StatusCode, await r.Content.ReadAsStringAsync());
        }
        var (bad, badText) = await Post("profile: p\ncolumns:\n  inscp_amt: inscp_scp_amt\n  cash_payamt: psn_cash_pay\n  hifdm_pay: hifdm\n");
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Contains("profile:5", badText);
        var (ok, okText) = await Post("profile: p\ncolumns:\n  inscp_amt: inscp_scp_amt\n  cash_payamt: psn_cash_pay\n  hifdm_pay: ignore\n");
        Assert.True(ok == HttpStatusCode.Created, okText);
    }
}

public sealed class ReconciliationTestsSqlite(SqliteFixture fx) : ReconciliationTests(fx), IClassFixture<SqliteFixture>;
public sealed class ReconciliationTestsPostgres(PostgresFixture fx) : ReconciliationTests(fx), IClassFixture<PostgresFixture>, IPostgresTests;
