using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Doudi.Server.Tests.Infrastructure;

namespace Doudi.Server.Tests.OpenApi;

/// <summary>
/// Issue 9 item 2: what the server really answers is what its document declares. A sample of endpoints across every
/// feature folder — the raw-JSON hot path of settlement in both namings, held bills, the national 2208/1101, registry,
/// name lists, back office, security, audit, health, insights, the policy browser — and their problems (400, 401, 403,
/// 404, 409) is called, and each answer's status must be declared and its body must validate strictly against the
/// declared schema (no undeclared property, required ones present, types and date formats right). This keeps the
/// records and the raw writers equal.
/// </summary>
public abstract class AnswersMatchSchemaTests(ServerFixture fx)
{
    private readonly List<string> _failures = [];
    private SchemaValidator? _validator;
    private int _checked;

    private async Task<JsonElement> Call(HttpClient client, string method, string template, string url, object? body = null, string? raw = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (raw is not null) request.Content = new StringContent(raw, Encoding.UTF8, contentType);
        else if (body is not null) request.Content = JsonContent.Create(body);
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var media = response.Content.Headers.ContentType?.MediaType ?? "";
        if (text.Length == 0 || !media.Contains("json"))
        {
            var op = _validator!.Operation(method, template);
            if (!op.GetProperty("responses").TryGetProperty(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), out _))
                _failures.Add($"{method} {template}: status {(int)response.StatusCode} is not declared");
            return default;
        }
        _failures.AddRange(_validator!.Check(method, template, (int)response.StatusCode, media, text));
        _checked++;
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];

    [DbFact]
    public async Task Answers_of_every_feature_validate_against_the_declared_schemas()
    {
        try { await CallEveryFeatureAsync(); }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException) { _failures.Add($"the scenario stopped: {e.GetType().Name} {e.Message}\n{e.StackTrace}"); }
        Assert.True(_failures.Count == 0, string.Join("\n", _failures.Distinct().Take(60)));
        Assert.True(_checked >= 60, $"only {_checked} answers checked");
    }

    private async Task CallEveryFeatureAsync()
    {
        var document = JsonDocument.Parse(await fx.Anonymous().GetStringAsync("/openapi/v1.json")).RootElement.Clone();
        _validator = new SchemaValidator(document);
        var op = await fx.As("operator");
        var admin = await fx.As("admin");
        var auditor = await fx.As("auditor");
        var anonymous = fx.Anonymous();
        var (hospital, _) = await fx.HospitalAsync("模式校验医院");

        // Health and security
        await Call(anonymous, "GET", "/health", "/health");
        await Call(anonymous, "GET", "/ready", "/ready");
        await Call(anonymous, "GET", "/api/auth/me", "/api/auth/me");                                  // 401
        await Call(op, "GET", "/api/auth/me", "/api/auth/me");
        await Call(hospital, "GET", "/api/auth/me", "/api/auth/me");
        await Call(anonymous, "POST", "/api/auth/login", "/api/auth/login", new { username = "operator", password = "wrong-password" }); // 401
        await Call(anonymous, "POST", "/api/auth/login", "/api/auth/login", new { username = "operator" });                              // 400
        await Call(admin, "GET", "/api/users", "/api/users");
        await Call(op, "GET", "/api/users", "/api/users");                                             // 403
        var user = NewId("u");
        await Call(admin, "POST", "/api/users", "/api/users", new { username = user, role = "auditor", password = "a-long-password-1" });
        await Call(admin, "POST", "/api/users", "/api/users", new { username = user, role = "auditor", password = "a-long-password-1" }); // 409
        await Call(admin, "POST", "/api/users/{username}/deactivation", $"/api/users/{user}/deactivation");
        await Call(admin, "POST", "/api/users/{username}/deactivation", $"/api/users/{user}/deactivation"); // 404
        var token = await Call(admin, "POST", "/api/tokens", "/api/tokens", new { name = "撤销用" });
        await Call(admin, "POST", "/api/tokens/{id}/revocation", $"/api/tokens/{token.GetProperty("id").GetString()}/revocation");

        // Registry
        var person = await Call(op, "POST", "/api/persons", "/api/persons",
            new { idNumber = People.UniqueIdNumber(), name = "模式", region = "fuyang", township = "富春街道", insuranceTier = "tier1" });
        var pid = person.GetProperty("id").GetString()!;
        await Call(op, "POST", "/api/persons", "/api/persons", new { idNumber = "123", name = "x", region = "nowhere" }); // 400
        var withIdentity = await Call(op, "POST", "/api/persons/{id}/identities", $"/api/persons/{pid}/identities",
            new { category = "subsistence", department = "civil_affairs", recognized = "2022-05-10" });
        await Call(op, "POST", "/api/persons/{id}/identities", $"/api/persons/{pid}/identities",
            new { category = "destitute", department = "civil_affairs", recognized = "2022-06-10" });                       // 409
        await Call(op, "GET", "/api/persons", "/api/persons?region=fuyang&pageSize=5");
        await Call(op, "GET", "/api/persons/{id}", $"/api/persons/{pid}");
        await Call(op, "GET", "/api/persons/{id}", "/api/persons/NOBODY");                                                // 404
        await Call(hospital, "GET", "/api/eligibility", $"/api/eligibility?person={pid}&date=2023-04-01");
        await Call(op, "GET", "/api/households", "/api/households?region=fuyang&pageSize=5");
        await Call(op, "GET", "/api/households/{id}", $"/api/households/{person.GetProperty("household").GetString()}");
        var other = await Call(op, "POST", "/api/persons", "/api/persons", new { idNumber = People.UniqueIdNumber(), name = "终止", region = "fuyang" });
        var oid = other.GetProperty("id").GetString()!;
        var ended = await Call(op, "POST", "/api/persons/{id}/identities", $"/api/persons/{oid}/identities",
            new { category = "marginal", recognized = "2022-05-10" });
        var identityId = ended.GetProperty("identities")[0].GetProperty("id").GetInt64();
        await Call(op, "POST", "/api/persons/{id}/identities/{identityId}/end", $"/api/persons/{oid}/identities/{identityId}/end", new { revoked = "2023-08-31" });
        Assert.NotEqual(default, withIdentity);

        // Settlement: our names (201, 200 replay), national names (setlinfo/setldetail, I-24 upstream), held (202), problems
        var setl = NewId("S");
        var bill = new { id = setl, person = pid, date = "2023-04-01", kind = "inpatient", total = 12000, inPolicy = 10000, basicPaid = 6000, criticalPaid = 0, hospitalLevel = 3, referred = true };
        await Call(hospital, "POST", "/api/settlements", "/api/settlements", bill);
        await Call(hospital, "POST", "/api/settlements", "/api/settlements", bill);                                      // 200 replay
        await Call(hospital, "POST", "/api/settlements", "/api/settlements", bill with { inPolicy = 11000 });             // 409
        await Call(hospital, "POST", "/api/settlements", "/api/settlements", new { id = NewId("S"), person = pid });     // 400
        var national = NewId("N");
        await Call(hospital, "POST", "/api/settlements", "/api/settlements", new Dictionary<string, object?>
        {
            ["setl_id"] = national, ["psn_no"] = pid, ["setl_time"] = "2023-05-01 10:22:33", ["med_type"] = "21", ["insutype"] = "390",
            ["medfee_sumamt"] = 12000, ["fulamt_ownpay_amt"] = 2000, ["inscp_scp_amt"] = 10000, ["hifp_pay"] = 5000, ["hifob_pay"] = 1000,
            ["hifmi_pay"] = 0, ["oth_pay"] = 0, ["maf_pay"] = "3000", ["mdtrt_id"] = "M1", ["psn_name"] = "模式",
        });
        var big = NewId("big");
        await Call(hospital, "POST", "/api/settlements", "/api/settlements",
            new { id = big, person = pid, date = "2023-04-02", kind = "inpatient", total = 100_000_000_000m, inPolicy = 100_000_000_000m, basicPaid = 0, criticalPaid = 0 }); // 202
        var big2 = NewId("big");
        await Call(hospital, "POST", "/api/settlements", "/api/settlements",
            new { id = big2, person = pid, date = "2023-04-03", kind = "inpatient", total = 100_000_000_000m, inPolicy = 100_000_000_000m, basicPaid = 0, criticalPaid = 0 });
        await Call(op, "GET", "/api/held-settlements", "/api/held-settlements");
        await Call(hospital, "GET", "/api/held-settlements/{id}", $"/api/held-settlements/{big}");
        await Call(op, "POST", "/api/held-settlements/{id}/release", $"/api/held-settlements/{big}/release", new { note = "核实" });   // 201
        await Call(op, "POST", "/api/held-settlements/{id}/release", $"/api/held-settlements/{big}/release", new { note = "again" });  // 409
        await Call(op, "POST", "/api/held-settlements/{id}/rejection", $"/api/held-settlements/{big2}/rejection", new { note = "录入错误" });
        await Call(hospital, "GET", "/api/settlements/{id}", $"/api/settlements/{setl}");
        await Call(op, "GET", "/api/settlements/{id}", $"/api/settlements/{national}");
        await Call(op, "GET", "/api/settlements/{id}", "/api/settlements/NOPE");                                         // 404
        await Call(op, "GET", "/api/settlements", $"/api/settlements?person={pid}");
        await Call(op, "GET", "/api/settlements", "/api/settlements?page=0");                                            // 400
        await Call(hospital, "POST", "/api/national/1101", "/api/national/1101", new { psn_no = pid, begntime = "2023-04-01 00:00:00" });
        await Call(hospital, "POST", "/api/national/1101", "/api/national/1101", new { psn_no = "NOBODY" });            // 404
        await Call(hospital, "POST", "/api/national/2208", "/api/national/2208", new { setl_id = national, psn_no = pid });
        await Call(hospital, "POST", "/api/settlements/{id}/reversal", $"/api/settlements/{setl}/reversal", new { reason = "重复结算" });
        await Call(hospital, "POST", "/api/settlements", "/api/settlements", bill);                                      // 409: reversed

        // Back office
        var tag = NewId("i");
        var csv = "setl_id,psn_no,setl_time,med_type,insutype,medfee_sumamt,inscp_scp_amt,hifp_pay,hifmi_pay\n" +
                  $"{tag}-1,{pid},2023-06-01 09:00:00,21,390,12000,10000,6000,0\n{tag}-2,NOBODY,2023-06-02 09:00:00,21,390,12000,10000,6000,0\n";
        var import = await Call(op, "POST", "/api/settlement-imports", "/api/settlement-imports", raw: csv, contentType: "text/csv");
        await Call(op, "GET", "/api/settlement-imports/{id}", $"/api/settlement-imports/{import.GetProperty("id").GetString()}");
        await Call(op, "POST", "/api/settlement-imports", "/api/settlement-imports?mode=all_or_nothing", raw: csv.Replace(tag, tag + "x"), contentType: "text/csv"); // 422
        await Call(op, "GET", "/api/persons/{id}/years/{yearText}", $"/api/persons/{pid}/years/2023");
        await Call(op, "GET", "/api/households/{id}/years/{yearText}", $"/api/households/{person.GetProperty("household").GetString()}/years/2023");
        var run = await Call(op, "POST", "/api/year-end-runs", "/api/year-end-runs", new { region = "fuyang", year = 2023 });
        await Call(auditor, "GET", "/api/year-end-runs/{id}", $"/api/year-end-runs/{run.GetProperty("id").GetString()}");
        await Call(op, "GET", "/api/persons/{id}/years/{yearText}", $"/api/persons/{pid}/years/2023"); // with the year-end result

        // Name lists
        var civil = await fx.As("civil");
        var list = $"身份证号,姓名,人员类别,乡镇\n{People.UniqueIdNumber()},王芳,7019,银湖街道\n{People.UniqueIdNumber()},李强,marginal,银湖街道\n";
        var report = await Call(civil, "POST", "/api/name-lists", "/api/name-lists?month=2024-05&region=fuyang&mode=changes", raw: list, contentType: "text/csv");
        await Call(civil, "POST", "/api/name-lists", "/api/name-lists?month=2024-05&region=fuyang&mode=changes", raw: list, contentType: "text/csv"); // 200
        await Call(civil, "GET", "/api/name-lists", "/api/name-lists");
        await Call(civil, "GET", "/api/name-lists/{id}", $"/api/name-lists/{report.GetProperty("batch").GetString()}");
        await Call(await fx.As("veterans"), "POST", "/api/name-lists", "/api/name-lists?department=civil_affairs&month=2024-05&region=fuyang", raw: list, contentType: "text/csv"); // 403

        // Audit, insights, policy browser
        await Call(auditor, "GET", "/api/audit", $"/api/audit?entity=settlement&entityId={big}");
        await Call(op, "GET", "/api/insights/dashboard", "/api/insights/dashboard?region=fuyang&year=2023");
        await Call(op, "GET", "/api/insights/map", "/api/insights/map?region=fuyang&year=2023");
        await Call(op, "GET", "/api/insights/rankings", "/api/insights/rankings?dimension=institution&region=fuyang&from=2023-01&to=2023-12");
        await Call(op, "GET", "/api/insights/trends", "/api/insights/trends?dimension=category&region=fuyang&from=2023-01&to=2023-12");
        await Call(op, "GET", "/api/insights/persons/{id}/bills", $"/api/insights/persons/{pid}/bills?year=2023");
        var regions = await Call(op, "GET", "/api/policy-browser/regions", "/api/policy-browser/regions");
        var docId = regions[0].GetProperty("documents")[0].GetProperty("id").GetString();
        await Call(op, "GET", "/api/policy-browser/documents/{id}", $"/api/policy-browser/documents/{docId}?date=2023-06-01");
        await Call(op, "GET", "/api/policy-browser/documents/{id}", "/api/policy-browser/documents/no-such");           // 404

    }
}

public sealed class AnswersMatchSchemaTestsSqlite(SqliteFixture fx) : AnswersMatchSchemaTests(fx), IClassFixture<SqliteFixture>;
public sealed class AnswersMatchSchemaTestsPostgres(PostgresFixture fx) : AnswersMatchSchemaTests(fx), IClassFixture<PostgresFixture>, IPostgresTests;
