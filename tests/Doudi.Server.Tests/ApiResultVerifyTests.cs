using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Doudi.Cases;
using Doudi.Server.Tests.Infrastructure;

namespace Doudi.Server.Tests;

/// <summary>
/// The API answers trace steps as <c>doudi settle --trace full</c> writes them (clause, formula, inputs, what a year-end
/// step adds up), so a result fetched from the API passes <c>doudi verify</c>: settlements and a year-end run, read back
/// from the database and answered, put together as a result document. Before, the API's converter wrote only the five
/// fields of issue 2 and the year-end steps could not be checked.
/// </summary>
public abstract class ApiResultVerifyTests(ServerFixture fx)
{
    [DbFact]
    public async Task Settlements_and_a_year_end_run_fetched_from_the_API_pass_doudi_verify()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        string household = "HV" + tag;
        var p1 = await People.RegisterAsync(fx, "fuyang", "subsistence", name: "钱多", household: household);
        var p2 = await People.RegisterAsync(fx, "fuyang", "marginal", name: "钱少", household: household);
        var op = await fx.As("operator");
        // p1: base 100000 − 60000 = 40000 → 80% = 32000; reasonable burden 8000 ≥ 5000 → special assistance 50% × 8000 = 4000.
        // p2 (marginal 70%): base 300000 → 210000, annual limit 150000; reasonable burden 150000 → special 75000; cap relief 25000.
        var bills = new[]
        {
            new { id = tag + "-1", person = p1, date = "2023-07-01", total = 100000, basicPaid = 60000 },
            new { id = tag + "-2", person = p2, date = "2023-08-01", total = 400000, basicPaid = 100000 },
        };
        foreach (var b in bills)
        {
            var (s, _, t) = await op.PostJson("/api/settlements", new { b.id, b.person, b.date, kind = "inpatient", b.total, inPolicy = b.total, b.basicPaid, criticalPaid = 0 });
            Assert.True(s == HttpStatusCode.Created, t);
        }
        var (rs, run, rt) = await op.PostJson("/api/year-end-runs", new { region = "fuyang", year = 2023 });
        Assert.True(rs == HttpStatusCode.Created, rt);
        var (gs, fetched, gt) = await op.GetJson($"/api/year-end-runs/{run.Str("id")}");
        Assert.True(gs == HttpStatusCode.OK, gt);

        // The result document: this household's bills as the API answers them, its person-years and household-year.
        var result = new JsonObject
        {
            ["bills"] = new JsonArray(await Task.WhenAll(bills.Select(async b => JsonNode.Parse((await op.GetJson($"/api/settlements/{b.id}")).Text)))),
            ["persons"] = new JsonArray(fetched.GetProperty("persons").EnumerateArray().Where(p => p.Str("id") == p1 || p.Str("id") == p2)
                .Select(p => JsonNode.Parse(p.GetRawText())).ToArray()),
            ["households"] = new JsonArray(fetched.GetProperty("households").EnumerateArray().Where(h => h.Str("id") == household)
                .Select(h => JsonNode.Parse(h.GetRawText())).ToArray()),
        };
        Assert.Equal(2, result["persons"]!.AsArray().Count);
        Assert.Single(result["households"]!.AsArray());
        var special = result["persons"]!.AsArray().Select(p => p!["trace"]!.AsArray()).SelectMany(t => t).First(s => s!["step"]!.GetValue<string>() == "special_assistance");
        Assert.NotNull(special!["clause"]);
        Assert.Equal("ratio_of_base", special["formula"]!.GetValue<string>());
        Assert.NotNull(special["basis"]);

        var problem = ResultVerifier.Verify(new MemoryStream(Encoding.UTF8.GetBytes(result.ToJsonString())), out var summary);
        Assert.Null(problem);
        Assert.Equal((2, 2, 1), (summary.Bills, summary.Persons, summary.Households));

        // And it still catches a tampered amount in what the API answered.
        result["persons"]![0]!["specialAssistance"] = 99999;
        Assert.NotNull(ResultVerifier.Verify(new MemoryStream(Encoding.UTF8.GetBytes(result.ToJsonString())), out _));
    }
}

public sealed class ApiResultVerifyTestsSqlite(SqliteFixture fx) : ApiResultVerifyTests(fx), IClassFixture<SqliteFixture>;
public sealed class ApiResultVerifyTestsPostgres(PostgresFixture fx) : ApiResultVerifyTests(fx), IClassFixture<PostgresFixture>, IPostgresTests;
