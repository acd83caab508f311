using System.Net;
using Doudi.Server.Registry;

namespace Doudi.Server.Tests.Infrastructure;

/// <summary>Registers test persons through the API (operator), each with a fresh valid ID number.</summary>
public static class People
{
    private static readonly object Gate = new();
    private static readonly HashSet<string> Used = [];

    public static string UniqueIdNumber(string area = "330183")
    {
        lock (Gate)
        {
            while (true)
            {
                var id = ChineseId.Make(area, new DateOnly(1940, 1, 1).AddDays(Random.Shared.Next(0, 25000)), Random.Shared.Next(0, 1000));
                if (Used.Add(id)) return id;
            }
        }
    }

    public static async Task<string> RegisterAsync(ServerFixture fx, string region, string? category, string recognized = "2022-05-10",
        string name = "张三", string insurance = "resident", string? household = null, bool forMedicalSpending = false)
    {
        var op = await fx.As("operator");
        var (status, body, text) = await op.PostJson("/api/persons", new { idNumber = UniqueIdNumber(), name, region, insurance, township = "富春街道", household });
        Assert.True(status == HttpStatusCode.Created, text);
        var id = body.Str("id");
        if (category is not null)
        {
            var (s2, _, t2) = await op.PostJson($"/api/persons/{id}/identities", new { category, department = "civil_affairs", recognized, forMedicalSpending });
            Assert.True(s2 == HttpStatusCode.Created, t2);
        }
        return id;
    }
}
