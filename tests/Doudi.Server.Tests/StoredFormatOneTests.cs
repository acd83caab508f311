using System.Net;
using System.Text.Json;
using Doudi.Engine.Tracing;
using Doudi.Server.Api;
using Doudi.Server.Settlements;
using Doudi.Server.Tests.Infrastructure;
using Doudi.Server.Tests.OpenApi;

namespace Doudi.Server.Tests;

/// <summary>
/// Results stored before issue 8 (result_format 1: the server's own serialisation, a <c>hasCounts</c> field and trace
/// steps of five fields) answer in the shape of <c>SettlementAnswer</c> like every other settlement (upgraded on read),
/// and trace steps always carry the published five fields — <c>"interpretation": null</c> written, never left out, as
/// the result files of <c>doudi settle</c> write it. Before: the format-1 answer had <c>hasCounts</c> and steps without
/// clause, formula and inputs (schema failures), and a step with a non-money amount left <c>interpretation</c> out.
/// </summary>
public abstract class StoredFormatOneTests(ServerFixture fx)
{
    [DbFact]
    public async Task A_format_1_row_answers_in_the_current_shape_and_validates_against_its_schema()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var op = await fx.As("operator");
        var id = "f2-" + Guid.NewGuid().ToString("N")[..10];
        // 0.80 × (10000 − 6000) = 3200 (富政办〔2022〕21号 二.3).
        var (s, settled, t) = await op.PostJson("/api/settlements", new
        {
            id, person, date = "2023-04-01", kind = "inpatient", total = 12000, inPolicy = 10000, basicPaid = 6000, criticalPaid = 0, supplementaryPaid = 0, hospitalLevel = 3, referred = true,
        });
        Assert.True(s == HttpStatusCode.Created, t);
        Assert.Equal(3200m, settled.Dec("assistance"));
        var counted = settled.GetProperty("counted").GetRawText();

        // The same settlement as the server stored it before issue 8 (Json.Serialize of the engine's BillResult; steps of five fields).
        var old = "f1-" + Guid.NewGuid().ToString("N")[..10];
        var formatOne = $$"""
            {"id":"{{old}}","person":"{{person}}","date":"2023-04-01","policy":"fuyang-2023","category":"subsistence","assistanceBase":4000,"criticalIllness":0,
             "assistance":3200,"tilted":0,"supplementary":0,"personalBurden":2800,"reasonableBurden":2800,"counted":{{counted}},"hasCounts":true,
             "trace":[{"step":"identity","amount":0,"rule":"富政办〔2022〕21号 二.3","detail":"低保对象 subsistence"},
                      {"step":"assistance","amount":3200,"rule":"富政办〔2022〕21号 二.3","detail":"80% × 4000 = 3200","interpretation":"I-3"}]}
            """;
        var columns = SettlementService.Columns + ", kind, personal_burden";
        var select = columns.Replace("request_hash", "'f1' || request_hash").Replace("result_json", "@res").Replace("result_format", "1");
        select = "@id" + select[2..];
        await fx.Db.WriteAsync((c, tx) => Doudi.Server.Storage.Sql.ExecAsync(c, $"INSERT INTO settlements ({columns}) SELECT {select} FROM settlements WHERE id = @src", tx,
            ("id", old), ("res", formatOne), ("src", id)));

        var (gs, answer, gt) = await op.GetJson($"/api/settlements/{old}");
        Assert.True(gs == HttpStatusCode.OK, gt);
        Assert.Equal(1, answer.GetProperty("resultFormat").GetInt32());
        Assert.Equal(3200m, answer.Dec("assistance"));
        Assert.False(answer.TryGetProperty("hasCounts", out _));
        var steps = answer.GetProperty("trace").EnumerateArray().ToList();
        Assert.Equal(["identity", "assistance"], steps.Select(x => x.Str("step")));
        Assert.Equal(JsonValueKind.Null, steps[0].GetProperty("interpretation").ValueKind);
        Assert.Equal("I-3", steps[1].Str("interpretation"));
        Assert.All(steps, x => Assert.Equal(JsonValueKind.Null, x.GetProperty("clause").ValueKind));

        var validator = new SchemaValidator(JsonDocument.Parse(await fx.Anonymous().GetStringAsync("/openapi/v1.json")).RootElement.Clone());
        var problems = validator.Check("GET", "/api/settlements/{id}", 200, "application/json", answer.GetRawText());
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        // The list answers it in the same shape.
        var (ls, list, lt) = await op.GetJson($"/api/settlements?person={person}");
        Assert.True(ls == HttpStatusCode.OK, lt);
        problems = validator.Check("GET", "/api/settlements", 200, "application/json", list.GetRawText());
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Equal(2, list.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public void A_step_always_writes_interpretation_even_when_null_and_its_amount_is_not_money()
    {
        foreach (var step in new[] { new TraceStep("share", 0.125m, "规则", "说明"), new TraceStep("assistance", 3200m, "规则", "说明") })
        {
            using var doc = JsonDocument.Parse(Json.Serialize(step));
            var e = doc.RootElement;
            Assert.Equal(JsonValueKind.Null, e.GetProperty("interpretation").ValueKind);
            Assert.Equal(JsonValueKind.Null, e.GetProperty("clause").ValueKind);
            Assert.Equal(JsonValueKind.Null, e.GetProperty("formula").ValueKind);
            Assert.Equal(JsonValueKind.Object, e.GetProperty("inputs").ValueKind);
        }
    }
}

public sealed class StoredFormatOneTestsSqlite(SqliteFixture fx) : StoredFormatOneTests(fx), IClassFixture<SqliteFixture>;
public sealed class StoredFormatOneTestsPostgres(PostgresFixture fx) : StoredFormatOneTests(fx), IClassFixture<PostgresFixture>, IPostgresTests;
