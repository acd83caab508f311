using System.Text;
using Doudi.Cases;
using Doudi.Policy.Vocabulary;
using static Doudi.Cli.Tests.CaseSamples;

namespace Doudi.Cli.Tests;

public class CaseReaderTests
{
    [Fact]
    public void Reads_every_field_of_a_full_bill_and_person()
    {
        var read = Read(Valid);
        Assert.Empty(read.Problems);
        var file = read.Value!;
        Assert.Equal("fuyang", file.Region);

        var p1 = file.Persons[0];
        Assert.Equal(("p1", "h1", InsuranceType.Resident), (p1.Id, p1.Household, p1.Insurance));
        Assert.Equal(2, p1.Identities.Count);
        Assert.Equal(Category.Subsistence, p1.Identities[0].Category);
        Assert.Equal(new DateOnly(2022, 5, 10), p1.Identities[0].Recognized);
        Assert.Null(p1.Identities[0].Revoked);
        Assert.Equal(new DateOnly(2023, 6, 30), p1.Identities[1].Revoked);
        Assert.True(p1.Identities[1].ForMedicalSpending);

        var b1 = file.Bills[0];
        Assert.Equal(("b1", "p1", new DateOnly(2023, 4, 1), BillKind.Inpatient), (b1.Id, b1.Person, b1.Date, b1.Kind));
        Assert.Equal((12000m, 10000m, 6000m, (decimal?)0m), (b1.Total, b1.InPolicy, b1.BasicPaid, b1.CriticalPaid));
        Assert.Equal((100.5m, (decimal?)null, 500m), (b1.SupplementaryPaid, b1.AssistancePaid, b1.ReasonableOutOfPolicy));
        Assert.Equal((true, 3, false, true, false), (b1.SpecialDisease, b1.HospitalLevel, b1.Designated, b1.Referred, b1.WithinCity));
        Assert.Equal(Exclusion.ThirdParty, b1.Excluded);
        Assert.Equal(2, b1.Items.Count);
        Assert.Equal((ItemKind.Drug, ItemClass.DentalImplant, false, 8000m), (b1.Items[0].Kind, b1.Items[0].Class, b1.Items[0].InCatalog, b1.Items[0].Amount));
        Assert.Equal((ItemClass.None, 0.01m), (b1.Items[1].Class, b1.Items[1].Amount));
    }

    [Fact]
    public void Fills_the_contract_defaults_when_fields_are_left_out()
    {
        var file = Read(Valid).Value!;
        var p2 = file.Persons[1];
        Assert.Equal("p2", p2.Household);            // household defaults to the person's own id
        Assert.Empty(p2.Identities);

        var b2 = file.Bills[1];
        Assert.Equal(new DateOnly(2024, 2, 29), b2.Date);
        Assert.True(b2.Designated);
        Assert.True(b2.WithinCity);
        Assert.False(b2.Referred);
        Assert.False(b2.SpecialDisease);
        Assert.Equal(0m, b2.SupplementaryPaid);
        Assert.Equal(0m, b2.ReasonableOutOfPolicy);
        Assert.Null(b2.CriticalPaid);                // null: the engine settles critical illness itself
        Assert.Null(b2.AssistancePaid);
        Assert.Equal(Exclusion.None, b2.Excluded);
        Assert.Empty(b2.Items);
        Assert.Null(b2.HospitalLevel);               // null: not said, refused only where a rule reads it (P-9)
        Assert.False(b2.Emergency);
    }

    [Fact]
    public void Emergency_and_an_unsaid_hospital_level_are_read_and_written_back_as_given()
    {
        var json = Valid.Replace("\"date\": \"2024-02-29\"", "\"date\": \"2024-02-29\", \"emergency\": true");
        Assert.Contains("\"emergency\": true", json);
        var file = Read(json).Value!;
        Assert.True(file.Bills[1].Emergency);
        Assert.False(file.Bills[0].Emergency);

        using var written = new MemoryStream();
        CaseWriter.Write(file, written);
        var back = CaseReader.Read(written.ToArray()).Value!;
        Assert.True(back.Bills[1].Emergency);
        Assert.Null(back.Bills[1].HospitalLevel);
        Assert.Equal(3, back.Bills[0].HospitalLevel);
        var text = Encoding.UTF8.GetString(written.ToArray());
        Assert.Equal(1, text.Split("\"hospitalLevel\"").Length - 1);   // only the bill that said it
        Assert.Equal(1, text.Split("\"emergency\"").Length - 1);       // only when true

        Assert.Contains("\"emergency\":true", BillWriter.Write(back.Bills[1]));
        Assert.DoesNotContain("emergency", BillWriter.Write(back.Bills[0]));
        Assert.DoesNotContain("hospitalLevel", BillWriter.Write(back.Bills[1]));
    }

    [Theory]
    [InlineData("\"emergency\": \"yes\"")]
    [InlineData("\"emergency\": true, \"emergency\": false")]
    [InlineData("\"emergency\": null")]
    public void A_malformed_emergency_is_refused_at_its_field(string field)
    {
        var read = Read(Valid.Replace("\"date\": \"2024-02-29\"", "\"date\": \"2024-02-29\", " + field));
        Assert.Contains(read.Problems, p => p.ToString().Contains("bills[1].emergency"));
    }

    [Fact]
    public void A_bill_shares_its_persons_id_string()
    {
        var file = Read(Valid).Value!;
        Assert.Same(file.Persons[0].Id, file.Bills[0].Person);
    }

    [Fact]
    public void Bills_may_come_before_persons()
    {
        var root = Case();
        var bills = root["bills"]!;
        root.Remove("bills");
        var reordered = new System.Text.Json.Nodes.JsonObject { ["bills"] = bills };
        foreach (var (k, v) in root.ToList()) { root.Remove(k); reordered[k] = v; }
        var read = Read(reordered);
        Assert.Empty(read.Problems);
        Assert.Equal(2, read.Value!.Bills.Count);
    }

    [Fact]
    public void Escaped_names_and_values_are_read_like_plain_ones()
    {
        string json = Valid.Replace("\"kind\": \"inpatient\"", "\"\\u006bind\": \"in\\u0070atient\"")
                           .Replace("\"person\": \"p1\"", "\"person\": \"\\u0070\\u0031\"");
        var read = Read(json);
        Assert.Empty(read.Problems);
        Assert.Equal(BillKind.Inpatient, read.Value!.Bills[0].Kind);
        Assert.Equal("p1", read.Value.Bills[0].Person);
    }

    [Fact]
    public void A_byte_order_mark_is_skipped()
    {
        byte[] json = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Valid)];
        Assert.Empty(CaseReader.Read(json).Problems);
        Assert.Empty(CaseReader.Read(new MemoryStream(json)).Problems);
    }
}
