using System.Globalization;
using System.Text;
using Doudi.Cases;
using Doudi.Engine.Tracing;

namespace Doudi.Engine.Tests;

/// <summary>
/// The span writers used by the result writer give exactly the text of the plain formatting they replace:
/// <see cref="TraceStep.Show"/>, <see cref="TraceStep.Detail"/>, and amounts in the "0.##" pattern.
/// </summary>
public sealed class TextFormattingTests
{
    public static IEnumerable<decimal> Values()
    {
        decimal[] fixedValues =
        [
            0m, 0.0m, 0.00m, -0m, -0.00m, 1m, 1.0m, 1.50m, 3200.00m, 3200.5m, 0.01m, 0.10m, -0.5m, -12.30m,
            100000m, 99999999999999.99m, 1.000000000000000000000000000m, 0.0000000000000000000000000001m,
            decimal.MaxValue, decimal.MinValue, 79228162514264337593543950.335m, 1e20m, 12345678901234567890.120m,
            123.4560m * 1.00m, 80m / 100m, 1m / 3m, Math.Round(2m / 3m, 2),
        ];
        foreach (var v in fixedValues) yield return v;
        var rng = new Random(7);
        for (int i = 0; i < 20_000; i++)
        {
            long unscaled = rng.Next(4) switch { 0 => rng.Next(1000), 1 => rng.NextInt64(1_000_000_000), 2 => rng.NextInt64(), _ => rng.Next(10) * 100 };
            var v = new decimal((int)unscaled, (int)(unscaled >> 32), rng.Next(3) == 0 ? rng.Next() : 0, rng.Next(5) == 0, (byte)rng.Next(0, 29));
            yield return v;
        }
    }

    [Fact]
    public void DecimalText_matches_Show()
    {
        Span<char> chars = stackalloc char[64];
        Span<byte> bytes = stackalloc byte[64];
        foreach (var v in Values())
        {
            string expected = TraceStep.Show(v);
            Assert.True(DecimalText.TryFormat(v, chars, out int n));
            Assert.Equal(expected, chars[..n].ToString());
            Assert.True(DecimalText.TryFormat(v, bytes, out n));
            Assert.Equal(expected, Encoding.UTF8.GetString(bytes[..n]));
            var normal = DecimalText.Normalize(v);
            var reference = v / 1.000000000000000000000000000000000m;
            Assert.Equal(reference, normal);
            Assert.Equal(reference.Scale, normal.Scale);
        }
    }

    [Fact]
    public void Amounts_match_the_pattern()
    {
        Span<byte> bytes = stackalloc byte[64];
        foreach (var v in Values())
        {
            if (!AmountText.HasAtMostTwoDecimals(v)) continue;
            string expected = (v == 0m ? 0m : v).ToString("0.##", CultureInfo.InvariantCulture);
            Assert.True(AmountText.TryFormat(v, bytes, out int n));
            Assert.Equal(expected, Encoding.UTF8.GetString(bytes[..n]));
            Assert.Equal(expected, AmountText.Format(v));
        }
    }

