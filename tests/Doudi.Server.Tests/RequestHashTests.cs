using System.Text;
using Doudi.Cases;
using Doudi.Server.Settlements;

namespace Doudi.Server.Tests;

/// <summary>
/// The request hash decides idempotency (the same bill sent again is a replay, a different bill under a stored id a
/// conflict), so its value for a given bill may never change: these are the hashes the implementation of session 5
/// (main 4166922) gave, pinned before its allocation-free rewrite.
/// </summary>
public sealed class RequestHashTests
{
    private static BillDocument Json(string text) => BillReader.ReadDocument(Encoding.UTF8.GetBytes(text)).ValueOrThrow();

    [Fact]
    public void A_bill_in_our_names_hashes_as_before()
    {
        var bill = Json("""{"id":"B-1","person":"330183199001011234","date":"2023-03-01","kind":"inpatient","total":12000,"inPolicy":10000,"basicPaid":6000,"criticalPaid":0}""");
        Assert.Equal("e72e42969299b163271852994cf204d4c3106a6d2941baeedaa6a992b5ab64dc", BillRequest.HashOf(bill));
    }

    [Fact]
    public void A_national_bill_with_institution_diagnosis_and_fee_lines_hashes_as_before()
    {
        var bill = Json("""
        {"setl_id":"S-9","psn_no":"P0001","mdtrt_id":"M1","setl_time":"2023-04-01T10:22:33+08:00","med_type":"普通住院","med_typecode":"21",
         "insutype":"390","medfee_sumamt":"12000.00","fulamt_ownpay_amt":"1500","overlmt_selfpay":"300.0","preselfpay_amt":"200",
         "inscp_scp_amt":"10000","hifp_pay":"5000","hifob_pay":"1000","hifes_pay":"0","cvlserv_pay":"0","hifmi_pay":"0","oth_pay":"0",
         "acct_pay":"0","psn_cash_pay":"2800","psn_name":"张三","fixmedins_code":"H33018300001","fixmedins_name":"富阳区第一人民医院","hosp_lv":"02",
         "township":"富春街道","dise_codg":"J18.900","dise_name":"肺炎 \"急性\"",
         "feedetail":[{"med_list_codg":"XJ01CAA040A001010100000","hilist_name":"阿莫西林胶囊","list_type":"101","chrgitm_lv":"01","cnt":"2","det_item_fee_sumamt":"36.0"},
                      {"med_list_codg":"001201000010000","hilist_name":"床位费","list_type":"201","chrgitm_lv":"03","cnt":3,"det_item_fee_sumamt":150}]}
        """);
        Assert.Equal("1abe09f4ae8b266f5877788223df54699d7003c001cce25694368b8bfdc28978", BillRequest.HashOf(bill));
    }

    [Fact]
    public void A_national_csv_row_hashes_as_before()
    {
        var header = "setl_id,mdtrt_id,psn_no,psn_name,insutype,med_type,begndate,enddate,setl_time,fixmedins_code,fixmedins_name,dise_codg,dise_name,medfee_sumamt,fulamt_ownpay_amt,overlmt_selfpay,preselfpay_amt,inscp_scp_amt,hifp_pay,hifob_pay,hifes_pay,hifmi_pay,maf_pay,oth_pay,acct_pay,psn_part_amt,psn_cash_pay,hosp_lv,township,specialDisease,designated,referred,withinCity,excluded".Split(',');
        var cells = "S2023000000001,M2023000000001,P0000000001,任荣建,390,11,2023-05-01,2023-05-01,2023-05-01 17:23:00,H33000000195,市第5人民医院,J06.900,急性上呼吸道感染,1629.26,0.00,0.00,0.00,1629.26,807.11,0.00,0.00,0.00,657.72,0.00,0.00,164.43,164.43,02,南口镇,false,true,true,true,".Split(',');
        var bill = BillReader.ReadRow(header, cells).ValueOrThrow();
        Assert.Equal("1de5662f4e9c722bba36655b7cfbf9fb618de8f5865fd4a29e89a5e1ead6ba44", BillRequest.HashOf(bill));
    }

    // med_type 13 (急诊) and 24 (急诊转住院) now set the bill's emergency (P-8 as revised): a bill sent before that keeps its
    // hash, so sending it again is still a replay, not a conflict. A bill that said emergency itself hashes as before too.
    [Theory]
    [InlineData("13", "", "402b35a9df54e1c635436311e91c5c2a4c246f95c3cfa11f0abefcc6761b72a4")]
    [InlineData("24", "", "66976ac54068a41e3a3ea26d30e71f66cf81d1ea697ec7b309366ce8bdc3ec0b")]
    [InlineData("13", ",\"emergency\":true", "331f17cbf9c208900c47fb4cced5b337115d522bd3932c86ea07668660567002")]
    public void A_national_emergency_visit_hashes_as_before(string medType, string emergency, string hash)
    {
        var bill = Json($$"""{"setl_id":"S-13","psn_no":"P0001","setl_time":"2023-04-01 10:00:00","med_type":"{{medType}}","insutype":"390","medfee_sumamt":"500","inscp_scp_amt":"400","hifp_pay":"100","designated":false{{emergency}}}""");
        Assert.True(bill.Bill.Emergency);
        Assert.Equal(hash, BillRequest.HashOf(bill));
    }
}
