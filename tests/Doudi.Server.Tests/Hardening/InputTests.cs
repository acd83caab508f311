using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Doudi.Server.Registry;
using Doudi.Server.Tests.Infrastructure;

namespace Doudi.Server.Tests.Hardening;

/// <summary>
/// Issue 8, input that is not understood is refused with its place named, never a 5xx: control characters, parameters
/// that are not numbers, ID numbers, a full name list that would end a roster, CSV files in GBK.
/// </summary>
public abstract class InputTests(ServerFixture fx)
{
    static InputTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static void Names(JsonElement problem, string field, string text) =>
        Assert.True(problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("errors", out var e) && e.TryGetProperty(field, out _), $"expected a problem naming {field}: {text}");

    [DbFact]
    public async Task Control_characters_are_refused_in_bodies_queries_paths_and_csv_cells_and_never_give_500()
    {
        var op = await fx.As("operator");
        var (s1, p1, t1) = await op.PostJson("/api/persons", new { idNumber = People.UniqueIdNumber(), name = "张\u0000三", region = "fuyang" });
        Assert.Equal(HttpStatusCode.BadRequest, s1);
        Names(p1, "name", t1);
        var (s2, p2, t2) = await op.PostJson("/api/persons", new { idNumber = People.UniqueIdNumber(), name = "李四", region = "fuyang", township = "银湖\u001b街道" });
        Assert.Equal(HttpStatusCode.BadRequest, s2);
        Names(p2, "township", t2);

        foreach (var (url, field) in new[] { ("/api/persons?q=%00", "q"), ("/api/eligibility?person=P%00&date=2023-01-01", "person"), ("/api/persons/P%01", "id"),
                     ("/api/audit?entity=%07", "entity"), ("/api/settlements?region=x%00", "region"), ("/api/persons?township=" + new string('a', 300), "township") })
        {
            var client = url.StartsWith("/api/eligibility", StringComparison.Ordinal) ? (await fx.HospitalAsync("医院")).Client : url.StartsWith("/api/audit", StringComparison.Ordinal) ? await fx.As("admin") : op;
            var (s, p, t) = await client.GetJson(url);
            Assert.True(s == HttpStatusCode.BadRequest, $"{url}: {t}");
            Names(p, field, t);
        }

        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var (s3, p3, t3) = await op.PostJson("/api/settlements", new { id = "n\u0000ul", person, date = "2023-04-01", kind = "inpatient", total = 1000, inPolicy = 1000, basicPaid = 500, criticalPaid = 0 });
        Assert.True((int)s3 is >= 400 and < 500, t3);
        var (s4, p4, t4) = await op.PostJson("/api/users", new { username = "u1", displayName = "x\u0085y", role = "auditor", password = "0123456789ab" });
        Assert.Equal(HttpStatusCode.Forbidden, s4); // operators do not manage users; the admin is refused for the character
        var (s5, p5, t5) = await (await fx.As("admin")).PostJson("/api/users", new { username = "u\u0000", role = "auditor", password = "0123456789ab" });
        Assert.Equal(HttpStatusCode.BadRequest, s5);
        Names(p5, "username", t5);

        var csv = $"身份证号,姓名,人员类别\n{People.UniqueIdNumber()},王\u0000五,7019\n";
        var (s6, p6, t6) = await (await fx.As("civil")).PostRaw("/api/name-lists?month=2024-01&region=wenzhou&mode=changes", csv, "text/csv");
        Assert.Equal(HttpStatusCode.BadRequest, s6);
        Names(p6, "line 2.姓名", t6);
        var (s7, p7, t7) = await op.PostJson($"/api/settlements/nothing/reversal", new { reason = "错\u0000误" });
        Assert.Equal(HttpStatusCode.BadRequest, s7);
        Names(p7, "reason", t7);
    }

