using System.Net;
using System.Net.Http.Json;
using Doudi.Server.Tests.Infrastructure;

namespace Doudi.Server.Tests;

/// <summary>Roles, API tokens, ID-number masking, and the append-only audit log.</summary>
public abstract class SecurityTests(ServerFixture fx)
{
    [DbFact]
    public async Task Anonymous_requests_and_wrong_passwords_are_refused()
    {
        var anon = fx.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anon.GetAsync("/api/persons")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anon.PostJson("/api/settlements", new { id = "x" })).Status);
        var (status, body, _) = await anon.PostJson("/api/auth/login", new { username = "admin", password = "wrong-password" });
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("用户名或密码错误", body.Str("title"));
        Assert.Equal(HttpStatusCode.OK, (await anon.GetAsync("/health")).StatusCode);
    }

    [DbFact]
    public async Task Staff_change_their_own_password()
    {
        var admin = await fx.As("admin");
        var user = "pw" + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(HttpStatusCode.Created, (await admin.PostJson("/api/users", new { username = user, role = "charity", password = "first-password-1" })).Status);
        var client = await fx.LoginAsync(user, "first-password-1");
        var (bad, problem, _) = await client.PostJson("/api/auth/password", new { currentPassword = "wrong-password", newPassword = "second-password-2" });
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.True(problem.GetProperty("errors").TryGetProperty("currentPassword", out _));
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/api/auth/password", new { currentPassword = "first-password-1", newPassword = "second-password-2" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fx.Anonymous().PostJson("/api/auth/login", new { username = user, password = "first-password-1" })).Status);
        var session = await fx.LoginAsync(user, "second-password-2");
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/api/auth/me")).StatusCode);
        // deactivated accounts lose their session and cannot log in; nothing is deleted
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/users/{user}/deactivation", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fx.Anonymous().PostJson("/api/auth/login", new { username = user, password = "second-password-2" })).Status);
    }

    [DbFact]
    public async Task Two_first_logins_at_once_of_an_account_without_a_stamp_both_keep_their_session()
    {
        // An account made before stamps existed gets one at its first login. Two such logins at once (a double click,
        // two tabs) each set a new stamp, so the cookie of the first was dead on arrival: the console went back to the
        // login page. The stamp is now set only while still empty.
        var admin = await fx.As("admin");
        var user = "st" + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(HttpStatusCode.Created, (await admin.PostJson("/api/users", new { username = user, role = "charity", password = "first-password-1" })).Status);
        for (var round = 0; round < 3; round++)
        {
            await fx.Db.WriteAsync((c, tx) => Doudi.Server.Storage.Sql.ExecAsync(c, "UPDATE users SET security_stamp = '' WHERE username = @u", tx, ("u", user)));
            var sessions = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => fx.LoginAsync(user, "first-password-1")));
            foreach (var session in sessions)
                Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/api/auth/me")).StatusCode);
        }
    }

    [DbFact]
    public async Task Each_role_may_do_only_what_it_needs()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var bill = new { id = "sec-" + Guid.NewGuid().ToString("N")[..8], person, date = "2023-04-01", kind = "inpatient", total = 100, inPolicy = 100, basicPaid = 50, criticalPaid = 0 };
        foreach (var user in new[] { "auditor", "charity", "civil", "veterans" })
            Assert.Equal(HttpStatusCode.Forbidden, (await (await fx.As(user)).PostJson("/api/settlements", bill)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await fx.As("auditor")).PostJson("/api/persons", new { idNumber = People.UniqueIdNumber(), name = "x", region = "fuyang" })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await fx.As("operator")).PostJson("/api/users", new { username = "u", role = "auditor", password = "0123456789ab" })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await fx.As("operator")).GetAsync("/api/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await fx.As("auditor")).GetAsync("/api/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await fx.As("auditor")).GetAsync($"/api/persons/{person}")).StatusCode);
        var (hospital, _) = await fx.HospitalAsync("彭水县人民医院");
        Assert.Equal(HttpStatusCode.Forbidden, (await hospital.GetAsync($"/api/persons/{person}")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await hospital.PostJson("/api/settlements", bill)).Status);
    }

    [DbFact]
    public async Task Id_numbers_are_masked_for_roles_that_do_not_need_them()
    {
        var person = await People.RegisterAsync(fx, "wenzhou", "destitute");
        var (_, full, _) = await (await fx.As("operator")).GetJson($"/api/persons/{person}");
        var idNumber = full.Str("idNumber");
        Assert.Equal(18, idNumber.Length);
        Assert.DoesNotContain("*", idNumber);
        foreach (var user in new[] { "auditor", "charity", "veterans" })
        {
            var (_, masked, text) = await (await fx.As(user)).GetJson($"/api/persons/{person}");
            Assert.Equal(idNumber[..4] + "**********" + idNumber[14..], masked.Str("idNumber"));
            Assert.DoesNotContain(idNumber, text);
        }
        // and in the audit log, which stores the change in full
        var (_, audit, auditText) = await (await fx.As("auditor")).GetJson($"/api/audit?entity=person&entityId={person}");
        Assert.Single(audit.GetProperty("items").EnumerateArray());
        Assert.DoesNotContain(idNumber, auditText);
        var (_, adminAudit, adminText) = await (await fx.As("admin")).GetJson($"/api/audit?entity=person&entityId={person}");
        Assert.Contains(idNumber, adminText);
    }

    [DbFact]
    public async Task Id_numbers_never_reach_the_logs()
    {
        var op = await fx.As("operator");
        var idNumber = People.UniqueIdNumber();
        var (status, created, _) = await op.PostJson("/api/persons", new { idNumber, name = "罗晓", region = "pengshui" });
        Assert.Equal(System.Net.HttpStatusCode.Created, status);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await op.GetAsync($"/api/persons?q={idNumber}")).StatusCode);
        await op.PostJson("/api/settlements", new { id = "log-" + Guid.NewGuid().ToString("N")[..8], person = idNumber, date = "2023-02-30", kind = "inpatient", total = 1, inPolicy = 1, basicPaid = 0 });
        Assert.Contains(fx.Logs.Lines, l => l.Contains("/api/persons?q=") && l.Contains(idNumber[..4] + "**********"));
        Assert.DoesNotContain(fx.Logs.Lines, l => l.Contains(idNumber));
    }

    [DbFact]
    public async Task Hospitals_ask_whether_a_patient_is_an_assistance_object_on_a_date()
    {
        var person = await People.RegisterAsync(fx, "pengshui", "subsistence", recognized: "2023-06-15");
        var (hospital, _) = await fx.HospitalAsync("彭水县中医院");
        var (_, before, _) = await hospital.GetJson($"/api/eligibility?person={person}&date=2023-06-30");
        Assert.False(before.GetProperty("eligible").GetBoolean()); // I-1: from 1 July
        var (status, after, text) = await hospital.GetJson($"/api/eligibility?person={person}&date=2023-07-01");
        Assert.True(status == HttpStatusCode.OK, text);
        Assert.True(after.GetProperty("eligible").GetBoolean());
        Assert.Equal("subsistence", after.GetProperty("identities")[0].Str("category"));
        Assert.Contains("**********", after.Str("idNumber"));
        Assert.Equal(HttpStatusCode.BadRequest, (await hospital.GetJson($"/api/eligibility?person={person}&date=2023-02-30")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await fx.As("auditor")).GetJson($"/api/eligibility?person={person}&date=2023-07-01")).Status);
    }

    [DbFact]
    public async Task A_revoked_token_no_longer_works()
    {
        var (hospital, tokenId) = await fx.HospitalAsync("温州医科大学附属第一医院");
        Assert.Equal(HttpStatusCode.OK, (await hospital.GetAsync("/api/settlements")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await (await fx.As("admin")).PostAsync($"/api/tokens/{tokenId}/revocation", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await hospital.GetAsync("/api/settlements")).StatusCode);
        // tokens are stored hashed only
        var raw = hospital.DefaultRequestHeaders.Authorization!.Parameter!;
        var stored = await fx.Db.ReadAsync(c => Doudi.Server.Storage.Sql.ScalarAsync(c, "SELECT COUNT(*) FROM api_tokens WHERE token_hash = @t", null, ("t", raw)));
        Assert.Equal(0L, Convert.ToInt64(stored));
    }

    [DbFact]
    public async Task The_audit_log_records_who_did_what_and_refuses_updates_and_deletes()
    {
        var person = await People.RegisterAsync(fx, "jiande", "marginal");
        var (_, audit, _) = await (await fx.As("admin")).GetJson("/api/audit?entity=identity");
        var entry = audit.GetProperty("items").EnumerateArray().Last();
        Assert.Equal("operator", entry.Str("actor"));
        Assert.Equal("bureau_operator", entry.Str("role"));
        Assert.Equal("create", entry.Str("action"));
        Assert.Equal("marginal", entry.GetProperty("after").Str("category"));

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() =>
            fx.Db.ReadAsync(c => Doudi.Server.Storage.Sql.ExecAsync(c, "UPDATE audit_log SET actor = 'someone else'", null)));
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() =>
            fx.Db.ReadAsync(c => Doudi.Server.Storage.Sql.ExecAsync(c, "DELETE FROM audit_log", null)));
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() =>
            fx.Db.ReadAsync(c => Doudi.Server.Storage.Sql.ExecAsync(c, "DELETE FROM persons WHERE id = @p", null, ("p", person))));
    }
}

public sealed class SecurityTestsSqlite(SqliteFixture fx) : SecurityTests(fx), IClassFixture<SqliteFixture>;
public sealed class SecurityTestsPostgres(PostgresFixture fx) : SecurityTests(fx), IClassFixture<PostgresFixture>, IPostgresTests;
