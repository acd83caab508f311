using System.Net;
using System.Net.Http.Json;
using Doudi.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Doudi.Server.Tests.Hardening;

/// <summary>Issue 8, access: hospitals see only their own; sessions end on logout and password change; wrong passwords are throttled.</summary>
public abstract class AccessTests(ServerFixture fx)
{
    private static object Bill(string id, string person) =>
        new { id, person, date = "2023-04-01", kind = "inpatient", total = 1000, inPolicy = 1000, basicPaid = 500, criticalPaid = 0 };

    [DbFact]
    public async Task A_hospital_token_sees_only_the_settlements_it_made_even_beside_a_token_of_the_same_name()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var (first, _) = await fx.HospitalAsync("同名医院");
        var (second, _) = await fx.HospitalAsync("同名医院");
        var id = "own-" + Guid.NewGuid().ToString("N")[..8];
        var (created, _, text) = await first.PostJson("/api/settlements", Bill(id, person));
        Assert.True(created == HttpStatusCode.Created, text);

        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync($"/api/settlements/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await second.GetAsync($"/api/settlements/{id}")).StatusCode);
        var (_, list, listText) = await second.GetJson("/api/settlements");
        Assert.DoesNotContain(id, listText);
        Assert.Equal(0, list.GetProperty("total").GetInt64());
        Assert.Equal(HttpStatusCode.NotFound, (await second.PostAsync($"/api/settlements/{id}/reversal", null)).StatusCode);
        // a retry of the same bill by the other token is not answered with the first one's settlement
        var (retry, _, retryText) = await second.PostJson("/api/settlements", Bill(id, person));
        Assert.Equal(HttpStatusCode.Conflict, retry);
        Assert.DoesNotContain("\"assistance\"", retryText);
        var (_, mine, _) = await first.GetJson("/api/settlements");
        Assert.Equal(1, mine.GetProperty("total").GetInt64());
    }

    [DbFact]
    public async Task Year_summaries_and_year_end_runs_are_for_the_bureau_the_charity_federation_and_auditors_only()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var (hospital, _) = await fx.HospitalAsync("彭水县人民医院");
        var (s, _, t) = await hospital.PostJson("/api/settlements", Bill("yr-" + Guid.NewGuid().ToString("N")[..8], person));
        Assert.True(s == HttpStatusCode.Created, t);
        var (_, view, _) = await (await fx.As("operator")).GetJson($"/api/persons/{person}");
        var household = view.Str("household");
        var (rs, run, rt) = await (await fx.As("operator")).PostJson("/api/year-end-runs", new { region = "fuyang", year = 2023 });
        Assert.True(rs == HttpStatusCode.Created, rt);

