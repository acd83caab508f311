namespace Doudi.Cli.Tests;

public class AtomicFileTests
{
    [Fact]
    public void A_write_that_fails_leaves_neither_target_nor_temporary_file()
    {
        using var cli = new CliRunner();
        string target = cli.PathOf("out.json");
        Assert.Throws<IOException>(() => AtomicFile.Write(target, stream =>
        {
            stream.Write("{\"bills\":["u8);
            throw new IOException("disk full");
        }));
        Assert.Empty(Directory.GetFiles(cli.Dir));
    }

    [Fact]
    public void A_write_that_fails_keeps_the_earlier_file()
    {
        using var cli = new CliRunner();
        string target = cli.File("out.json", "earlier");
        Assert.Throws<IOException>(() => AtomicFile.Write(target, _ => throw new IOException("disk full")));
        Assert.Equal("earlier", File.ReadAllText(target));
        Assert.Single(Directory.GetFiles(cli.Dir));
    }

    [Fact]
    public void A_complete_write_replaces_the_file()
    {
        using var cli = new CliRunner();
        string target = cli.File("out.json", "earlier");
        AtomicFile.Write(target, stream => stream.Write("new"u8));
        Assert.Equal("new", File.ReadAllText(target));
        Assert.Single(Directory.GetFiles(cli.Dir));
    }
}