    [DbFact]
    public async Task Paging_and_year_parameters_that_are_not_numbers_are_refused_naming_the_parameter()
    {
        var op = await fx.As("operator");
        var person = await People.RegisterAsync(fx, "fuyang", null);
        foreach (var (url, field) in new[]
                 {
                     ("/api/persons?page=abc", "page"), ("/api/persons?pageSize=1e3", "pageSize"), ("/api/households?page=2147483647", "page"),
                     ("/api/persons?page=99999999999", "page"), ("/api/settlements?year=abc", "year"), ("/api/settlements?year=99999", "year"),
                     ($"/api/persons/{person}/years/abc", "year"), ($"/api/persons/{person}/years/1066", "year"), ("/api/name-lists?page=-1", "page"),
                 })
        {
            var client = url.StartsWith("/api/name-lists", StringComparison.Ordinal) ? await fx.As("civil") : op;
            var (s, p, t) = await client.GetJson(url);
            Assert.True(s == HttpStatusCode.BadRequest, $"{url}: {t}");
            Names(p, field, t);
        }
        // Chinese by default, English on request
        var en = await fx.As("auditor");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/settlements?page=abc");
        request.Headers.AcceptLanguage.ParseAdd("en");
        var (_, english, et) = await Http.Read(await en.SendAsync(request));
        Assert.True(et.Contains("is not an integer", StringComparison.Ordinal), et);
        var (_, chinese, ct) = await en.GetJson("/api/settlements?page=abc");
        Assert.Contains("不是整数", ct);
    }

    private static string IdEndingInX()
    {
        while (true)
        {
            var id = People.UniqueIdNumber();
            if (id.EndsWith('X')) return id;
        }
    }

    [DbFact]
    public async Task Id_numbers_are_checked_and_a_lower_case_x_finds_the_same_person_everywhere()
    {
        var op = await fx.As("operator");
        var id = IdEndingInX();
        var lower = id[..17] + "x";
        var (s, created, t) = await op.PostJson("/api/persons", new { idNumber = lower, name = "钱七", region = "fuyang" });
        Assert.True(s == HttpStatusCode.Created, t);
        Assert.Equal(id, created.Str("idNumber"));
        var (_, found, ft) = await op.GetJson($"/api/persons?q={lower}");
        Assert.Equal(1, found.GetProperty("total").GetInt64());
        var (hospital, _) = await fx.HospitalAsync("钱塘医院");
        var (es, _, et) = await hospital.GetJson($"/api/eligibility?person={lower}&date=2023-01-01");
        Assert.True(es == HttpStatusCode.OK, et);
        var (dup, _, _) = await op.PostJson("/api/persons", new { idNumber = id, name = "钱七", region = "fuyang" });
        Assert.Equal(HttpStatusCode.Conflict, dup); // upper and lower case are one person

        // a wrong check character, and a birth date in the future, are refused wherever an ID number is taken
        var wrongCheck = id[..17] + (id[16] == '0' ? "1" : "0");
        var future = ChineseId.Make("330183", DateOnly.FromDateTime(DateTime.UtcNow).AddYears(1), 1);
        foreach (var bad in new[] { wrongCheck, future })
        {
            var (ps, pp, pt) = await op.PostJson("/api/persons", new { idNumber = bad, name = "孙八", region = "fuyang" });
            Assert.Equal(HttpStatusCode.BadRequest, ps);
            Names(pp, "idNumber", pt);
            var (qs, qp, qt) = await op.GetJson($"/api/persons?q={bad}");
            Assert.Equal(HttpStatusCode.BadRequest, qs);
            Names(qp, "q", qt);
            var (hs, hp, ht) = await hospital.GetJson($"/api/eligibility?person={bad}&date=2023-01-01");
            Assert.Equal(HttpStatusCode.BadRequest, hs);
            Names(hp, "person", ht);
        }
    }

    [DbFact]
    public async Task A_full_list_that_would_end_most_of_a_roster_needs_an_explicit_confirmation()
    {
        var veterans = await fx.As("veterans");
        string a = People.UniqueIdNumber(), b = People.UniqueIdNumber();
        var first = $"身份证号,姓名,人员类别\n{a},周一,7052\n{b},吴二,7052\n";
        var (s1, _, t1) = await veterans.PostRaw("/api/name-lists?month=2024-01&region=jiande&mode=full", first, "text/csv");
        Assert.True(s1 == HttpStatusCode.Created, t1);
        var identities = Convert.ToInt64(await fx.Db.ReadAsync(c => Doudi.Server.Storage.Sql.ScalarAsync(c, "SELECT COUNT(*) FROM identities WHERE revoked IS NULL", null)));

        // a header-only file, "full": it would end the whole roster (2 of 2 = 100% > 10%)
        var (s2, p2, t2) = await veterans.PostRaw("/api/name-lists?month=2024-02&region=jiande&mode=full", "身份证号,姓名,人员类别\n", "text/csv");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, s2);
        Names(p2, "confirm", t2);
        Assert.Contains("confirm=true", t2);
        Assert.Equal(identities, Convert.ToInt64(await fx.Db.ReadAsync(c => Doudi.Server.Storage.Sql.ScalarAsync(c, "SELECT COUNT(*) FROM identities WHERE revoked IS NULL", null))));

