using System.Text;
using Doudi.Server.Imports;
using Doudi.Server.Registry;
using Doudi.Server.Security;
using Doudi.Server.Storage;
using Microsoft.Extensions.Configuration;

namespace Doudi.Server.Tests;

/// <summary>Small pieces that need no server: database choice, CSV reading, ID numbers, masking, I-1 dates.</summary>
public sealed class UnitTests
{
    private static IConfiguration Config(params (string, string)[] pairs) =>
        new ConfigurationBuilder().AddInMemoryCollection(pairs.Select(p => new KeyValuePair<string, string?>(p.Item1, p.Item2))).Build();

    [Fact]
    public void The_database_is_chosen_by_the_connection_string()
    {
        var dir = Path.Combine(Path.GetTempPath(), "doudi-unit-" + Guid.NewGuid().ToString("N"));
        var sqlite = DatabaseOptions.From(Config(("Doudi:DataDirectory", dir)));
        Assert.Equal(Dialect.Sqlite, sqlite.Dialect);
        Assert.Contains(Path.Combine(dir, "doudi.db"), sqlite.ConnectionString);

        var url = DatabaseOptions.From(Config(("DOUDI_DB", "postgres://doudi:s%40cret@db.local:6543/bureau")));
        Assert.Equal(Dialect.Postgres, url.Dialect);
        var b = new Npgsql.NpgsqlConnectionStringBuilder(url.ConnectionString);
        Assert.Equal(("db.local", 6543, "bureau", "doudi", "s@cret"), (b.Host, b.Port, b.Database, b.Username, b.Password));
        Assert.DoesNotContain("s@cret", url.Describe());

        var kv = DatabaseOptions.From(Config(("ConnectionStrings:Doudi", "Host=127.0.0.1;Database=x;Username=u")));
        Assert.Equal(Dialect.Postgres, kv.Dialect);
    }

    [Fact]
    public async Task Csv_reads_quotes_commas_and_line_breaks_inside_fields_with_their_lines()
    {
        var text = "\uFEFFa,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n\n2,\"two\nlines\",z\n";
        var rows = new List<(long, List<string>)>();
        await foreach (var r in new CsvReader(new StringReader(text)).ReadAllAsync()) rows.Add(r);
        Assert.Equal(3, rows.Count);
        Assert.Equal(["a", "b", "c"], rows[0].Item2);
        Assert.Equal(["1", "x, y", "say \"hi\""], rows[1].Item2);
        Assert.Equal(4, rows[2].Item1);
        Assert.Equal(["2", "two\nlines", "z"], rows[2].Item2);
        await Assert.ThrowsAsync<FormatException>(async () => { await foreach (var _ in new CsvReader(new StringReader("a\n\"open")).ReadAllAsync()) { } });
    }

    [Fact]
    public void Id_numbers_are_checked_and_masked()
    {
        var id = ChineseId.Make("330183", new DateOnly(1960, 2, 29), 12);
        Assert.True(ChineseId.IsValid(id));
        Assert.False(ChineseId.IsValid(id[..17] + (id[17] == '1' ? '2' : '1')));
        Assert.False(ChineseId.IsValid(ChineseId.Make("330183", new DateOnly(1960, 2, 28), 12).Replace("19600228", "19610229")));
        Assert.True(ChineseId.IsValid("11010519491231002X"));
        Assert.Equal("3301**********" + id[14..], IdMasking.Mask(id));
        Assert.Equal(id, IdMasking.For(new Actor("u", Roles.BureauOperator, null), id));
        Assert.NotEqual(id, IdMasking.For(new Actor("u", Roles.Auditor, null), id));
    }

    [Fact]
    public void Identity_periods_follow_I_1()
    {
        Assert.Equal(new DateOnly(2024, 6, 1), Effective.From(new DateOnly(2024, 5, 31)));
        Assert.Equal(new DateOnly(2024, 2, 29), Effective.To(new DateOnly(2024, 2, 3)));
        // revoked in April and recognised in April: the old one to 30 April, the new one from 1 May — no overlap
        Assert.False(NameListImporter.EffectiveOverlap(new DateOnly(2024, 1, 5), new DateOnly(2024, 4, 1), new DateOnly(2024, 4, 1), null));
        Assert.True(NameListImporter.EffectiveOverlap(new DateOnly(2024, 1, 5), new DateOnly(2024, 5, 1), new DateOnly(2024, 4, 1), null));
    }
}
