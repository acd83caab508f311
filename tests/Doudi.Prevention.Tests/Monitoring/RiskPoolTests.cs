using Doudi.Policy.Prevention;
using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Common;
using Doudi.Prevention.Monitoring;

namespace Doudi.Prevention.Tests.Monitoring;

public class RiskPoolTests
{
    private static readonly MonitoringPolicy Fuyang = RepoPolicies.Monitoring("fuyang-2023");
    private static readonly RegionalStatistics NoStats = new([]);
    private static readonly DateTimeOffset T = new(2023, 6, 1, 9, 0, 0, TimeSpan.FromHours(8));

    private static (RiskPool pool, RiskEntry entry) PoolWithOne(decimal inPolicy = 5200m)
    {
        var pool = new RiskPool();
        var person = new PersonYear("p1", "h1", 2023, InsuranceType.Resident, true, inPolicy, 8000m, 8000m);
        var fired = MonitoringEvaluator.Evaluate(Fuyang, NoStats, person).Triggered;
        var added = pool.AddWarnings(person, fired, new DateOnly(2023, 6, 1));
        return (pool, added.Single().Entry);
    }

    [Fact]
    public void A_rescan_finds_the_same_person_and_adds_nothing()
    {
        var (pool, first) = PoolWithOne();
        Assert.Equal(5200m, first.Amount);
        var again = new PersonYear("p1", "h1", 2023, InsuranceType.Resident, true, 6100m, 9000m, 9000m);
        var added = pool.AddWarnings(again, MonitoringEvaluator.Evaluate(Fuyang, NoStats, again).Triggered, new DateOnly(2023, 7, 1));
        Assert.False(added.Single().IsNew);
        Assert.Single(pool.Entries);
        Assert.Equal(6100m, first.Amount);               // latest total kept
        Assert.Equal(new DateOnly(2023, 6, 1), first.Date); // the date it entered the pool stays
        Assert.Equal("fuyang-2023/2023/p1/assistance_object_in_policy_burden", first.Id);
    }

    [Fact]
    public void States_move_new_to_follow_up_to_resolved_only()
    {
        var (pool, e) = PoolWithOne();
        Assert.Throws<InvalidTransitionException>(() => pool.Transition(e.Id, RiskState.Resolved, "王五", T, "直接化解"));
        pool.Transition(e.Id, RiskState.UnderFollowUp, "网格员 王五", T, "入户核实");
        Assert.Throws<InvalidTransitionException>(() => pool.Transition(e.Id, RiskState.New, "王五", T, "退回"));
        pool.Transition(e.Id, RiskState.Resolved, "医保分局 李四", T.AddDays(30), "特殊救助后负担降至5万元以下");
        Assert.Equal(RiskState.Resolved, e.State);
        Assert.Equal(new[] { RiskState.UnderFollowUp, RiskState.Resolved }, e.History.Select(h => h.To));
        Assert.Throws<PreventionException>(() => new RiskPool().Transition("nope", RiskState.UnderFollowUp, "a", T, "b"));
    }

    [Fact]
    public void A_change_without_reason_is_refused()
    {
        var (pool, e) = PoolWithOne();
        var ex = Assert.Throws<PreventionException>(() => pool.Transition(e.Id, RiskState.UnderFollowUp, "王五", T, " "));
        Assert.Equal("audit_fields_missing", ex.Code);
    }

    [Fact]
    public void Employer_self_application_enters_the_same_pool_with_the_fuyang_channel_cited()
    {
        var (pool, _) = PoolWithOne();
        var e = pool.AddSelfApplication(Fuyang, 2023, "p2", "h2", ApplicantKind.Employer, "富阳某公司", "职工患白血病，家庭收入骤降", 3000m, new DateOnly(2023, 8, 1));
        Assert.Equal(RiskSource.SelfApplication, e.Source);
        Assert.Equal("富政办〔2022〕21号 二.1", e.Cite);
        Assert.Equal(RiskState.New, e.State);
        Assert.Equal(2, pool.Entries.Count);
        Assert.Single(pool.ForHousehold("h2"));
    }
}
