using System.Net;
using Doudi.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Doudi.Server.Tests.Probes;

/// <summary>
/// Identity probes over every operation of the OpenAPI document (role × endpoint, generated, not kept by hand): the
/// anonymous caller, garbage and revoked credentials and every role the operation does not name are refused before
/// anything is read, with a problem in Chinese (English on request); every role it names gets past authorization.
/// </summary>
public abstract class RoleMatrixProbes(ServerFixture fx)
{
    /// <summary>Ends the caller's own session, which the rest of the run needs.</summary>
    private static readonly HashSet<string> Skipped = ["POST /api/auth/logout"];

    [DbFact]
    public async Task Every_operation_refuses_the_anonymous_caller_and_every_role_it_does_not_name_and_lets_the_others_past()
    {
        var callers = await Callers.AllAsync(fx);
        var operations = await Operation.ReadAsync(callers["bureau_admin"]);
        Assert.True(operations.Count >= 100, $"only {operations.Count} operations in the document");
        var failures = new List<string>();
        int refusals = 0, admitted = 0;
        foreach (var op in operations.Where(o => !Skipped.Contains(o.ToString())))
        {
            var body = op.Method is "POST" or "PUT" ? "{}" : null;
            foreach (var (who, client) in callers)
            {
                using var r = await Callers.SendAsync(client, op.Method, op.Url(), body);
                var status = (int)r.StatusCode;
                if (status >= 500) { failures.Add($"{op} as {who}: {status}"); continue; }
                bool mayCall = who == "anonymous" ? !op.Secured : !op.Secured || op.Allows(who);
                if (mayCall)
                {
                    admitted++;
                    if (status is 401 or 403) failures.Add($"{op} as {who}: {status}, but the document lets {who} call it");
                    continue;
                }
                refusals++;
                // Staff of a role the operation does not name: 403. A hospital token on a staff-only operation: 401 or 403.
                var expected = who == "anonymous" ? [401] : who == "hospital" ? new[] { 401, 403 } : [403];
                if (!expected.Contains(status)) failures.Add($"{op} as {who}: {status}, expected {string.Join(" or ", expected)}");
                else if (await Answers.RefusalProblemAsync(r) is { } wrong) failures.Add($"{op} as {who}: {wrong}");
            }
        }
        Assert.True(refusals > 300 && admitted > 300, $"{refusals} refusals, {admitted} admitted");
        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n" + string.Join('\n', failures.Take(60)));
    }

    [DbFact]
    public async Task Garbage_expired_and_revoked_credentials_are_refused_on_every_secured_operation_in_both_languages()
    {
        var admin = await fx.As("admin");
        var operations = await Operation.ReadAsync(admin);
        var (revokedClient, revokedId) = await fx.HospitalAsync("已吊销令牌医院");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/tokens/{revokedId}/revocation", null)).StatusCode);

        HttpClient With(string header, string value)
        {
            var c = fx.Factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
            c.DefaultRequestHeaders.TryAddWithoutValidation(header, value);
            return c;
        }
        var forged = new Dictionary<string, HttpClient>
        {
            ["garbage bearer"] = With("Authorization", "Bearer ddt_" + new string('0', 64)),
            ["empty bearer"] = With("Authorization", "Bearer "),
            ["basic"] = With("Authorization", "Basic YWRtaW46YWRtaW4="),
            ["revoked token"] = revokedClient,
            ["garbage cookie"] = With("Cookie", "doudi.auth=CfDJ8garbage" + new string('A', 200)),
            ["huge cookie"] = With("Cookie", "doudi.auth=" + new string('x', 6000)),
        };
        var failures = new List<string>();
        foreach (var op in operations.Where(o => o.Secured))
            foreach (var (what, client) in forged)
            {
                var english = what.Contains("cookie", StringComparison.Ordinal);
                using var r = await Callers.SendAsync(client, op.Method, op.Url(), op.Method is "POST" or "PUT" ? "{}" : null, language: english ? "en-US,en;q=0.9" : null);
                if (r.StatusCode != HttpStatusCode.Unauthorized) failures.Add($"{op} with {what}: {(int)r.StatusCode}");
                else if (await Answers.RefusalProblemAsync(r, english) is { } wrong) failures.Add($"{op} with {what}: {wrong}");
            }
        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n" + string.Join('\n', failures.Take(60)));
    }

    [DbFact]
    public async Task The_framework_answers_for_unknown_paths_and_methods_are_problems_in_chinese_with_english_on_request()
    {
        var op = await fx.As("operator");
        foreach (var (method, url, status) in new[] { ("GET", "/api/no-such-thing", 404), ("DELETE", "/api/persons", 405), ("PATCH", "/api/settlements", 405) })
        {
            using var zh = await Callers.SendAsync(op, method, url);
            Assert.Equal(status, (int)zh.StatusCode);
            Assert.Null(await Answers.RefusalProblemAsync(zh));
            using var en = await Callers.SendAsync(op, method, url, language: "en");
            Assert.Null(await Answers.RefusalProblemAsync(en, english: true));
        }
    }
}

public sealed class RoleMatrixProbesSqlite(SqliteFixture fx) : RoleMatrixProbes(fx), IClassFixture<SqliteFixture>;
public sealed class RoleMatrixProbesPostgres(PostgresFixture fx) : RoleMatrixProbes(fx), IClassFixture<PostgresFixture>, IPostgresTests;
