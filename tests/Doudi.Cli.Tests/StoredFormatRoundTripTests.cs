using System.Text;
using System.Text.Json;
using Doudi.Cases;
using Doudi.Engine.Settlement;
using Doudi.Policy.Loading;

namespace Doudi.Cli.Tests;

/// <summary>
/// What a server stores is what the CLI writes and reads (issue 8): every bill of every case file, written by
/// BillWriter, reads back to the same bill; every result written by ResultWriter reads back by ResultReader with the same
/// amounts, counts and trace steps. A field added to a writer without its reader fails here.
/// </summary>
public class StoredFormatRoundTripTests
{
    [Fact]
    public void Every_case_bill_and_result_round_trips()
    {
        var catalog = PolicyLoader.LoadDirectory(PolicyLocator.FindDefault()!).Catalog!;
        var engine = new SettlementEngine(catalog);
        int bills = 0, results = 0;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var cases = Path.Combine(dir.FullName, "tests", "cases");
            if (!Directory.Exists(cases)) continue;
            foreach (var path in Directory.GetFiles(cases, "*.json", SearchOption.AllDirectories))
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
                if (!doc.RootElement.TryGetProperty("case", out var json)) continue;
                var read = CaseReader.Read(Encoding.UTF8.GetBytes(json.GetRawText()));
                if (!read.Ok) continue;
                foreach (var bill in read.Value!.Bills)
                {
                    var written = BillWriter.Write(bill);
                    var back = BillReader.ReadBill(Encoding.UTF8.GetBytes(written));
                    Assert.True(back.Ok, $"{path} {bill.Id}: {string.Join("; ", back.Problems)}");
                    Assert.Equal(written, BillWriter.Write(back.Value!));
                    Assert.Equal(bill with { Items = [] }, back.Value! with { Items = [] });
                    Assert.Equal(bill.Items, back.Value!.Items);
                    bills++;
                }
                Doudi.Engine.Results.CaseResult result;
                try { result = engine.SettleCase(read.Value!); } catch (SettlementException) { continue; }
                foreach (var r in result.Bills)
                {
                    string first = Write(r);
                    var again = ResultReader.ReadBill(Encoding.UTF8.GetBytes(first));
                    Assert.True(again.Ok, $"{path} {r.Id}: {string.Join("; ", again.Problems)}");
                    var b = again.Value!;
                    Assert.Equal((r.Id, r.Person, r.Date, r.Policy, r.Category), (b.Id, b.Person, b.Date, b.Policy, b.Category));
                    Assert.Equal((r.AssistanceBase, r.CriticalIllness, r.Assistance, r.Tilted, r.Supplementary, r.PersonalBurden, r.ReasonableBurden),
                        (b.AssistanceBase, b.CriticalIllness, b.Assistance, b.Tilted, b.Supplementary, b.PersonalBurden, b.ReasonableBurden));
                    Assert.Equal((r.AssistanceUpstream, r.AssistanceUpstream is null ? null : r.AssistanceDue ?? r.Assistance, r.AssistanceUpstream is null ? null : r.AssistanceDifference ?? 0m),
                        (b.AssistanceUpstream, b.AssistanceDue, b.AssistanceDifference));
                    Assert.Equal(r.HasCounts ? r.Counted : [], b.HasCounts ? b.Counted : []);
                    Assert.Equal(r.Trace.Select(t => (t.Step, t.Amount, t.Rule, t.Detail, t.Interpretation)), b.Trace.Select(t => (t.Step, t.Amount, t.Rule, t.Detail, t.Interpretation)));
                    results++;
                }
            }
            break;
        }
        Assert.True(bills > 100 && results > 100, $"{bills} bills, {results} results");
    }

    [Fact]
    public void A_stored_result_with_a_field_the_contract_does_not_have_is_refused()
    {
        var read = ResultReader.ReadBill("""{"id":"b","person":"p","date":"2023-01-01","policy":"x","assistance":1,"trace":[],"bonus":5}"""u8);
        Assert.Equal("bonus", Assert.Single(read.Problems).Path);
    }

    private static string Write(Doudi.Engine.Results.BillResult r)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })) ResultWriter.WriteBill(w, r);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
