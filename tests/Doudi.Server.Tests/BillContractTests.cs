using System.Net;
using System.Text;
using System.Text.Json;
using Doudi.Cases;
using Doudi.Engine.Settlement;
using Doudi.Policy.Loading;
using Doudi.Policy.Vocabulary;
using Doudi.Server.Tests.Infrastructure;

namespace Doudi.Server.Tests;

/// <summary>
/// Issue 8, one bill contract: the server reads bills with Doudi.Cases (our names and the national platform's) and
/// stores results in the format <c>doudi settle</c> writes. Expected amounts by hand from the seed text:
/// fuyang-2023 = 富政办〔2022〕21号 二.3 — base = in-policy − basic − critical − supplementary; subsistence 80%.
/// </summary>
public abstract class BillContractTests(ServerFixture fx)
{
    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];

    private static Dictionary<string, object?> NationalBill(string setl, string person, decimal hifp = 6000) => new()
    {
        ["setl_id"] = setl, ["psn_no"] = person, ["setl_time"] = "2023-04-01 10:22:33", ["med_type"] = "21", ["insutype"] = "390",
        ["medfee_sumamt"] = 12000, ["inscp_scp_amt"] = 10000, ["hifp_pay"] = hifp, ["hifmi_pay"] = 0, ["oth_pay"] = 0,
    };

    [DbFact]
    public async Task Every_bill_of_every_case_file_settles_over_http_as_doudi_settle_does()
    {
        var catalog = PolicyLoader.LoadDirectory(PolicyLocator.FindDefault()!).Catalog!;
        var engine = new SettlementEngine(catalog);
        var op = await fx.As("operator");
        int files = 0, bills = 0, refused = 0;
        foreach (var path in Directory.GetFiles(CasesDirectory(), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            if (!doc.RootElement.TryGetProperty("case", out var caseJson)) continue;
            var read = CaseReader.Read(Encoding.UTF8.GetBytes(caseJson.GetRawText()));
            if (!read.Ok) continue; // a case about reading problems: nothing to settle
            files++;
            var file = read.Value!;
            string prefix = "f" + files + "-";
            Doudi.Engine.Results.CaseResult? expected = null;
            bool billRefused = false;
            // A case doudi settle refuses for a bill's sake must be refused by the server too; one it refuses for the
            // year-end rules alone (a missing annual parameter) has bills the server settles one by one, compared with nothing.
            try { expected = engine.SettleCase(file); }
            catch (SettlementException e) { billRefused = e.Problems.Any(p => p.Path.StartsWith("bills", StringComparison.Ordinal)); }

            // Persons and identities as the case file gives them, through the API.
            var persons = new Dictionary<string, string>();
            foreach (var p in file.Persons)
            {
                var (s, body, text) = await op.PostJson("/api/persons", new
                {
                    idNumber = People.UniqueIdNumber(), name = "案例" + p.Id, region = file.Region, insurance = Codes.ToCode(p.Insurance),
                    township = "测试镇", household = prefix + p.Household,
                });
                Assert.True(s == HttpStatusCode.Created, $"{path}: {text}");
                persons[p.Id] = body.Str("id");
                var used = new HashSet<string>();
                foreach (var i in p.Identities)
                {
                    var dept = Doudi.Policy.Vocabulary.Departments.Categories.First(d => d.Key != "medical_security" && d.Value.Contains(i.Category)).Key;
                    if (!used.Add(dept)) dept = "medical_security";
                    var (s2, _, t2) = await op.PostJson($"/api/persons/{persons[p.Id]}/identities", new
                    {
                        category = Codes.ToCode(i.Category), department = dept, recognized = i.Recognized.ToString("yyyy-MM-dd"),
                        revoked = i.Revoked?.ToString("yyyy-MM-dd"), forMedicalSpending = i.ForMedicalSpending,
                    });
                    Assert.True(s2 == HttpStatusCode.Created, $"{path}: {t2}");
                }
            }

            // The bills in the engine's settlement order (date, then id), each as its own request in our names.
            var serverAnswers = new Dictionary<string, JsonElement>();
            bool anyRefused = false;
            foreach (var bill in file.Bills.OrderBy(b => b.Date).ThenBy(b => b.Id, StringComparer.Ordinal))
            {
                // A case file's bills are in our names or in the national platform's (setl_id, psn_no), as the API takes both.
                var national = caseJson.GetProperty("bills").EnumerateArray().Any(b => b.TryGetProperty("setl_id", out _));
                var (idName, personName) = national ? ("setl_id", "psn_no") : ("id", "person");
                var json = JsonSerializer.SerializeToNode(caseJson.GetProperty("bills").EnumerateArray().First(b => b.GetProperty(idName).GetString() == bill.Id))!.AsObject();
                json[idName] = prefix + bill.Id;
                json[personName] = persons[bill.Person];
                var r = await op.PostAsync("/api/settlements", new StringContent(json.ToJsonString(), Encoding.UTF8, "application/json"));
                var (status, body, text) = await Http.Read(r);
                Assert.True((int)status < 500, $"{path} {bill.Id}: {text}");
                bills++;
                if (status == HttpStatusCode.Created) { serverAnswers[bill.Id] = body; await AssertAnswerIsTheRewrittenOneAsync(prefix + bill.Id, text); }
                else { anyRefused = true; refused++; Assert.Equal(HttpStatusCode.UnprocessableEntity, status); }
            }

            if (expected is null) { Assert.True(anyRefused || !billRefused, $"{path}: doudi settle refuses a bill of this case, the server settled every bill"); continue; }
            Assert.False(anyRefused, $"{path}: doudi settle settles this case, the server refused a bill");
            foreach (var result in expected.Bills)
            {
                var buffer = new System.Buffers.ArrayBufferWriter<byte>();
                using (var w = new Utf8JsonWriter(buffer)) ResultWriter.WriteBill(w, result);
                using var cli = JsonDocument.Parse(buffer.WrittenMemory);
                var server = serverAnswers[result.Id];
                foreach (var property in cli.RootElement.EnumerateObject())
                {
                    if (property.Name is "id" or "person") continue;
                    Assert.True(server.TryGetProperty(property.Name, out var mine), $"{path} {result.Id}: no {property.Name}");
                    Assert.True(JsonElement.DeepEquals(property.Value, mine),
                        $"{path} {result.Id}.{property.Name}: doudi settle {property.Value.GetRawText()} ≠ server {mine.GetRawText()}");
                }
                Assert.Equal(2, server.GetProperty("resultFormat").GetInt32());
            }
        }
        Assert.True(files >= 60, $"only {files} case files found");
        Assert.True(bills > files, $"{bills} bills");
    }

    /// <summary>
    /// Issue 9 item 6: the answer appends its own members to the stored result instead of re-writing each member of the
    /// parsed result; it must be byte for byte what the re-writing gave, on the new settlement's answer and on a read.
    /// </summary>
    private async Task AssertAnswerIsTheRewrittenOneAsync(string id, string answered)
    {
        var stored = await fx.Db.ReadAsync(c => Doudi.Server.Settlements.SettlementService.FindAsync(c, null, id));
        Assert.NotNull(stored);
        var rewritten = stored.ToJsonRewritten();
        Assert.Equal(rewritten, answered);
        Assert.Equal(rewritten, stored.ToJson());
    }

    private static string CasesDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "tests", "cases"))) return Path.Combine(dir.FullName, "tests", "cases");
        throw new DirectoryNotFoundException("tests/cases");
    }

    [DbFact]
    public async Task A_national_bill_as_exports_write_it_is_settled_stored_with_its_context_and_answered_in_national_names()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var (hospital, _) = await fx.HospitalAsync("富阳区第一人民医院");
        var setl = NewId("S");
        var body = $$"""
        {"setl_id":"{{setl}}","psn_no":"{{person}}","mdtrt_id":"M1","setl_time":"2023-04-01T10:22:33+08:00","med_type":"普通住院","med_typecode":"21",
         "insutype":"390","medfee_sumamt":"12000.00","fulamt_ownpay_amt":"1500","overlmt_selfpay":"300.0","preselfpay_amt":"200",
         "inscp_scp_amt":"10000","hifp_pay":"5000","hifob_pay":"1000","hifes_pay":"0","cvlserv_pay":"0","hifmi_pay":"0","oth_pay":"0",
         "acct_pay":"0","psn_cash_pay":"2800","psn_name":"张三","fixmedins_code":"H33018300001","fixmedins_name":"富阳区第一人民医院","hosp_lv":"02",
         "township":"富春街道","dise_codg":"J18.900","dise_name":"肺炎",
         "feedetail":[{"med_list_codg":"XJ01CAA040A001010100000","hilist_name":"阿莫西林胶囊","list_type":"101","chrgitm_lv":"01","cnt":"2","det_item_fee_sumamt":"36.0"},
                      {"med_list_codg":"001201000010000","hilist_name":"床位费","list_type":"201","chrgitm_lv":"03","cnt":3,"det_item_fee_sumamt":150}]}
        """;
        var (status, answer, text) = await hospital.PostRaw("/api/settlements", body, "application/json");
        Assert.True(status == HttpStatusCode.Created, text);
        // basicPaid = hifp 5000 + hifob 1000 = 6000; base = 10000 − 6000 = 4000; 80% = 3200 (富政办〔2022〕21号 二.3)
        Assert.Equal(3200m, answer.Dec("assistance"));
        var setlinfo = answer.GetProperty("setlinfo");
        Assert.Equal(setl, setlinfo.Str("setl_id"));
        Assert.Equal(3200m, setlinfo.Dec("maf_pay"));
        Assert.Equal(12000m, setlinfo.Dec("medfee_sumamt"));
        // fund_pay_sumamt = 5000 + 1000 + 3200 = 9200; psn_part_amt = 12000 − 9200 = 2800
        Assert.Equal(9200m, setlinfo.Dec("fund_pay_sumamt"));
        Assert.Equal(2800m, setlinfo.Dec("psn_part_amt"));
        var detail = Assert.Single(answer.GetProperty("setldetail").EnumerateArray());
        Assert.Equal("610100", detail.Str("fund_pay_type"));
        Assert.Equal(3200m, detail.Dec("fund_payamt"));
        Assert.Equal(4000m, detail.Dec("inscp_scp_amt"));

        await using var c = await fx.Db.OpenAsync();
        var ctx = await Doudi.Server.Storage.Sql.FirstAsync(c, "SELECT institution_code, institution_level, township, diagnosis_code FROM settlement_context WHERE settlement_id = @id", null,
            r => new[] { r.GetString(0), Convert.ToString(r.GetValue(1)), r.GetString(2), r.GetString(3) }, ("id", setl));
        Assert.Equal("H33018300001|3|富春街道|J18.900", string.Join("|", ctx!)); // hosp_lv 02 三级甲等 → level 3
        var items = await Doudi.Server.Storage.Sql.ListAsync(c, "SELECT code, kind, in_catalog, amount FROM settlement_items WHERE settlement_id = @id ORDER BY line", null,
            r => $"{r.GetString(0)} {r.GetString(1)} {Doudi.Server.Storage.Sql.B(r, "in_catalog")} {Doudi.Server.Storage.Sql.M(r, "amount"):0.##}", ("id", setl));
        Assert.Equal(["XJ01CAA040A001010100000 drug True 36", "001201000010000 service False 150"], items);

        // A retry in the same names answers the same bytes; the settlement is read back in national names too.
        var again = await hospital.PostRaw("/api/settlements", body, "application/json");
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(text, again.Text);
        await AssertAnswerIsTheRewrittenOneAsync(setl, text);
    }

    [DbFact]
    public async Task Assistance_paid_upstream_is_reported_beside_what_is_due()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var op = await fx.As("operator");
        var bill = NationalBill(NewId("S"), person);
        bill["maf_pay"] = "3000"; // I-24: the platform already paid 3000 of medical assistance
        var (status, body, text) = await op.PostJson("/api/settlements", bill);
        Assert.True(status == HttpStatusCode.Created, text);
        var setlinfo = body.GetProperty("setlinfo");
        Assert.Equal(3000m, setlinfo.Dec("maf_pay_upstream"));
        Assert.Equal(setlinfo.Dec("maf_pay") - 3000m, setlinfo.Dec("maf_pay_difference"));

        // A HIS that sends the ID number as psn_no gets the registry's person key back, not the ID number (stored nowhere in the answer).
        var (_, registered, _) = await op.GetJson($"/api/persons/{person}");
        var idNumber = registered.Str("idNumber");
        var byId = NationalBill(NewId("S"), idNumber);
        var (s2, b2, t2) = await op.PostJson("/api/settlements", byId);
        Assert.True(s2 == HttpStatusCode.Created, t2);
        Assert.DoesNotContain(idNumber, t2);
        Assert.Equal(person, b2.GetProperty("setlinfo").Str("psn_no"));
        await AssertAnswerIsTheRewrittenOneAsync((string)bill["setl_id"]!, text);
        await AssertAnswerIsTheRewrittenOneAsync((string)byId["setl_id"]!, t2);
    }

    /// <summary>
    /// Issue 9 item 6: the answer is written to the response in parts (the stored result's text encoded straight into the
    /// response, then the answer's members). Settled (201), retried (200) and read back (GET) it is the same bytes, the
    /// re-written answer's bytes, and its Content-Length counts UTF-8 bytes (the trace's Chinese text is several bytes a character).
    /// </summary>
    [DbFact]
    public async Task The_answer_is_the_same_bytes_settled_retried_and_read_and_its_length_counts_utf8_bytes()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var (hospital, _) = await fx.HospitalAsync("富阳区第一人民医院");
        var setl = NewId("S");
        var bill = System.Text.Json.JsonSerializer.Serialize(NationalBill(setl, person));
        async Task<(HttpStatusCode Status, byte[] Bytes, long? Length)> Send(HttpRequestMessage m)
        {
            using var r = await hospital.SendAsync(m);
            return (r.StatusCode, await r.Content.ReadAsByteArrayAsync(), r.Content.Headers.ContentLength);
        }
        HttpRequestMessage Post() => new(HttpMethod.Post, "/api/settlements") { Content = new StringContent(bill, Encoding.UTF8, "application/json") };
        var settled = await Send(Post());
        var retried = await Send(Post());
        var read = await Send(new HttpRequestMessage(HttpMethod.Get, $"/api/settlements/{setl}"));
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.OK), (settled.Status, retried.Status, read.Status));
        var text = Encoding.UTF8.GetString(settled.Bytes);
        Assert.True(settled.Bytes.Length > text.Length, "the answer has no multi-byte character: the length check would prove nothing");
        Assert.Equal(settled.Bytes.Length, settled.Length);
        Assert.Equal(settled.Bytes, retried.Bytes);
        Assert.Equal(settled.Bytes, read.Bytes);
        Assert.Equal(read.Bytes.Length, read.Length);
        await AssertAnswerIsTheRewrittenOneAsync(setl, text);
    }

    [DbFact]
    public async Task Unknown_and_misspelt_fields_are_refused_by_name_in_both_namings()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var op = await fx.As("operator");
        var bill = NationalBill(NewId("S"), person);
        bill["hifmi_pya"] = 2000; // misspelt hifmi_pay: before issue 8 silently ignored, so assistance was paid on 2000 too much base
        var (status, body, text) = await op.PostJson("/api/settlements", bill);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("hifmi_pya", out _), text);
        Assert.Equal(HttpStatusCode.NotFound, (await op.GetAsync($"/api/settlements/{bill["setl_id"]}")).StatusCode);

        // one naming per bill: our total in a national bill is named
        var mixed = NationalBill(NewId("S"), person);
        mixed["total"] = 12000;
        var (s2, b2, t2) = await op.PostJson("/api/settlements", mixed);
        Assert.Equal(HttpStatusCode.BadRequest, s2);
        Assert.True(b2.GetProperty("errors").TryGetProperty("total", out _), t2);
    }

    [DbFact]
    public async Task Civil_servant_subsidy_is_paid_before_assistance_and_reduces_its_base()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var op = await fx.As("operator");
        var bill = NationalBill(NewId("S"), person, hifp: 5000);
        bill["cvlserv_pay"] = "1000";
        var (status, body, text) = await op.PostJson("/api/settlements", bill);
        Assert.True(status == HttpStatusCode.Created, text);
        // base = 10000 − (hifp 5000 + cvlserv 1000) = 4000; 80% = 3200 (not 80% × 5000 = 4000 as when cvlserv_pay was ignored)
        Assert.Equal(4000m, body.Dec("assistanceBase"));
        Assert.Equal(3200m, body.Dec("maf_pay"));
    }

    [DbFact]
    public async Task A_duplicate_key_is_refused_not_read_as_its_last_value()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var op = await fx.As("operator");
        var id = NewId("b");
        var raw = $$"""{"id":"{{id}}","person":"{{person}}","date":"2023-04-01","kind":"inpatient","total":12000,"inPolicy":10000,"basicPaid":9000,"basicPaid":0}""";
        var (status, body, text) = await op.PostRaw("/api/settlements", raw, "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("basicPaid", out _), text);
        Assert.Equal(HttpStatusCode.NotFound, (await op.GetAsync($"/api/settlements/{id}")).StatusCode);
    }

    [DbFact]
    public async Task Times_that_are_not_times_dates_in_the_future_and_inconsistent_amounts_are_refused()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var op = await fx.As("operator");
        foreach (var time in new[] { "2023-06-01 25:99:99", "2023-06-01'; DROP TABLE settlements; --", "2023-06-01T10:00:00+99:00", "2023-06-01 10:00" })
        {
            var bill = NationalBill(NewId("S"), person);
            bill["setl_time"] = time;
            var (status, body, text) = await op.PostJson("/api/settlements", bill);
            Assert.True(status == HttpStatusCode.BadRequest, $"{time}: {text}");
            Assert.True(body.GetProperty("errors").TryGetProperty("setl_time", out _), text);
        }
        var future = NationalBill(NewId("S"), person);
        future["setl_time"] = DateTimeOffset.UtcNow.AddHours(8).AddDays(2).ToString("yyyy-MM-dd") + " 09:00:00";
        var (fs, fb, ft) = await op.PostJson("/api/settlements", future);
        Assert.Equal(HttpStatusCode.BadRequest, fs);
        Assert.True(fb.GetProperty("errors").TryGetProperty("setl_time", out _), ft);

        // reasonableOutOfPolicy 3000 > total 12000 − inPolicy 10000 = 2000: refused, as doudi settle refuses it
        var (rs, rb, rt) = await op.PostJson("/api/settlements", new
        {
            id = NewId("b"), person, date = "2023-04-01", kind = "inpatient", total = 12000, inPolicy = 10000, basicPaid = 6000, reasonableOutOfPolicy = 3000,
        });
        Assert.Equal(HttpStatusCode.BadRequest, rs);
        Assert.True(rb.GetProperty("errors").TryGetProperty("reasonableOutOfPolicy", out _), rt);

        // a control character in a text field, and an overlong id: refused, never a 500
        var nul = NationalBill(NewId("S"), person);
        nul["fixmedins_name"] = "医院\u0000";
        var (ns, nb, nt) = await op.PostJson("/api/settlements", nul);
        Assert.Equal(HttpStatusCode.BadRequest, ns);
        Assert.True(nb.GetProperty("errors").TryGetProperty("fixmedins_name", out _), nt);
        var (ls, lb, lt) = await op.PostJson("/api/settlements", NationalBill(new string('x', 65), person));
        Assert.Equal(HttpStatusCode.BadRequest, ls);
        Assert.True(lb.GetProperty("errors").TryGetProperty("setl_id", out _), lt);
    }

    [DbFact]
    public async Task Med_type_codes_are_mapped_or_refused_with_a_reason()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var op = await fx.As("operator");
        var local = NationalBill(NewId("S"), person);
        local["med_type"] = "9901";
        var (s1, b1, t1) = await op.PostJson("/api/settlements", local);
        Assert.Equal(HttpStatusCode.BadRequest, s1);
        Assert.Contains("local extensions", b1.GetProperty("errors").GetProperty("med_type")[0].GetString());
        // 23 转外诊治住院 is an inpatient bill with a referral: fuyang 二.3 pays 80% × 4000 = 3200
        var referred = NationalBill(NewId("S"), person);
        referred["med_type"] = "23";
        referred["hosp_lv"] = "01";
        var (s2, b2, t2) = await op.PostJson("/api/settlements", referred);
        Assert.True(s2 == HttpStatusCode.Created, t2);
        Assert.Equal(3200m, b2.Dec("assistance"));
        // 13 急诊 is an emergency visit (P-8 as revised): emergency: false beside it is refused at that field, nothing stored.
        var urgent = NationalBill(NewId("S"), person);
        urgent["med_type"] = "13";
        urgent["emergency"] = false;
        var (s3, b3, t3) = await op.PostJson("/api/settlements", urgent);
        Assert.Equal(HttpStatusCode.BadRequest, s3);
        Assert.Contains("emergency: false contradicts it", b3.GetProperty("errors").GetProperty("emergency")[0].GetString());
        var (g3, _, _) = await op.GetJson($"/api/settlements/{urgent["setl_id"]}");
        Assert.Equal(HttpStatusCode.NotFound, g3);
    }

    [DbFact]
    public async Task An_implausible_bill_is_held_pays_nothing_and_is_settled_only_when_released()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "destitute");
        var (hospital, _) = await fx.HospitalAsync("富阳区某医院");
        var op = await fx.As("operator");
        var id = NewId("big");
        // 100,000,000,000 yuan: before issue 8 a destitute person's bill of this size was paid in full.
        var bill = new { id, person, date = "2023-04-01", kind = "inpatient", total = 100_000_000_000m, inPolicy = 100_000_000_000m, basicPaid = 0, criticalPaid = 0 };
        var (status, body, text) = await hospital.PostJson("/api/settlements", bill);
        Assert.True(status == HttpStatusCode.Accepted, text);
        Assert.Equal("held", body.Str("status"));
        Assert.Equal(0m, body.Dec("maf_pay"));
        Assert.True(body.GetProperty("reasons").TryGetProperty("total", out _), text);
        var retry = await hospital.PostJson("/api/settlements", bill);
        Assert.Equal(HttpStatusCode.Accepted, retry.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await op.GetAsync($"/api/settlements/{id}")).StatusCode);
        var (_, summary, _) = await op.GetJson($"/api/persons/{person}/years/2023");
        Assert.Equal(0m, summary.Dec("assistance"));

        var (ls, list, lt) = await op.GetJson("/api/held-settlements");
        Assert.True(ls == HttpStatusCode.OK, lt);
        Assert.Contains(list.GetProperty("items").EnumerateArray(), h => h.Str("id") == id);
        Assert.Equal(HttpStatusCode.Forbidden, (await hospital.PostJson($"/api/held-settlements/{id}/release", new { note = "x" })).Status);

        var (rs, released, rt) = await op.PostJson($"/api/held-settlements/{id}/release", new { note = "核实为真实费用" });
        Assert.True(rs == HttpStatusCode.Created, rt);
        Assert.Equal("settled", released.Str("status"));
        Assert.Equal(HttpStatusCode.OK, (await hospital.GetAsync($"/api/settlements/{id}")).StatusCode); // still the hospital's
        Assert.Equal(HttpStatusCode.Conflict, (await op.PostJson($"/api/held-settlements/{id}/release", new { note = "again" })).Status);

        var other = NewId("big");
        Assert.Equal(HttpStatusCode.Accepted, (await hospital.PostJson("/api/settlements", bill with { id = other })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await op.PostJson($"/api/held-settlements/{other}/rejection", new { })).Status); // a reason is required
        Assert.Equal(HttpStatusCode.OK, (await op.PostJson($"/api/held-settlements/{other}/rejection", new { note = "金额录入错误" })).Status);
        var afterReject = await hospital.PostJson("/api/settlements", bill with { id = other });
        Assert.Equal(HttpStatusCode.Conflict, afterReject.Status);

        var admin = await fx.As("admin");
        var (_, audit, _) = await admin.GetJson($"/api/audit?entity=settlement&entityId={id}");
        var actions = audit.GetProperty("items").EnumerateArray().Select(e => e.Str("action")).ToList();
        Assert.Contains("hold", actions);
        Assert.Contains("release", actions);
        Assert.Contains("settle", actions);
    }

    [DbFact]
    public async Task National_2208_reverses_by_setl_id_and_a_retry_of_a_reversed_settlement_is_not_a_success()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var (hospital, _) = await fx.HospitalAsync("富阳区中医院");
        var setl = NewId("S");
        var bill = NationalBill(setl, person);
        Assert.Equal(HttpStatusCode.Created, (await hospital.PostJson("/api/settlements", bill)).Status);
        var (status, body, text) = await hospital.PostJson("/api/national/2208", new { setl_id = setl, psn_no = person });
        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Equal("reversed", body.Str("status"));
        var r = await hospital.PostAsync("/api/settlements", new StringContent(JsonSerializer.Serialize(bill), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
    }

    [DbFact]
    public async Task National_1101_gives_the_person_with_idetinfo()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence", recognized: "2023-03-15");
        var (hospital, _) = await fx.HospitalAsync("富阳区妇保");
        var (status, body, text) = await hospital.PostJson("/api/national/1101", new { psn_no = person, begntime = "2023-05-01 00:00:00" });
        Assert.True(status == HttpStatusCode.OK, text);
        var idet = Assert.Single(body.GetProperty("idetinfo").EnumerateArray());
        Assert.Equal("7019", idet.Str("psn_idet_type")); // 低保对象
        Assert.Equal("2023-04-01 00:00:00", idet.Str("begntime")); // I-1: recognised in March, in force from April
        var (s2, b2, _) = await hospital.PostJson("/api/national/1101", new { psn_no = person, begntime = "2023-03-20" });
        Assert.Equal(HttpStatusCode.OK, s2);
        Assert.Empty(b2.GetProperty("idetinfo").EnumerateArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await hospital.PostJson("/api/national/1101", new { psn_no = person, begntime = "2023-03-20 25:00:00" })).Status);
    }

    [DbFact]
    public async Task Csv_imports_are_read_by_the_same_reader()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var op = await fx.As("operator");
        var good = NewId("C");
        var bad = NewId("C");
        var csv = "setl_id,psn_no,setl_time,med_type,insutype,medfee_sumamt,inscp_scp_amt,hifp_pay,cvlserv_pay,hifmi_pya\n" +
                  $"{good},{person},2023-04-01 08:00:00+08:00,21,390,12000.00,10000,5000,\"1000.0\",\n" +
                  $"{bad},{person},2023-04-02,21,390,12000,10000,5000,0,2000\n";
        var (status, report, text) = await op.PostRaw("/api/settlement-imports", csv, "text/csv");
        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Equal(1, report.GetProperty("settled").GetInt32());
        var error = Assert.Single(report.GetProperty("errors").EnumerateArray());
        Assert.True(error.GetProperty("errors").TryGetProperty("hifmi_pya", out _), text);
        var (_, stored, _) = await op.GetJson($"/api/settlements/{good}");
        Assert.Equal(3200m, stored.Dec("assistance")); // 80% × (10000 − 5000 − 1000)
    }
}

public sealed class BillContractTestsSqlite(SqliteFixture fx) : BillContractTests(fx), IClassFixture<SqliteFixture>;
public sealed class BillContractTestsPostgres(PostgresFixture fx) : BillContractTests(fx), IClassFixture<PostgresFixture>, IPostgresTests;