        var (s3, report, t3) = await veterans.PostRaw("/api/name-lists?month=2024-02&region=jiande&mode=full&confirm=true", "身份证号,姓名,人员类别\n", "text/csv");
        Assert.True(s3 == HttpStatusCode.Created, t3);
        Assert.Equal(2, report.GetProperty("ended").GetArrayLength());
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body, string Text)> PostBytes(HttpClient client, string url, byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await Http.Read(await client.PostAsync(url, content));
    }

    [DbFact]
    public async Task Csv_name_lists_in_gbk_are_read_detected_or_declared_and_a_wrong_declaration_is_refused_not_garbled()
    {
        var civil = await fx.As("civil");
        var gbk = Encoding.GetEncoding("GB18030");
        string a = People.UniqueIdNumber(), b = People.UniqueIdNumber();
        var detected = gbk.GetBytes($"身份证号,姓名,人员类别,乡镇（街道）\n{a},欧阳娜,7019,五马街道\n");
        var (s1, r1, t1) = await PostBytes(civil, "/api/name-lists?month=2024-03&region=wenzhou&mode=changes", detected, "text/csv");
        Assert.True(s1 == HttpStatusCode.Created, t1);
        Assert.Equal("欧阳娜", r1.GetProperty("new")[0].Str("name"));

        var declared = gbk.GetBytes($"身份证号,姓名,人员类别\n{b},诸葛琳,7131\n");
        var (s2, r2, t2) = await PostBytes(civil, "/api/name-lists?month=2024-03&region=wenzhou&mode=changes", declared, "text/csv; charset=GBK");
        Assert.True(s2 == HttpStatusCode.Created, t2);
        Assert.Equal("诸葛琳", r2.GetProperty("new")[0].Str("name"));

        var (s3, p3, t3) = await PostBytes(civil, "/api/name-lists?month=2024-04&region=wenzhou&mode=changes", declared, "text/csv; charset=utf-8");
        Assert.Equal(HttpStatusCode.BadRequest, s3);
        Assert.Contains("UTF-8", t3);
        var (s4, p4, t4) = await PostBytes(civil, "/api/name-lists?month=2024-04&region=wenzhou&mode=changes", declared, "text/csv; charset=big5");
        Assert.Equal(HttpStatusCode.BadRequest, s4);
        Names(p4, "charset", t4);
        // a GBK header with an unknown column is refused naming the column legibly
        var (s5, _, t5) = await PostBytes(civil, "/api/name-lists?month=2024-04&region=wenzhou&mode=changes", gbk.GetBytes($"身份证号,姓名,人员类别,备注\n{b},诸葛琳,7131,无\n"), "text/csv");
        Assert.Equal(HttpStatusCode.BadRequest, s5);
        Assert.Contains("备注", t5);
    }

    [DbFact]
    public async Task Csv_settlement_imports_in_gbk_are_read_and_an_undecodable_file_is_reported_not_garbled()
    {
        var op = await fx.As("operator");
        var gbk = Encoding.GetEncoding("GB18030");
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var tag = Guid.NewGuid().ToString("N")[..6];
        // our field names, where an unknown column is an error naming it
        var csv = "id,person,date,kind,total,inPolicy,basicPaid,criticalPaid,备注\n" +
                  $"{tag}-1,{person},2023-03-01,inpatient,12000,10000,6000,0,住院\n";
        var (s1, r1, t1) = await PostBytes(op, "/api/settlement-imports?dryRun=true", gbk.GetBytes(csv), "text/csv");
        Assert.True((int)s1 < 500, t1);
        Assert.Contains("备注", t1); // the unknown column is named legibly, not as mojibake
        var (s2, r2, t2) = await PostBytes(op, "/api/settlement-imports?dryRun=true", gbk.GetBytes(csv), "text/csv; charset=utf-8");
        Assert.True((int)s2 < 500, t2);
        Assert.Contains("UTF-8", t2);
        var (s3, p3, t3) = await PostBytes(op, "/api/settlement-imports", gbk.GetBytes(csv), "text/csv; charset=latin-9");
        Assert.Equal(HttpStatusCode.BadRequest, s3);
        Names(p3, "charset", t3);
    }
}

public sealed class InputTestsSqlite(SqliteFixture fx) : InputTests(fx), IClassFixture<SqliteFixture>;
public sealed class InputTestsPostgres(PostgresFixture fx) : InputTests(fx), IClassFixture<PostgresFixture>, IPostgresTests;
