using System.Text;
using System.Text.Json.Nodes;
using Doudi.Cases;
using Doudi.Engine.Cases;
using Doudi.Engine.Settlement;

namespace Doudi.Cli.Tests;

/// <summary>A valid case file to break one field at a time, and helpers to read it.</summary>
internal static class CaseSamples
{
    // p1 and b1 give every field; p2 and b2 only the required ones, so defaults are visible.
    public const string Valid = """
        {
          "region": "fuyang",
          "persons": [
            { "id": "p1", "household": "h1", "insurance": "resident",
              "identities": [ { "category": "subsistence", "recognized": "2022-05-10", "revoked": null, "forMedicalSpending": false },
                              { "category": "severe_disability", "recognized": "2021-01-01", "revoked": "2023-06-30", "forMedicalSpending": true } ] },
            { "id": "p2", "insurance": "employee", "identities": [] }
          ],
          "bills": [
            { "id": "b1", "person": "p1", "date": "2023-04-01", "kind": "inpatient",
              "total": 12000, "inPolicy": 10000, "basicPaid": 6000, "criticalPaid": 0,
              "supplementaryPaid": 100.5, "assistancePaid": null, "reasonableOutOfPolicy": 500,
              "specialDisease": true, "hospitalLevel": 3, "designated": false, "referred": true, "withinCity": false,
              "excluded": "third_party",
              "items": [ { "kind": "drug", "class": "dental_implant", "inCatalog": false, "amount": 8000 },
                         { "kind": "service", "class": null, "inCatalog": true, "amount": 0.01 } ] },
            { "id": "b2", "person": "p2", "date": "2024-02-29", "kind": "outpatient", "total": 300, "inPolicy": 300, "basicPaid": 150 }
          ]
        }
        """;

    public static JsonObject Case() => JsonNode.Parse(Valid)!.AsObject();
    public static JsonObject Person(JsonObject root, int i) => root["persons"]![i]!.AsObject();
    public static JsonObject Identity(JsonObject root, int p, int i) => Person(root, p)["identities"]![i]!.AsObject();
    public static JsonObject Bill(JsonObject root, int i) => root["bills"]![i]!.AsObject();
    public static JsonObject Item(JsonObject root, int b, int i) => Bill(root, b)["items"]![i]!.AsObject();

    public static ReadResult<CaseFile> Read(string json) => CaseReader.Read(Encoding.UTF8.GetBytes(json));
    public static ReadResult<CaseFile> Read(JsonNode root) => Read(root.ToJsonString());

    /// <summary>Reads and expects exactly one problem, returned for the caller to check path and message.</summary>
    public static SettlementProblem OneProblem(JsonNode root) => OneProblem(root.ToJsonString());

    public static SettlementProblem OneProblem(string json)
    {
        var read = Read(json);
        Assert.Null(read.Value);
        return Assert.Single(read.Problems);
    }

    public static void AssertProblem(SettlementProblem problem, string path, params string[] inMessage)
    {
        Assert.Equal(path, problem.Path);
        foreach (var part in inMessage) Assert.Contains(part, problem.Message);
    }
}
