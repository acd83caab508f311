using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Doudi.Server.Prevention.Common;
using Doudi.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Doudi.Server.Tests.Prevention;

/// <summary>Shared steps of the prevention tests: the pinned clock, settling a bill, department users, counting rows.</summary>
public static class PreventionHelpers
{
    /// <summary>Pins the server's China-time clock (e.g. "2024-09-30T10:00:00").</summary>
    public static void At(this ServerFixture fx, string localTime) => fx.Factory.Services.GetRequiredService<PreventionClock>().Pin(localTime);

    public static async Task<JsonElement> Settle(this ServerFixture fx, object bill)
    {
        var (status, body, text) = await (await fx.As("operator")).PostJson("/api/settlements", bill);
        Assert.True(status == HttpStatusCode.Created, text);
        return body;
    }

    public static string Tag() => Guid.NewGuid().ToString("N")[..8];

    /// <summary>A logged-in user of role department for a jiande 三.(四) department (civil affairs and the charity federation have their own roles).</summary>
    public static async Task<HttpClient> Department(this ServerFixture fx, string code)
    {
        if (code == "civil_affairs") return await fx.As("civil");
        if (code == "charity_federation") return await fx.As("charity");
        var user = "d_" + code;
        var admin = await fx.As("admin");
        var r = await admin.PostAsJsonAsync("/api/users", new { username = user, displayName = user, role = "department", department = code, password = ServerFixture.StaffPassword });
        Assert.True(r.IsSuccessStatusCode || r.StatusCode == HttpStatusCode.Conflict, await r.Content.ReadAsStringAsync());
        return await fx.As(user);
    }

    public static async Task<long> Count(this ServerFixture fx, string sql) =>
        Convert.ToInt64(await fx.Db.ReadAsync(c => Doudi.Server.Storage.Sql.ScalarAsync(c, sql, null)));

    public static async Task<(HttpStatusCode Status, JsonElement Body, string Text)> PutJson(this HttpClient c, string url, object body) =>
        await Http.Read(await c.PutAsJsonAsync(url, body));

    public static readonly string[] JiandeDepartments =
        ["trade_union", "veterans_affairs", "disabled_federation", "health", "education", "womens_federation", "agriculture_rural", "civil_affairs", "red_cross", "charity_federation"];
}
