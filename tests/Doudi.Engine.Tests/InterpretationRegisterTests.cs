using Doudi.Policy.Loading;

namespace Doudi.Engine.Tests;

/// <summary>
/// The interpretations register (policies/interpretations.yaml): a policy file citing an I-n the register lacks is
/// refused with its file and line; the shipped register names every clause that cites each I-n; local parameter
/// files (<c>fills</c>) fill only the open values they name.
/// </summary>
public sealed class InterpretationRegisterTests
{
    private const string Register = """
        interpretations:
          - id: I-1
            title: 测试
            adopted: 2026-11-22
            decides: 测试解释
            clauses: [test-2024 第一条]
        """;

    private const string Policy = """
        id: test-2024
        region: testland
        title: 测试办法
        document: 测试〔2024〕1号
        period: { from: 2024-01-01, to: 2024-12-31 }
        cite: 测试〔2024〕1号 第九条
        interpretations:
          I-1: 测试
        clauses:
          - cite: 第一条
            text: 低保对象按80%救助，年度限额10万元。
            interpretation: I-1
            set:
              objects: [subsistence]
              assistance.scheme.inpatient: inpatient
              assistance.inpatient.ratio.subsistence: 0.80
              assistance.inpatient.limits: [annual]
              limit.annual.subsistence: 100000
              lookback.months: 6
              lookback.schemes: [inpatient]
              lookback.deduction: missing
        """;

    private static PolicyLoadResult Load(params (string File, string Text)[] files) => PolicyLoader.LoadTexts(files);

    [Fact]
    public void A_policy_citing_registered_interpretations_loads()
    {
        var r = Load(("interpretations.yaml", Register), ("t.yaml", Policy));
        Assert.True(r.Ok, string.Join("\n", r.Errors));
        Assert.NotNull(r.Catalog!.Interpretations.Find("I-1"));
    }

    [Fact]
    public void A_limit_step_cites_the_interpretation_the_register_gives_its_mechanism_not_a_number_in_code()
    {
        // I-3 (annual limits fill in settlement order) is the register's decision: a register giving the mechanism to
        // another number makes the limit step cite that one.
        string register = Register.Replace("clauses: [test-2024 第一条]", "clauses: [test-2024 第一条]\n    mechanisms: [limit_order]");
        var r = Load(("interpretations.yaml", register), ("t.yaml", Policy));
        Assert.True(r.Ok, string.Join("\n", r.Errors));
        Assert.Equal("I-1", r.Catalog!.Interpretations.ForMechanism("limit_order"));
        var person = new Doudi.Engine.Cases.Person("p", "h", Doudi.Policy.Vocabulary.InsuranceType.Resident,
            [new(Doudi.Policy.Vocabulary.Category.Subsistence, new DateOnly(2023, 1, 1), null)]);
        var bill = new Doudi.Engine.Cases.Bill { Id = "b", Person = "p", Date = new DateOnly(2024, 3, 1), Kind = Doudi.Policy.Vocabulary.BillKind.Inpatient,
            Total = 200000, InPolicy = 200000, BasicPaid = 0, CriticalPaid = 0 };
        // 80% × 200000 = 160000 over the 100000 limit → limit step
        var result = new Doudi.Engine.Settlement.SettlementEngine(r.Catalog).SettleBill("testland", person, bill, new Doudi.Engine.Settlement.PersonLedger(2024));
        Assert.Equal(100000m, result.Assistance);
        Assert.Equal("I-1", Assert.Single(result.Trace, s => s.Step == "assistance_limit").Interpretation);

        // A mechanism given to two interpretations is refused.
        var twice = register.Replace("interpretations:\n", "interpretations:\n  - id: I-2\n    title: 二\n    adopted: 2026-11-22\n    decides: 二\n    mechanisms: [limit_order]\n");
        Assert.Contains(Load(("interpretations.yaml", twice), ("t.yaml", Policy)).Errors, e => e.ToString().Contains("limit_order"));
    }

    [Fact]
    public void The_shipped_register_decides_the_engines_general_mechanisms()
    {
        var catalog = Repo.Catalog();
        Assert.Equal(("I-3", "I-4", "I-14"), (catalog.Interpretations.ForMechanism("limit_order"), catalog.Interpretations.ForMechanism("rounding"),
            catalog.Interpretations.ForMechanism("personal_burden")));
    }

    [Fact]
    public void A_clause_citing_an_unregistered_interpretation_is_refused_at_its_line()
    {
        var r = Load(("interpretations.yaml", Register), ("t.yaml", Policy.Replace("    interpretation: I-1", "    interpretation: I-99")));
        Assert.Null(r.Catalog);
        var e = Assert.Single(r.Errors);
        Assert.Equal(("t.yaml", 12), (e.File, e.Line));
        Assert.Contains("I-99", e.Message);
    }

