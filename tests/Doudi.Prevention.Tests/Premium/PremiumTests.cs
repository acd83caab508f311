using Doudi.Policy.Prevention;
using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Premium;

namespace Doudi.Prevention.Tests.Premium;

public class PremiumTests
{
    // SAMPLE contribution standards (the seeds give none): tier-1 individual contribution 380, tier-2 own 600,
    // Wenzhou/Fuyang resident own contribution 400, 西湖益联保 premium 150.
    private static readonly Contributions Tier1 = new(380m, 380m);
    private static readonly Contributions Tier2 = new(600m, 380m);
    private static readonly PremiumPolicy Pengshui = RepoPolicies.Premium("pengshui-2023");
    private static readonly PremiumPolicy Wenzhou22 = RepoPolicies.Premium("wenzhou-2022");
    private static readonly PremiumPolicy Fuyang = RepoPolicies.Premium("fuyang-2023");

    [Theory]
    [InlineData(Category.Destitute, "380.00")]       // 380 × 100%
    [InlineData(Category.Subsistence, "342.00")]     // 380 × 90%
    [InlineData(Category.RelapsedPoverty, "266.00")] // 380 × 70%
    [InlineData(Category.AtRiskRural, "266.00")]
    [InlineData(Category.Marginal, "266.00")]
    public void Pengshui_tier1_by_category(Category c, string expected) =>
        Assert.Equal(decimal.Parse(expected), Pengshui.Subsidy(PremiumItem.ResidentBasic, c, InsuranceTier.Tier1, Tier1)!.Amount);

    [Fact]
    public void Pengshui_tier2_gets_100_percent_of_the_tier1_standard_not_of_its_own()
    {
        // 二档 own contribution 600, subsidy = 380 × 100% = 380 (the subsistence 90% does not apply in tier 2)
        var line = Pengshui.Subsidy(PremiumItem.ResidentBasic, Category.Subsistence, InsuranceTier.Tier2, Tier2)!;
        Assert.Equal(380m, line.Amount);
        Assert.Contains("一档个人缴费标准 380.00 元 × 100% = 380.00 元", line.BasisZh);
        Assert.Equal("彭水府办发〔2023〕52号 二.(二).1", line.Cite);
    }

    [Fact]
    public void Categories_without_a_premium_rule_get_none()
    {
        Assert.Null(Pengshui.Subsidy(PremiumItem.ResidentBasic, Category.MedicalPoverty, InsuranceTier.Tier1, Tier1));
        Assert.Null(Fuyang.Subsidy(PremiumItem.Supplementary, Category.ChildInDifficulty, InsuranceTier.Tier1, new(150m)));
    }

    [Fact]
    public void Wenzhou_2022_pays_100_percent_and_fuyang_children_and_xihu_yilianbao_too()
    {
        Assert.Equal(400m, Wenzhou22.Subsidy(PremiumItem.ResidentBasic, Category.Marginal, InsuranceTier.Tier1, new(400m))!.Amount);
        Assert.Equal(400m, Fuyang.Subsidy(PremiumItem.ResidentBasic, Category.ChildInDifficulty, InsuranceTier.Tier1, new(400m))!.Amount);
        Assert.Equal(150m, Fuyang.Subsidy(PremiumItem.Supplementary, Category.SevereDisability, InsuranceTier.Tier1, new(150m))!.Amount);
    }

    [Fact]
    public void Amounts_the_text_leaves_open_are_clear_errors()
    {
        var e = Assert.Throws<PremiumParameterMissingException>(() =>
            Fuyang.Subsidy(PremiumItem.ResidentBasic, Category.Subsistence, InsuranceTier.Tier1, new(400m)));
        Assert.Contains("fuyang-2023", e.Message);
        Assert.Contains("subsistence", e.Message);
        var w = Assert.Throws<PremiumParameterMissingException>(() =>
            RepoPolicies.Premium("wenzhou-2020").Subsidy(PremiumItem.ResidentBasic, Category.Destitute, InsuranceTier.Tier1, new(400m)));
        Assert.Contains("温政办〔2020〕78号 第六条", w.Message);
    }