        foreach (var url in new[] { $"/api/persons/{person}/years/2023", $"/api/households/{household}/years/2023", $"/api/year-end-runs/{run.Str("id")}" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await hospital.GetAsync(url)).StatusCode);
            foreach (var user in new[] { "operator", "charity", "auditor" })
                Assert.Equal(HttpStatusCode.OK, (await (await fx.As(user)).GetAsync(url)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await (await fx.As("veterans")).GetAsync(url)).StatusCode);
        }
    }

    private async Task<string> NewUserAsync(string password)
    {
        var user = "s" + Guid.NewGuid().ToString("N")[..8];
        var (status, _, text) = await (await fx.As("admin")).PostJson("/api/users", new { username = user, role = "charity", password });
        Assert.True(status == HttpStatusCode.Created, text);
        return user;
    }

    /// <summary>Logs in without a cookie container and returns the session cookie as sent back: what a thief would copy.</summary>
    private async Task<string> StolenCookieAsync(string user, string password)
    {
        var client = fx.Factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        var r = await client.PostAsJsonAsync("/api/auth/login", new { username = user, password });
        r.EnsureSuccessStatusCode();
        return r.Headers.GetValues("Set-Cookie").First().Split(';')[0];
    }

    private async Task<HttpStatusCode> MeWithCookie(string cookie)
    {
        var client = fx.Factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
        request.Headers.Add("Cookie", cookie);
        return (await client.SendAsync(request)).StatusCode;
    }

    [DbFact]
    public async Task Logout_ends_every_session_of_the_user_and_a_copied_cookie_no_longer_works()
    {
        const string password = "logout-password-1";
        var user = await NewUserAsync(password);
        var browser = await fx.LoginAsync(user, password);
        var other = await fx.LoginAsync(user, password);
        var stolen = await StolenCookieAsync(user, password);
        Assert.Equal(HttpStatusCode.OK, await MeWithCookie(stolen));

        Assert.Equal(HttpStatusCode.NoContent, (await browser.PostAsync("/api/auth/logout", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeWithCookie(stolen));
        // logging in again works
        Assert.Equal(HttpStatusCode.OK, (await (await fx.LoginAsync(user, password)).GetAsync("/api/auth/me")).StatusCode);
    }

    [DbFact]
    public async Task A_password_change_ends_every_other_session_and_keeps_the_one_that_changed_it()
    {
        const string password = "change-password-1";
        var user = await NewUserAsync(password);
        var browser = await fx.LoginAsync(user, password);
        var stolen = await StolenCookieAsync(user, password);
        Assert.Equal(HttpStatusCode.NoContent,
            (await browser.PostAsJsonAsync("/api/auth/password", new { currentPassword = password, newPassword = "change-password-2" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeWithCookie(stolen));
    }

    [DbFact]
    public async Task Repeated_wrong_passwords_lock_the_account_for_a_while_even_against_the_right_one()
    {
        const string password = "throttle-password-1";
        var user = await NewUserAsync(password);
        var anon = fx.Anonymous();
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await anon.PostJson("/api/auth/login", new { username = user, password = "wrong-" + i })).Status);
        var r = await anon.PostAsJsonAsync("/api/auth/login", new { username = user, password });
        Assert.Equal((HttpStatusCode)429, r.StatusCode);
        Assert.True(r.Headers.RetryAfter is not null);
        var problem = (await Http.Read(r)).Body;
        Assert.StartsWith("密码错误次数过多", problem.Str("title"));
        // other accounts are not affected
        Assert.Equal(HttpStatusCode.OK, (await fx.LoginAsync("auditor", ServerFixture.StaffPassword).ContinueWith(t => t.Result.GetAsync("/api/auth/me")).Unwrap()).StatusCode);
    }

    [DbFact]
    public async Task Wrong_passwords_from_one_address_are_throttled_across_accounts()
    {
        // A second server over the same database, with a small per-address limit and the client address taken from a test header.
        await using var factory = fx.Factory.WithWebHostBuilder(b =>
        {
            b.UseSetting("Doudi:Login:MaxFailuresPerAddress", "3");
            b.ConfigureServices(s => s.AddSingleton<IStartupFilter>(new TestAddress()));
        });
        HttpClient From(string address)
        {
            var c = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
            c.DefaultRequestHeaders.Add(TestAddress.Header, address);
            return c;
        }
        var attacker = From("203.0.113.7");
        foreach (var name in new[] { "nobody1", "nobody2", "operator" })
            Assert.Equal(HttpStatusCode.Unauthorized, (await attacker.PostJson("/api/auth/login", new { username = name, password = "guess-guess" })).Status);
        Assert.Equal((HttpStatusCode)429, (await attacker.PostJson("/api/auth/login", new { username = "auditor", password = ServerFixture.StaffPassword })).Status);
        Assert.Equal(HttpStatusCode.OK, (await From("198.51.100.2").PostJson("/api/auth/login", new { username = "auditor", password = ServerFixture.StaffPassword })).Status);
    }

    private sealed class TestAddress : IStartupFilter
    {
        public const string Header = "X-Test-Address";
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (ctx, n) =>
            {
                if (ctx.Request.Headers.TryGetValue(Header, out var v)) ctx.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(v.ToString());
                await n();
            });
            next(app);
        };
    }
}

public sealed class AccessTestsSqlite(SqliteFixture fx) : AccessTests(fx), IClassFixture<SqliteFixture>;
public sealed class AccessTestsPostgres(PostgresFixture fx) : AccessTests(fx), IClassFixture<PostgresFixture>, IPostgresTests;
