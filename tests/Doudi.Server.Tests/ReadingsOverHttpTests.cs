using System.Net;
using Doudi.Server.Tests.Infrastructure;

namespace Doudi.Server.Tests;

/// <summary>
/// The seed readings of 2026-11-30 over the one-stop settlement API. Amounts by hand from the seeds:
/// wenzhou 温政办〔2020〕78号 第十四条（二） excludes non-designated institutions "紧急情况除外" (P-8), and subsistence is
/// assisted at 80% (温政办〔2021〕78号 三.9); pengshui 二.（三）.2 reads the hospital's level for other diseases (P-9).
/// </summary>
public abstract class ReadingsOverHttpTests(ServerFixture fx)
{
    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];

    private static Dictionary<string, object?> WenzhouBill(string id, string person, bool? emergency) => new()
    {
        ["id"] = id, ["person"] = person, ["date"] = "2023-04-01", ["kind"] = "inpatient", ["total"] = 10000, ["inPolicy"] = 9000,
        ["basicPaid"] = 4000, ["criticalPaid"] = 0, ["designated"] = false, ["emergency"] = emergency,
    };

    [DbFact]
    public async Task An_emergency_at_a_non_designated_institution_is_assisted_in_wenzhou_and_the_answer_repeats()
    {
        var person = await People.RegisterAsync(fx, "wenzhou", "subsistence");
        var op = await fx.As("operator");

        var id = NewId("e");
        var (status, body, text) = await op.PostJson("/api/settlements", WenzhouBill(id, person, emergency: true));
        Assert.True(status == HttpStatusCode.Created, text);
        // base = 9000 − 4000 = 5000; 80% × 5000 = 4000; personal burden = 10000 − 4000 − 4000 = 2000
        Assert.Equal(4000m, body.Dec("assistance"));
        Assert.Equal(2000m, body.Dec("personalBurden"));
        Assert.Contains(body.GetProperty("trace").EnumerateArray(), t => t.Str("step") == "exclusion" && t.Str("interpretation") == "P-8");
        // The same bill again: the stored answer, byte for byte (the stored bill keeps its emergency flag).
        var again = await op.PostJson("/api/settlements", WenzhouBill(id, person, emergency: true));
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(text, again.Text);
        // Without the flag the same bill would be a different bill under that id.
        Assert.Equal(HttpStatusCode.Conflict, (await op.PostJson("/api/settlements", WenzhouBill(id, person, emergency: false))).Status);

        var (s2, b2, t2) = await op.PostJson("/api/settlements", WenzhouBill(NewId("e"), person, emergency: false));
        Assert.True(s2 == HttpStatusCode.Created, t2);
        // 第十四条（二）: non-designated, no emergency → outside assistance; personal burden = 10000 − 4000 = 6000
        Assert.Equal(0m, b2.Dec("assistance"));
        Assert.Equal(6000m, b2.Dec("personalBurden"));
    }

    [DbFact]
    public async Task A_malformed_emergency_is_refused_by_name_and_nothing_is_stored()
    {
        var person = await People.RegisterAsync(fx, "wenzhou", "subsistence");
        var op = await fx.As("operator");
        var id = NewId("e");
        var bill = WenzhouBill(id, person, emergency: null);
        bill["emergency"] = "是";
        var (status, body, text) = await op.PostJson("/api/settlements", bill);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("emergency", out _), text);
        Assert.Equal(HttpStatusCode.NotFound, (await op.GetAsync($"/api/settlements/{id}")).StatusCode);
    }

    [DbFact]
    public async Task A_pengshui_other_disease_bill_without_its_hospital_level_is_refused_at_that_field()
    {
        var person = await People.RegisterAsync(fx, "pengshui", "subsistence", recognized: "2023-06-01");
        var op = await fx.As("operator");
        var id = NewId("l");
        var bill = new Dictionary<string, object?>
        {
            ["id"] = id, ["person"] = person, ["date"] = "2023-08-01", ["kind"] = "inpatient", ["total"] = 40000, ["inPolicy"] = 40000,
            ["basicPaid"] = 20000, ["criticalPaid"] = 0,
        };
        var (status, body, text) = await op.PostJson("/api/settlements", bill);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("hospitalLevel", out _), text);
        Assert.Equal(HttpStatusCode.NotFound, (await op.GetAsync($"/api/settlements/{id}")).StatusCode);

        // Level 2 given: 40000 > 30000 in a level-2 hospital → 80% × (40000 − 20000) = 16000
        bill["hospitalLevel"] = 2;
        var (s2, b2, t2) = await op.PostJson("/api/settlements", bill);
        Assert.True(s2 == HttpStatusCode.Created, t2);
        Assert.Equal(16000m, b2.Dec("assistance"));
    }
}

public sealed class ReadingsOverHttpTestsSqlite(SqliteFixture fx) : ReadingsOverHttpTests(fx), IClassFixture<SqliteFixture>;
public sealed class ReadingsOverHttpTestsPostgres(PostgresFixture fx) : ReadingsOverHttpTests(fx), IClassFixture<PostgresFixture>, IPostgresTests;
