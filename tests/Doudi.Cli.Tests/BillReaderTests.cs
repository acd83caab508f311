using System.Text;
using System.Text.Json;
using Doudi.Cases;
using Doudi.Engine.Settlement;
using Doudi.Policy.Vocabulary;

namespace Doudi.Cli.Tests;

public class BillReaderTests
{
    private const string Bill = """{ "id": "b1", "person": "p1", "date": "2023-04-01", "kind": "inpatient", "total": 100, "inPolicy": 80, "basicPaid": 40 }""";

    [Fact]
    public void Reads_one_bill_with_the_case_file_defaults()
    {
        var read = BillReader.ReadBill(Encoding.UTF8.GetBytes(Bill));
        Assert.True(read.Ok);
        Assert.Equal(("b1", "p1", 80m), (read.Value!.Id, read.Value.Person, read.Value.InPolicy));
        Assert.True(read.Value.Designated);
        Assert.Null(read.Value.CriticalPaid);
    }

    [Fact]
    public void Problem_paths_start_with_the_prefix()
    {
        var read = BillReader.ReadBill(Encoding.UTF8.GetBytes(Bill.Replace("2023-04-01", "2023-04-31")), "bill");
        Assert.Equal("bill.date", Assert.Single(read.Problems).Path);
        read = BillReader.ReadBill(Encoding.UTF8.GetBytes(Bill.Replace("2023-04-01", "2023-04-31")));
        Assert.Equal("date", Assert.Single(read.Problems).Path);
    }

    [Fact]
    public void A_lone_bill_is_not_checked_against_persons()
    {
        Assert.True(BillReader.ReadBill(Encoding.UTF8.GetBytes(Bill.Replace("\"p1\"", "\"anyone\""))).Ok);
    }

    [Fact]
    public void Reads_one_person()
    {
        var read = BillReader.ReadPerson("""{ "id": "p1", "insurance": "retiree", "identities": [ { "category": "destitute", "recognized": "2020-01-01" } ] }"""u8, "person");
        Assert.True(read.Ok);
        Assert.Equal(("p1", "p1", InsuranceType.Retiree), (read.Value!.Id, read.Value.Household, read.Value.Insurance));
        var bad = BillReader.ReadPerson("""{ "id": "p1", "insurance": "retiree", "identities": [ { "category": "rich", "recognized": "2020-01-01" } ] }"""u8, "person");
        Assert.Equal("person.identities[0].category", Assert.Single(bad.Problems).Path);
        Assert.Throws<SettlementException>(() => bad.ValueOrThrow());
    }

    [Fact]
    public void Reads_a_bill_out_of_a_larger_document_and_leaves_the_reader_after_it()
    {
        byte[] body = Encoding.UTF8.GetBytes($$"""{ "region": "fuyang", "bill": {{Bill}}, "after": 7 }""");
        var reader = new Utf8JsonReader(body);
        reader.Read(); reader.Read(); reader.Read(); reader.Read(); // {, "region", "fuyang", "bill"
        reader.Read();                                              // the bill's {
        var problems = new List<SettlementProblem>();
        var bill = BillReader.ReadBill(ref reader, "bill", problems);
        Assert.Empty(problems);
        Assert.Equal("b1", bill!.Id);
        Assert.Equal(JsonTokenType.EndObject, reader.TokenType);
        reader.Read();
        Assert.True(reader.ValueTextEquals("after"));
    }

    [Fact]
    public void A_document_with_more_than_the_bill_is_broken()
    {
        var read = BillReader.ReadBill(Encoding.UTF8.GetBytes(Bill + "{}"));
        Assert.Contains("invalid JSON", Assert.Single(read.Problems).Message);
    }
}
