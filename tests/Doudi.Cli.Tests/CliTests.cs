using static Doudi.Cli.Tests.CaseSamples;

namespace Doudi.Cli.Tests;

/// <summary>Bad input: exit code 2, one `path: message` line per problem on stderr, nothing on stdout, no output file.</summary>
public class CliTests
{
    private static string BadCase()
    {
        var root = Case();
        Bill(root, 1)["date"] = "2023-02-30";
        Bill(root, 0)["kind"] = "clinic";
        Person(root, 1)["insurance"] = "farmer";
        return root.ToJsonString();
    }

    [Fact]
    public void Settle_bad_input_exits_2_with_one_line_per_problem_and_empty_stdout()
    {
        using var cli = new CliRunner();
        var (code, stdout, stderr) = cli.Run("settle", cli.File("case.json", BadCase()));
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal(3, stderr.Length);
        Assert.StartsWith("persons[1].insurance: \"farmer\" 不是已知的参保类型", stderr[0]);
        Assert.StartsWith("bills[0].kind: \"clinic\" ", stderr[1]);
        Assert.Equal("bills[1].date: \"2023-02-30\" 不是有效日期 (is not a date)", stderr[2]);
    }

    [Fact]
    public void Settle_bad_input_writes_no_output_file_and_leaves_no_temporary_file()
    {
        using var cli = new CliRunner();
        string input = cli.File("case.json", BadCase());
        string output = cli.PathOf("result.json");
        var (code, stdout, _) = cli.Run("settle", input, "-o", output);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.False(File.Exists(output));
        Assert.Equal(["case.json"], Directory.GetFiles(cli.Dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Settle_bad_input_keeps_an_earlier_result_file_untouched()
    {
        using var cli = new CliRunner();
        string output = cli.File("result.json", "earlier");
        var (code, _, _) = cli.Run("settle", cli.File("case.json", BadCase()), "--output", output);
        Assert.Equal(2, code);
        Assert.Equal("earlier", File.ReadAllText(output));
    }

    [Fact]
    public void Settle_broken_json_names_the_place()
    {
        using var cli = new CliRunner();
        var (code, stdout, stderr) = cli.Run("settle", cli.File("case.json", "{ \"region\": \"fuyang\",\n  \"persons\": [ } "));
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        string line = Assert.Single(stderr);
        Assert.StartsWith("persons[0]: JSON 格式错误，第 2 行第 16 字节", line);
        Assert.Contains("line 2", line);
    }

    [Fact]
    public void Settle_a_missing_file_exits_2_naming_it()
    {
        using var cli = new CliRunner();
        string missing = cli.PathOf("nope.json");
        var (code, stdout, stderr) = cli.Run("settle", missing);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith($"{missing}: 无法读取文件 (cannot read file)", Assert.Single(stderr));
    }

    [Fact]
    public void Settle_a_folder_instead_of_a_file_exits_2_naming_it()
    {
        using var cli = new CliRunner();
        var (code, _, stderr) = cli.Run("settle", cli.Dir);
        Assert.Equal(2, code);
        Assert.StartsWith($"{cli.Dir}: ", Assert.Single(stderr));
    }

    [Fact]
    public void Settle_to_a_folder_that_does_not_exist_exits_2_before_any_work()
    {
        using var cli = new CliRunner();
        string output = Path.Combine(cli.Dir, "no-such-folder", "result.json");
        var (code, stdout, stderr) = cli.Run("settle", cli.File("case.json", Valid), "-o", output);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith($"{output}: 输出目录不存在", Assert.Single(stderr));
    }

    [Fact]
    public void Settle_with_a_policies_folder_that_does_not_exist_exits_2()
    {
        using var cli = new CliRunner();
        string policies = cli.PathOf("no-policies");
        var (code, stdout, stderr) = cli.Run("settle", cli.File("case.json", Valid), "--policies", policies);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith($"{policies}: ", Assert.Single(stderr));
    }

    [Theory]
    [InlineData("")]
    [InlineData("settle")]
    [InlineData("settle a.json b.json")]
    [InlineData("settle a.json --bogus")]
    [InlineData("frobnicate")]
    public void Usage_errors_exit_2_with_nothing_on_stdout(string commandLine)
    {
        using var cli = new CliRunner();
        var (code, stdout, stderr) = cli.Run(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.NotEmpty(stderr);
    }

    [Fact]
    public void Help_exits_0()
    {
        using var cli = new CliRunner();
        var (code, stdout, _) = cli.Run("settle", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--output", stdout);
    }

    [Fact]
    public void Policy_check_reports_a_bad_file_with_its_name_and_exits_2()
    {
        using var cli = new CliRunner();
        cli.File("bad.yaml", "id: [unclosed\n");
        var (code, stdout, stderr) = cli.Run("policy", "check", cli.Dir);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains(stderr, line => line.Contains("bad.yaml:"));
    }

    [Fact]
    public void Policy_check_of_a_missing_folder_exits_2()
    {
        using var cli = new CliRunner();
        var (code, _, stderr) = cli.Run("policy", "check", cli.PathOf("none"));
        Assert.Equal(2, code);
        Assert.NotEmpty(stderr);
    }

    [Fact]
    public void Policy_check_of_the_repository_policies_is_ok()
    {
        using var cli = new CliRunner();
        string policies = CliRunner.RepoPolicies();
        var (code, stdout, stderr) = cli.Run("policy", "check", policies);
        Assert.Empty(stderr);
        Assert.Equal(0, code);
        // The policy files and the region knowledge beside them (monitoring, premium, relief, funds, post-hoc and
        // plan-target folders) are all checked.
        int files = Directory.GetFiles(policies, "*.yaml").Length
            + new[] { "monitoring", "premium", "relief", "funds", "posthoc", "targets" }.Sum(f => Directory.Exists(Path.Combine(policies, f)) ? Directory.GetFiles(Path.Combine(policies, f), "*.yaml").Length : 0);
        Assert.Equal($"ok: {files} files", stdout.Trim());
    }

    [Fact]
    public void Policy_show_of_an_unknown_id_exits_2()
    {
        using var cli = new CliRunner();
        var (code, stdout, stderr) = cli.Run("policy", "show", "atlantis-2099", "--policies", CliRunner.RepoPolicies());
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("atlantis-2099: ", Assert.Single(stderr));
    }

    [Fact]
    public void Policy_show_with_an_impossible_date_exits_2()
    {
        using var cli = new CliRunner();
        var (code, stdout, stderr) = cli.Run("policy", "show", "wenzhou-2020", "--date", "2023-02-29", "--policies", CliRunner.RepoPolicies());
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("--date: \"2023-02-29\" ", Assert.Single(stderr));
    }

    [Fact]
    public void Policy_show_prints_the_policy()
    {
        using var cli = new CliRunner();
        var (code, stdout, stderr) = cli.Run("policy", "show", "wenzhou-2020", "--date", "2023-02-28", "--policies", CliRunner.RepoPolicies());
        Assert.Empty(stderr);
        Assert.Equal(0, code);
        Assert.Contains("wenzhou-2020", stdout);
    }
}
