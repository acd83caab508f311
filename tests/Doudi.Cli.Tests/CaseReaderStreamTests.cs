using System.Text;
using Doudi.Cases;

namespace Doudi.Cli.Tests;

/// <summary>The stream reader refills one buffer; tokens cut at a buffer edge and positions after refills must not suffer.</summary>
public class CaseReaderStreamTests
{
    private static string ManyBills(int count, string? lastBillExtra = null)
    {
        var sb = new StringBuilder("""{ "region": "fuyang", "persons": [ { "id": "p1", "insurance": "resident", "identities": [] } ], "bills": [""");
        for (int i = 0; i < count; i++)
        {
            if (i > 0) sb.Append(",\n");
            sb.Append($$"""{ "id": "b{{i}}", "person": "p1", "date": "2023-01-{{1 + i % 28:00}}", "kind": "outpatient", "total": {{i}}.5, "inPolicy": {{i}}, "basicPaid": 0{{(i == count - 1 ? lastBillExtra : "")}} }""");
        }
        return sb.Append("] }").ToString();
    }

    /// <summary>A stream that hands out a few bytes at a time, as a pipe may.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));
    }

    [Fact]
    public void A_stream_larger_than_the_buffer_reads_like_the_same_bytes_in_memory()
    {
        byte[] json = Encoding.UTF8.GetBytes(ManyBills(5000));
        Assert.True(json.Length > 4 * 65536);
        var fromStream = CaseReader.Read(new TrickleStream(json, 997));
        var fromSpan = CaseReader.Read(json);
        Assert.Empty(fromStream.Problems);
        Assert.Equal(5000, fromStream.Value!.Bills.Count);
        Assert.Equal(fromSpan.Value!.Bills, fromStream.Value.Bills, (a, b) => a.Id == b.Id && a.Total == b.Total && a.Date == b.Date);
        Assert.Equal(4999.5m, fromStream.Value.Bills[^1].Total);
    }

    [Fact]
    public void A_token_longer_than_the_buffer_grows_it()
    {
        // A 200,000-character token is read whole (the buffer grows) and then refused as an id by its length alone —
        // not as broken JSON — and reading goes on; an id of the longest length allowed is read as it is.
        string longId = new('x', 200_000);
        string json = ManyBills(2).Replace("\"b0\"", $"\"{longId}\"");
        var read = CaseReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        var problem = Assert.Single(read.Problems);
        Assert.Equal("bills[0].id", problem.Path);
        string longest = new('y', 4096);
        read = CaseReader.Read(new TrickleStream(Encoding.UTF8.GetBytes(ManyBills(1).Replace("\"b0\"", $"\"{longest}\"")), 1000));
        Assert.Empty(read.Problems);
        Assert.Equal(longest, read.Value!.Bills[0].Id);
    }

    [Fact]
    public void Broken_json_after_several_refills_names_the_right_line()
    {
        // Bill i sits on line i + 1; the last bill (line 3000) has a stray token.
        string json = ManyBills(3000, lastBillExtra: ", oops");
        var read = CaseReader.Read(new TrickleStream(Encoding.UTF8.GetBytes(json), 4096));
        var problem = Assert.Single(read.Problems);
        Assert.Equal("bills[2999]", problem.Path);
        Assert.Contains("line 3000,", problem.Message);
    }

    [Fact]
    public void Problems_deep_in_a_stream_keep_their_index()
    {
        string json = ManyBills(3000).Replace("\"id\": \"b2500\", \"person\": \"p1\", \"date\": \"2023-01-09\"", "\"id\": \"b2500\", \"person\": \"p1\", \"date\": \"2023-02-30\"");
        var read = CaseReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        var problem = Assert.Single(read.Problems);
        Assert.Equal("bills[2500].date", problem.Path);
    }

    [Fact]
    public void Invalid_utf8_in_a_value_is_reported_not_thrown()
    {
        byte[] json = Encoding.UTF8.GetBytes(ManyBills(1).Replace("\"b0\"", "\"b\u00e9\""));
        int at = Array.IndexOf(json, (byte)0xC3);
        json[at] = 0xFF; // no longer UTF-8
        var read = CaseReader.Read(json);
        Assert.Null(read.Value);
        var problem = Assert.Single(read.Problems);
        Assert.StartsWith("bills[0]", problem.Path);
    }
}