    private static PremiumPerson P(string id, DateOnly approved, DateOnly? exited = null, bool phaseOut = false, params int[] selfPaid) =>
        new(id, "某" + id, Category.Subsistence, InsuranceTier.Tier1, approved, exited, phaseOut, selfPaid.ToHashSet());

    private static Contributions C(PremiumPerson p, PremiumItem i) => new(400m, 400m);

    [Fact]
    public void A_new_object_is_on_the_approval_months_list_effective_next_month()
    {
        var people = new[] { P("A", new(2024, 5, 20)), P("B", new(2024, 5, 3), selfPaid: 2024), P("C", new(2024, 6, 1)) };
        var may = PremiumLists.Monthly(Wenzhou22, 2024, 5, people, C);
        var a = may.Single(r => r.PersonId == "A");
        Assert.Equal((400m, new DateOnly(2024, 6, 1), PremiumRowStatus.Subsidised), (a.Amount, a.EffectiveFrom, a.Status));
        // B already paid 2024 herself: no refund, subsidised from 2025
        var b = may.Single(r => r.PersonId == "B");
        Assert.Equal((0m, PremiumRowStatus.NextYear), (b.Amount, b.Status));
        Assert.DoesNotContain(may, r => r.PersonId == "C");
        Assert.Contains(PremiumLists.Annual(Wenzhou22, 2025, people, C), r => r.PersonId == "B" && r.Amount == 400m);
        // December approval takes effect on 1 January
        Assert.Equal(new DateOnly(2025, 1, 1), PremiumLists.Monthly(Wenzhou22, 2024, 12, [P("D", new(2024, 12, 9))], C).Single().EffectiveFrom);
    }

    [Fact]
    public void Exiting_objects_drop_next_year_unless_in_phase_out_where_the_policy_keeps_them()
    {
        var people = new[]
        {
            P("stay", new(2022, 1, 10)),
            P("left", new(2022, 1, 10), exited: new(2024, 8, 31)),
            P("phase", new(2022, 1, 10), exited: new(2024, 8, 31), phaseOut: true),
        };
        Assert.Equal(new[] { "left", "phase", "stay" }, PremiumLists.Annual(Wenzhou22, 2024, people, C).Select(r => r.PersonId)); // this year kept
        var next = PremiumLists.Annual(Wenzhou22, 2025, people, C);
        Assert.Equal(new[] { "phase", "stay" }, next.Select(r => r.PersonId));
        Assert.Contains("渐退期", next[0].NoteZh);
        // Wenzhou-2020 has no phase-out rule; its amounts are missing anyway, so the list fails plainly.
        Assert.Throws<PremiumParameterMissingException>(() => PremiumLists.Annual(RepoPolicies.Premium("wenzhou-2020"), 2023, people, C));
    }

    [Fact]
    public void The_list_for_the_office_is_csv_with_one_line_per_item()
    {
        var person = new PremiumPerson("F1", "富某", Category.Destitute, InsuranceTier.Tier1, new(2023, 3, 15), null, false, new HashSet<int>());
        // fuyang destitute: resident basic amount is missing → error; a child in difficulty is fine
        Assert.Throws<PremiumParameterMissingException>(() => PremiumLists.Monthly(Fuyang, 2023, 3, [person], C));
        var child = person with { PersonId = "F2", Category = Category.ChildInDifficulty };
        var csv = PremiumLists.ToCsv(PremiumLists.Monthly(Fuyang, 2023, 3, [child], C));
        Assert.StartsWith("\uFEFF人员编号 person_id,", csv);
        Assert.Contains("F2,富某,child_in_difficulty,tier1,resident_basic,400.00,2023-04-01,资助,", csv);
    }
}
