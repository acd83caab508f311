using Doudi.Server.Api;
using Doudi.Server.Imports;
using Xunit;

namespace Doudi.Server.Tests;

/// <summary>
/// A finished name-list run is kept an hour for GET, but not the list it imported: a city's 24 monthly lists (20–60 MB
/// each) held ~0.5 GB alive for that hour (BENCHMARKS.server.md, branch runtime).
/// </summary>
public class NameListProgressTests
{
    [Fact]
    public async Task A_finished_run_lets_go_of_its_list_and_still_answers_its_state()
    {
        var progress = new NameListProgress(TimeProvider.System);
        var content = new byte[1 << 16];
        var done = progress.Begin(new NameListImporter.Request("civil_affairs", "2024-01", "jiande", "full", "csv", content), "NL000000000001")!;
        var failed = progress.Begin(new NameListImporter.Request("disabled_federation", "2024-02", "jiande", "changes", "csv", content), "NL000000000002")!;
        Assert.True(done.HoldsContent);
        Assert.Same(content, done.Request.Content);

        await progress.EndAsync(done, null);
        await progress.EndAsync(failed, ApiProblemException.Conflict(new("冲突", "conflict")));

        Assert.False(done.HoldsContent);
        Assert.False(failed.HoldsContent);
        Assert.Throws<InvalidOperationException>(() => done.Request);
        var view = NameListProgress.View(progress.Find("NL000000000001")!, english: true);
        Assert.Equal(("NL000000000001", "done", "civil_affairs", "2024-01", "jiande", "full"), (view.Batch, view.State, view.Department, view.Month, view.Region, view.Mode));
        var failure = NameListProgress.View(progress.Find("NL000000000002")!, english: true);
        Assert.Equal(("failed", "disabled_federation", "2024-02", "changes", 409), (failure.State, failure.Department, failure.Month, failure.Mode, failure.Problem!.Status));
        // The department and region are free again once the run ended.
        Assert.NotNull(progress.Begin(new NameListImporter.Request("civil_affairs", "2024-03", "jiande", "full", "csv", content), "NL000000000003"));
    }

    [Fact]
    public void The_reports_hash_read_a_slice_at_a_time_is_the_hash_of_its_utf8_bytes()
    {
        // 16,384 chars a slice: one text whose surrogate pair (U+1F600) straddles the first slice boundary, Chinese text, and empty.
        var straddling = new string('a', (1 << 14) - 1) + "\U0001F600" + "张三，民政";
        foreach (var text in new[] { straddling, string.Concat(Enumerable.Repeat("{\"name\":\"张三\"},", 5000)), "", "x" })
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text))),
                NameListImporter.Sha256OfUtf8(text));
    }
}