    [Theory]
    [InlineData("{0}% × {1}")]
    [InlineData("政策范围内 {0} − 基本医保 {1} − 大病保险 {2} − 补充保险 {3}")]
    [InlineData("负面清单项目 {0} + 药品超 30 万部分 {1}（药品合计 {2}）+ 耗材超 10 万部分 {3}（耗材合计 {4}）")]
    [InlineData("no numbers at all")]
    [InlineData("{{literal}} {0} }} {{")]
    [InlineData("{4}{3}{2}{1}{0}")]
    [InlineData("")]
    public void Detail_spans_match_Detail(string template)
    {
        var rng = new Random(template.Length);
        Span<char> buffer = stackalloc char[512];
        Span<byte> utf8 = stackalloc byte[1536];
        for (int i = 0; i < 200; i++)
        {
            decimal N() => Math.Round((decimal)rng.NextDouble() * 100000m, rng.Next(4));
            var step = new TraceStep("s", 1m, "rule", null, template, N(), N(), N(), N(), N());
            var fresh = new TraceStep("s", 1m, "rule", null, template, 0m);
            Assert.True(step.TryFormatDetail(buffer, out int n));
            Assert.Equal(step.Detail, buffer[..n].ToString());
            Assert.True(step.TryFormatDetail(buffer, out n)); // now from the cached text
            Assert.Equal(step.Detail, buffer[..n].ToString());
            Assert.True(fresh.TryFormatDetail(buffer, out n));
            Assert.Equal(fresh.Detail, buffer[..n].ToString());
            var other = new TraceStep("s", 1m, "rule", null, template, N(), N(), N(), N(), N());
            Assert.True(other.TryFormatDetail(utf8, out n));              // UTF-8, before Detail was read
            Assert.Equal(other.Detail, Encoding.UTF8.GetString(utf8[..n]));
            Assert.True(other.TryFormatDetail(utf8, out n));              // UTF-8, from the cached text
            Assert.Equal(other.Detail, Encoding.UTF8.GetString(utf8[..n]));
        }
        var plain = new TraceStep("s", 1m, "rule", template);
        Span<char> b = stackalloc char[512];
        Assert.True(plain.TryFormatDetail(b, out int m));
        Assert.Equal(plain.Detail, b[..m].ToString());
    }

    [Theory]
    [InlineData("{0,5}")]
    [InlineData("{0:F2}")]
    [InlineData("{5}")]
    [InlineData("stray } brace")]
    public void Detail_spans_decline_other_templates(string template)
    {
        var step = new TraceStep("s", 1m, "rule", null, template, 1.5m);
        Span<char> buffer = stackalloc char[512];
        Assert.False(step.TryFormatDetail(buffer, out _));
        Span<byte> utf8 = stackalloc byte[512];
        Assert.False(step.TryFormatDetail(utf8, out _));
    }

    [Fact]
    public void Detail_spans_decline_a_short_buffer()
    {
        var step = new TraceStep("s", 1m, "rule", null, "政策范围内 {0} − 基本医保 {1}", 123456.78m, 1m);
        Span<char> buffer = stackalloc char[10];
        Assert.False(step.TryFormatDetail(buffer, out _));
        Span<byte> utf8 = stackalloc byte[10];
        Assert.False(step.TryFormatDetail(utf8, out _));
    }
}

/// <summary>The result writer writes every trace detail exactly as Utf8JsonWriter would write the Detail string.</summary>
public sealed class ResultWriterDetailTests
{
    [Theory]
    [InlineData("政策范围内 {0} − 基本医保 {1}")]
    [InlineData("quote \" and backslash \\ {0}")]
    [InlineData("line\nbreak {0}")]
    [InlineData("separator \u2028 {0} <tag> & 'apos'")]
    [InlineData("emoji 😀 {0}")]
    [InlineData("plain, no numbers")]
    public void Details_are_written_as_the_writer_escapes_them(string template)
    {
        var result = new Engine.Results.CaseResult();
        var bill = new Engine.Results.BillResult { Id = "b1", Person = "p1", Date = new DateOnly(2023, 4, 1), Policy = "x" };
        bill.Trace.Add(new TraceStep("s", 1m, "rule", null, template, 1234.5m));
        bill.Trace.Add(new TraceStep("s", 1m, "rule", template));
        result.Bills.Add(bill);
        foreach (bool indented in new[] { false, true })
        {
            using var output = new MemoryStream();
            ResultWriter.Write(result, output, indented);
            string json = Encoding.UTF8.GetString(output.ToArray());
            foreach (var step in bill.Trace)
            {
                using var expected = new MemoryStream();
                using (var w = new System.Text.Json.Utf8JsonWriter(expected, new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
                    w.WriteStringValue(step.Detail);
                Assert.Contains("\"detail\":" + (indented ? " " : "") + Encoding.UTF8.GetString(expected.ToArray()), json);
            }
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            Assert.Equal(bill.Trace[0].Detail, doc.RootElement.GetProperty("bills")[0].GetProperty("trace")[0].GetProperty("detail").GetString());
        }
    }
}