    [Fact]
    public void The_file_list_of_interpretations_is_checked_too()
    {
        var r = Load(("interpretations.yaml", Register), ("t.yaml", Policy.Replace("  I-1: 测试", "  I-1: 测试\n  D-1: 本地选择")));
        var e = Assert.Single(r.Errors);
        Assert.Equal(("t.yaml", 9), (e.File, e.Line));
        Assert.Contains("D-1", e.Message);
    }

    [Fact]
    public void Without_a_register_no_interpretation_may_be_cited()
    {
        var r = Load(("t.yaml", Policy));
        Assert.Null(r.Catalog);
        Assert.All(r.Errors, e => Assert.Contains("I-1", e.Message));
    }

    private const string Local = """
        id: test-local
        region: testland
        title: 本地参数
        document: 本地〔2024〕1号
        fills: [test-2024]
        period: { from: 2024-01-01 }
        cite: 本地〔2024〕1号 第一条
        clauses:
          - cite: 第一条
            note: 家庭承受能力 8000 元。
            set:
              lookback.deduction: 8000
        """;

    [Fact]
    public void A_local_file_fills_the_open_value_and_the_policy_stays_the_seeds()
    {
        var r = Load(("interpretations.yaml", Register), ("t.yaml", Policy), ("local/l.yaml", Local));
        Assert.True(r.Ok, string.Join("\n", r.Errors));
        var period = r.Catalog!.Find("testland", new DateOnly(2024, 6, 1))!;
        Assert.Equal("test-2024", period.PolicyId);
        var deduction = period.Lookback!.Deduction!.Value;
        Assert.Equal(8000m, deduction.Value.Amount);
        Assert.Equal("测试〔2024〕1号 第一条；本地参数 local value: 本地〔2024〕1号 第一条", deduction.Cite.Rule);
        // No end date in the local file: the region still ends with its document.
        Assert.Null(r.Catalog.Find("testland", new DateOnly(2025, 1, 1)));
    }

    [Fact]
    public void A_local_file_cannot_replace_a_value_the_seed_gives()
    {
        var r = Load(("interpretations.yaml", Register), ("t.yaml", Policy),
            ("local/l.yaml", Local.Replace("lookback.deduction: 8000", "limit.annual.subsistence: 200000")));
        var e = Assert.Single(r.Errors);
        Assert.Equal(("local/l.yaml", 12), (e.File, e.Line));
        Assert.Contains("fills only open values", e.Message);
    }

    [Fact]
    public void A_local_file_cannot_add_a_parameter_the_policy_does_not_have()
    {
        var r = Load(("interpretations.yaml", Register), ("t.yaml", Policy),
            ("local/l.yaml", Local.Replace("lookback.deduction: 8000", "tilted.ratio: 0.5")));
        var e = Assert.Single(r.Errors);
        Assert.Contains("not a parameter of the filled policy", e.Message);
    }

    [Fact]
    public void A_local_file_must_name_a_known_policy()
    {
        var r = Load(("interpretations.yaml", Register), ("t.yaml", Policy), ("local/l.yaml", Local.Replace("fills: [test-2024]", "fills: [nowhere-1999]")));
        Assert.Contains(r.Errors, e => e.Message.Contains("nowhere-1999"));
    }

    /// <summary>Every clause of the shipped policies that cites an I-n is listed under it, and every listed clause exists.</summary>
    [Fact]
    public void The_shipped_register_lists_the_clauses_relying_on_each_interpretation()
    {
        var catalog = Repo.Catalog();
        var register = catalog.Interpretations;
        var problems = new List<string>();
        var clauses = catalog.Documents.SelectMany(d => d.Clauses.Select(c => (Doc: d, Clause: c))).ToList();
        foreach (var (doc, clause) in clauses)
            if (clause.Interpretation is { } i && register.Find(i) is { } entry && !entry.Clauses.Contains($"{doc.Id} {clause.Cite}"))
                problems.Add($"{doc.File}:{clause.Line}: '{doc.Id} {clause.Cite}' cites {i} but {i} does not list it");
        foreach (var entry in register.All)
            foreach (var listed in entry.Clauses)
                if (!clauses.Any(x => $"{x.Doc.Id} {x.Clause.Cite}" == listed))
                    problems.Add($"{entry.Id} lists '{listed}', which no policy file has");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        // Every interpretation numbered in the digest is in the register: I-1 … I-26.
        Assert.Equal(Enumerable.Range(1, 26).Select(n => $"I-{n}"), InterpretationRegister.Ordered(register.All.Select(e => e.Id).Where(id => id.StartsWith("I-", StringComparison.Ordinal))));
    }
}
