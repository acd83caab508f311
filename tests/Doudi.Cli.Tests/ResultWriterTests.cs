using System.Text;
using System.Text.Json;
using Doudi.Cases;
using Doudi.Engine.Results;
using Doudi.Engine.Tracing;
using Doudi.Policy.Vocabulary;

namespace Doudi.Cli.Tests;

public class ResultWriterTests
{
    private static CaseResult Sample(decimal assistance, Category? category = Category.Subsistence)
    {
        var result = new CaseResult();
        var bill = new BillResult { Id = "b1", Person = "p1", Date = new DateOnly(2023, 4, 1), Policy = "fuyang-2023", Category = category };
        bill.AssistanceBase = 4000.00m;
        bill.Assistance = assistance;
        bill.PersonalBurden = 2000m;
        bill.Counted["fuyang.assistance"] = 3200.50m;
        bill.Trace.Add(new TraceStep("assistance", assistance, "富政办〔2022〕21号 二.3", "80% × 4000", "I-4"));
        result.Bills.Add(bill);
        var person = new PersonYearResult { Id = "p1", Year = 2023, Assistance = assistance, PersonalBurden = 2000m };
        person.Trace.Add(new TraceStep("cap", 0m, "rule", "detail"));
        result.Persons.Add(person);
        result.Households.Add(new HouseholdYearResult { Id = "h1", Year = 2023, ReasonableBurden = 2000.10m });
        return result;
    }

    private static string Write(CaseResult result, bool indented = false)
    {
        using var stream = new MemoryStream();
        ResultWriter.Write(result, stream, indented);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    [Theory]
    [InlineData("3200.00", "3200")]
    [InlineData("3200.50", "3200.5")]
    [InlineData("3200.5", "3200.5")]
    [InlineData("0.01", "0.01")]
    [InlineData("0.10", "0.1")]
    [InlineData("0", "0")]
    [InlineData("-0.00", "0")]
    [InlineData("-12.30", "-12.3")]
    [InlineData("1234567890.99", "1234567890.99")]
    [InlineData("79228162514264337593543950335", "79228162514264337593543950335")]
    public void Amounts_are_numbers_with_at_most_two_decimals_and_round_trip(string amount, string expected)
    {
        decimal value = decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture);
        string json = Write(Sample(value));
        Assert.Contains($"\"assistance\":{expected},", json);
        using var doc = JsonDocument.Parse(json);
        var written = doc.RootElement.GetProperty("bills")[0].GetProperty("assistance");
        Assert.Equal(JsonValueKind.Number, written.ValueKind);
        Assert.Equal(expected, written.GetRawText());
        Assert.Equal(value, written.GetDecimal());
        Assert.Equal(value, doc.RootElement.GetProperty("bills")[0].GetProperty("trace")[0].GetProperty("amount").GetDecimal());
    }

    [Fact]
    public void Writes_the_contract_fields_in_camel_case()
    {
        using var doc = JsonDocument.Parse(Write(Sample(3200m)));
        var bill = doc.RootElement.GetProperty("bills")[0];
        foreach (var name in new[] { "id", "policy", "category", "assistanceBase", "criticalIllness", "assistance", "tilted", "personalBurden", "person", "date", "supplementary", "reasonableBurden", "counted", "trace" })
            Assert.True(bill.TryGetProperty(name, out _), name);
        Assert.Equal("subsistence", bill.GetProperty("category").GetString());
        Assert.Equal("2023-04-01", bill.GetProperty("date").GetString());
        Assert.Equal(3200.5m, bill.GetProperty("counted").GetProperty("fuyang.assistance").GetDecimal());
        var step = bill.GetProperty("trace")[0];
        Assert.Equal(("assistance", "富政办〔2022〕21号 二.3", "80% × 4000", "I-4"),
            (step.GetProperty("step").GetString(), step.GetProperty("rule").GetString(), step.GetProperty("detail").GetString(), step.GetProperty("interpretation").GetString()));

        var person = doc.RootElement.GetProperty("persons")[0];
        foreach (var name in new[] { "id", "year", "assistance", "tilted", "specialAssistance", "capRelief", "personalBurden", "trace" })
            Assert.True(person.TryGetProperty(name, out _), name);
        Assert.Equal(2023, person.GetProperty("year").GetInt32());
        Assert.Equal(JsonValueKind.Null, person.GetProperty("trace")[0].GetProperty("interpretation").ValueKind);

        var household = doc.RootElement.GetProperty("households")[0];
        foreach (var name in new[] { "id", "year", "reasonableBurden", "capRelief", "trace" })
            Assert.True(household.TryGetProperty(name, out _), name);
        Assert.Equal("2000.1", household.GetProperty("reasonableBurden").GetRawText());
    }

    [Fact]
    public void A_bill_without_a_category_writes_null()
    {
        using var doc = JsonDocument.Parse(Write(Sample(0m, category: null)));
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("bills")[0].GetProperty("category").ValueKind);
    }

    [Fact]
    public void Chinese_is_written_as_is_for_staff_to_read()
    {
        string json = Write(Sample(1m));
        Assert.Contains("富政办〔2022〕21号 二.3", json);
        Assert.Contains("80% × 4000", json);
        Assert.DoesNotContain("\\u", json);
    }

    [Fact]
    public void Indented_output_is_the_same_data()
    {
        string compact = Write(Sample(3200.5m)), indented = Write(Sample(3200.5m), indented: true);
        Assert.Contains("\n", indented);
        Assert.DoesNotContain("\n", compact);
        using var a = JsonDocument.Parse(compact);
        using var b = JsonDocument.Parse(indented);
        Assert.Equal(JsonSerializer.Serialize(a.RootElement), JsonSerializer.Serialize(b.RootElement));
    }

    [Fact]
    public void An_amount_with_three_decimals_is_caught_before_writing()
    {
        var result = Sample(3200.005m);
        var problems = ResultWriter.Check(result);
        Assert.Equal(["bills[0].assistance", "bills[0].trace[0].amount", "persons[0].assistance"], problems.Select(p => p.Path));
        Assert.Throws<InvalidOperationException>(() => Write(result));
        Assert.Empty(ResultWriter.Check(Sample(3200.01m)));
    }
}
