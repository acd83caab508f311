using Doudi.Engine.Tracing;

namespace Doudi.Engine.Tests;

/// <summary>The formula vocabulary of trace steps: the expressions parse, evaluate in decimal, and render in the detail.</summary>
public sealed class TraceFormulaTests
{
    [Fact]
    public void Every_formula_of_the_vocabulary_parses_and_names_its_inputs_once()
    {
        Assert.NotEmpty(Formulas.ByName);
        foreach (var (name, f) in Formulas.ByName)
        {
            Assert.Equal(name, f.Name);
            Assert.Matches("^[a-z][a-z0-9_]*$", name);
            Assert.True(f.Inputs.Count <= TraceFormula.MaxInputs);
        }
    }

    [Theory]
    // 80% × 1500.005 = 1200.004 → 1200 (I-4: half away from zero at the fen)
    [InlineData("ratio_of_base", "0.8 1500.005", "1200.00")]
    // 60% × (3000.01 − 3000) = 0.006 → 0.01
    [InlineData("ratio_of_excess", "0.6 3000.01 3000", "0.01")]
    [InlineData("limit_left", "150000 149000 3200", "1000")]
    [InlineData("limit_left", "150000 151000 3200", "0")]
    // deductible 10000, 6000 before, 8000 on this bill: 4000 above the line × 60% = 2400
    [InlineData("critical_band", "10000 6000 8000 0.6", "2400")]
    [InlineData("assistance_base", "10000 6000 0 100.5", "3899.5")]
    [InlineData("assistance_base", "10000 9000 2000 0", "0")]
    [InlineData("personal_burden", "12000 6000 0 3200 0 0", "2800")]
    [InlineData("deduction_left", "10000 8000 8000", "2000")]
    [InlineData("cap_excess", "160000 72000 50000", "38000")]
    public void Formulas_evaluate(string name, string inputs, string expected)
    {
        var f = Formulas.ByName[name];
        var values = inputs.Split(' ').Select(i => decimal.Parse(i, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), f.Evaluate(values));
    }

    [Fact]
    public void Conditions_are_checked()
    {
        Assert.True(Formulas.BelowLine.Holds([4999.99m, 5000m]));
        Assert.False(Formulas.BelowLine.Holds([5000m, 5000m]));
        Assert.False(Formulas.LimitLeft.Holds([100m, 0m, 100m]));   // nothing was cut: not a limit step
        Assert.True(Formulas.RatioOfExcess.Holds([0.6m, 3000m, 3000m]));
    }

    [Theory]
    [InlineData("1 + 2 * 3", 7)]
    [InlineData("(1 + 2) * 3", 9)]
    [InlineData("-2 + 5", 3)]
    [InlineData("min(3, 1, 2) + max(0, -4)", 1)]
    [InlineData("round2(0.125) + round2(-0.125)", 0)]
    [InlineData("1 < 2 and 2 <= 2 and not(3 == 4) or 0", 1)]
    [InlineData("10 / 4", 2.5)]
    public void The_language(string expression, double expected) =>
        Assert.Equal((decimal)expected, new TraceFormula("t", expression, []).Evaluate([]));

    [Theory]
    [InlineData("x + ")]
    [InlineData("y")]
    [InlineData("pow(x, 2)")]
    [InlineData("min(x)")]
    [InlineData("(x")]
    public void Bad_expressions_are_refused_when_made(string expression) =>
        Assert.Throws<ArgumentException>(() => new TraceFormula("t", expression, ["x"]));

    [Fact]
    public void Detail_renders_inputs_percentages_and_the_amount()
    {
        var step = new TraceStep("assistance_limit", 1000m, "rule", "I-3", Formulas.LimitLeft, "限额 {0}，已付 {1}，应付 {2}，最多 {=}；比例 {0%}%", 150000m, 149000m, 3200.50m);
        Assert.Equal("限额 150000，已付 149000，应付 3200.5，最多 1000；比例 15000000%", step.Detail);
        Span<byte> utf8 = stackalloc byte[256];
        Assert.True(step.TryFormatDetail(utf8, out int n));
        Assert.Equal(step.Detail, System.Text.Encoding.UTF8.GetString(utf8[..n]));
        Assert.Equal(3, step.InputCount);
        Assert.Equal("used", step.InputName(1));
        Assert.Equal(149000m, step.Input(1));
    }
}
