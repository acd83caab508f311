using System.Net;
using Doudi.Server.Tests.Infrastructure;

namespace Doudi.Server.Tests.Prevention;

/// <summary>
/// Tiered reduction is the region's policy (policies/relief/, the household-cap job's <c>reduction</c>): a region whose
/// files name none is told so (422: no household-cap job, no_relief_rule; a household-cap job without a reduction,
/// no_reduction_rule) instead of getting a procedure from code.
/// </summary>
public abstract class ReductionProcedureTests(ServerFixture fx)
{
    [DbFact]
    public async Task A_region_without_a_reduction_rule_is_told_so()
    {
        fx.At("2024-03-10T09:00:00");
        var op = await fx.As("operator");
        var p = await People.RegisterAsync(fx, "fuyang", "subsistence", name: "减负甲");
        var household = (await op.GetJson($"/api/persons/{p}")).Body.Str("household");
        // 0.80 × (3000 − 2000) = 800; a small burden: the year-end pays nothing.
        await fx.Settle(new { id = PreventionHelpers.Tag() + "-r", person = p, date = "2023-05-01", kind = "inpatient", total = 3000, inPolicy = 3000, basicPaid = 2000, criticalPaid = 0 });
        var (rs, _, rt) = await op.PostJson("/api/relief-runs", new { region = "fuyang", year = 2023 });
        Assert.True(rs == HttpStatusCode.Created, rt);
        var (s, problem, t) = await op.PostJson("/api/reduction-cases", new { household, costYear = 2023 });
        Assert.True(s == HttpStatusCode.UnprocessableEntity, t);
        // fuyang's relief file has no household-cap job, so no reduction procedure either.
        Assert.EndsWith("no_relief_rule", problem.Str("type"));
    }
}

public sealed class ReductionProcedureTestsSqlite(SqliteFixture fx) : ReductionProcedureTests(fx), IClassFixture<SqliteFixture>;
public sealed class ReductionProcedureTestsPostgres(PostgresFixture fx) : ReductionProcedureTests(fx), IClassFixture<PostgresFixture>, IPostgresTests;
