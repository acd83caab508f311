using System.Text;
using Doudi.Cases;
using Doudi.Policy.Vocabulary;

namespace Doudi.Cli.Tests;

/// <summary>Bills in the national platform's names, read by the one bill reader (issue 8).</summary>
public class NationalBillReaderTests
{
    private const string National = """
        { "setl_id": "S1", "psn_no": "p1", "setl_time": "2023-04-01 23:30:00", "med_type": "21", "insutype": "390",
          "medfee_sumamt": "12000.0", "inscp_scp_amt": 10000, "hifp_pay": "5000", "hifob_pay": 500, "cvlserv_pay": "300", "hifes_pay": 200,
          "hifmi_pay": "0", "oth_pay": 0 }
        """;

    private static ReadResult<BillDocument> Read(string json) => BillReader.ReadDocument(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Maps_the_national_amounts_and_codes()
    {
        var read = Read(National);
        Assert.True(read.Ok, string.Join("; ", read.Problems));
        var d = read.Value!;
        Assert.Equal(BillNaming.National, d.Naming);
        Assert.Equal(("S1", "p1", new DateOnly(2023, 4, 1), BillKind.Inpatient), (d.Bill.Id, d.PersonKey, d.Bill.Date, d.Bill.Kind));
        Assert.Equal(12000m, d.Bill.Total);
        // basicPaid = hifp 5000 + hifob 500 + cvlserv 300 + hifes 200 = 6000: all paid before medical assistance
        Assert.Equal(6000m, d.Bill.BasicPaid);
        Assert.Equal(0m, d.Bill.CriticalPaid);
        Assert.Equal(InsuranceType.Resident, d.Insurance);
        Assert.Null(d.Bill.AssistancePaid);
    }

    [Fact]
    public void A_time_with_an_offset_is_dated_in_Beijing()
    {
        // 2023-03-31T20:00:00Z is 2023-04-01 04:00 in Beijing
        var read = Read(National.Replace("2023-04-01 23:30:00", "2023-03-31T20:00:00Z"));
        Assert.True(read.Ok);
        Assert.Equal(new DateOnly(2023, 4, 1), read.Value!.Bill.Date);
        Assert.Equal(new DateOnly(2023, 4, 1), Read(National.Replace("2023-04-01 23:30:00", "2023-04-01T23:30:00+08:00")).Value!.Bill.Date);
    }

    [Theory]
    [InlineData("\"hifmi_pya\": 1", "hifmi_pya")]
    [InlineData("\"total\": 1", "total")]
    [InlineData("\"hifp_pay\": 1", "hifp_pay")]
    [InlineData("\"psn_name\": \"a\", \"psn_name\": \"b\"", "psn_name")]
    [InlineData("\"med_typecode\": \"14\"", "med_typecode")]
    [InlineData("\"hosp_lv\": \"12\"", "hosp_lv")]
    [InlineData("\"dise_codg\": \"pneumonia\"", "dise_codg")]
    [InlineData("\"fixmedins_name\": \"a\\u0007b\"", "fixmedins_name")]
    [InlineData("\"feedetail\": [ { \"list_type\": \"999\", \"chrgitm_lv\": \"01\", \"det_item_fee_sumamt\": 1 } ]", "feedetail[0].list_type")]
    public void Refuses_with_the_field_named(string extra, string path)
    {
        var read = Read(National.Replace("\"oth_pay\": 0", "\"oth_pay\": 0, " + extra));
        Assert.False(read.Ok);
        Assert.Contains(read.Problems, p => p.Path == path);
    }

    [Theory]
    [InlineData("2023-06-01 25:99:99")]
    [InlineData("2023-06-01 10:00:00; DROP TABLE x")]
    [InlineData("2023-02-30 10:00:00")]
    [InlineData("2023-06-01 10:00")]
    [InlineData("0001-01-01T00:00:00+14:00")]
    [InlineData("9999-12-31T23:59:59-14:00")]
    public void Refuses_a_time_that_is_not_one(string time)
    {
        var read = Read(National.Replace("2023-04-01 23:30:00", time));
        Assert.Equal("setl_time", Assert.Single(read.Problems).Path);
    }

    [Fact]
    public void Reads_a_case_file_whose_bills_use_the_national_names()
    {
        var json = """{ "region": "fuyang", "persons": [ { "id": "p1", "insurance": "resident", "identities": [] } ], "bills": [ """ + National + " ] }";
        var read = CaseReader.Read(Encoding.UTF8.GetBytes(json));
        Assert.True(read.Ok, string.Join("; ", read.Problems));
        Assert.Equal("p1", read.Value!.Bills[0].Person);
        var unknown = CaseReader.Read(Encoding.UTF8.GetBytes(json.Replace("\"psn_no\": \"p1\"", "\"psn_no\": \"p9\"")));
        Assert.Contains(unknown.Problems, p => p.Path == "bills[0].person");
    }

    [Fact]
    public void Our_names_carry_institution_diagnosis_and_item_lines()
    {
        var read = Read("""
            { "id": "b1", "person": "p1", "date": "2023-04-01", "kind": "inpatient", "total": 100, "inPolicy": 80, "basicPaid": 40,
              "institution": { "code": "H33018300001", "name": "某医院", "level": 2, "township": "富春街道" },
              "diagnosis": { "code": "I10.x00", "name": "高血压" },
              "items": [ { "kind": "drug", "inCatalog": true, "amount": 30, "code": "XA01", "name": "某药", "quantity": 1.5 } ] }
            """);
        Assert.True(read.Ok, string.Join("; ", read.Problems));
        var d = read.Value!;
        Assert.Equal(2, d.Bill.HospitalLevel);
        Assert.Equal(new Institution("H33018300001", "某医院", 2, "富春街道"), d.Institution);
        Assert.Equal("I10.x00", d.Diagnosis!.Code);
        Assert.Equal(new ItemLine("XA01", "某药", 1.5m), Assert.Single(d.Lines));
        Assert.Equal(30m, Assert.Single(d.Bill.Items).Amount);
    }
}
