using System.Net;
using System.Text.Json;
using Doudi.Server.Settlements;
using Doudi.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Doudi.Server.Tests;

/// <summary>One lane, so a held lane takes every waiting bill as one group; a short lock wait, so a bill whose person is held elsewhere is answered soon.</summary>
public sealed class OneLanePostgresFixture : PostgresFixture
{
    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Doudi:Settlement:GroupLanes", "1");
        builder.UseSetting("Doudi:Database:SettlementLockTimeoutMs", "500");
    }
}

/// <summary>One lane and a long lock wait: a bill waiting for its person's lock stays waiting while the test looks.</summary>
public sealed class OneLaneLongWaitPostgresFixture : PostgresFixture
{
    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Doudi:Settlement:GroupLanes", "1");
        builder.UseSetting("Doudi:Database:SettlementLockTimeoutMs", "60000");
    }
}

/// <summary>
/// A lone bill that waits for its person's lock (held by a name-list import, another node) does not hold up the lane: the
/// next hospital's bill is settled meanwhile. Before, the only lane waited for the lone bill's answer, so every counter
/// waited up to the lock timeout.
/// </summary>
public sealed class OneStopLoneWaitTests(OneLaneLongWaitPostgresFixture fx) : IClassFixture<OneLaneLongWaitPostgresFixture>, IPostgresTests
{
    [DbFact]
    public async Task A_lone_bill_waiting_for_a_lock_does_not_hold_up_the_next_bill()
    {
        var (hospital, _) = await fx.HospitalAsync("lone HIS");
        var held = await People.RegisterAsync(fx, "fuyang", "subsistence", name: "久占");
        var next = await People.RegisterAsync(fx, "fuyang", "subsistence", name: "下一位");
        var tag = Guid.NewGuid().ToString("N")[..8];
        await using var other = new NpgsqlConnection(fx.Db.ConnectionString);
        await other.OpenAsync();
        var tx = await other.BeginTransactionAsync();
        await using (var cmd = new NpgsqlCommand("SELECT 1 FROM persons WHERE id = @p FOR UPDATE", other, tx))
        {
            cmd.Parameters.AddWithValue("p", held);
            await cmd.ExecuteNonQueryAsync();
        }
        // base 10,000 − 6,000 = 4,000 → 80 % = 3,200 (富政办〔2022〕21号 二.3).
        object Bill(string id, string person) => new
        {
            id, person, date = "2023-07-01", kind = "inpatient", total = 12_000, inPolicy = 10_000, basicPaid = 6_000, criticalPaid = 0, hospitalLevel = 3, referred = true,
        };
        var waiting = hospital.PostJson("/api/settlements", Bill($"L{tag}-0", held));
        // Until the lone bill waits on the person's lock.
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTime.UtcNow < until && Convert.ToInt64(await fx.Db.ReadAsync(c => Doudi.Server.Storage.Sql.ScalarAsync(c,
                   "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", null))) == 0)
            await Task.Delay(10);
        var (status, body, text) = await hospital.PostJson("/api/settlements", Bill($"L{tag}-1", next)).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(status == HttpStatusCode.Created, text);
        Assert.Equal(3_200m, body.Dec("maf_pay"));
        Assert.False(waiting.IsCompleted, "the lone bill was answered before the lock was released");
        await tx.RollbackAsync();
        var (s2, b2, t2) = await waiting.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(s2 == HttpStatusCode.Created, t2);
        Assert.Equal(3_200m, b2.Dec("maf_pay"));
    }
}

/// <summary>
/// One-stop settlements gathered into a group (<see cref="OneStopGroups"/>, PostgreSQL) are answered exactly as one bill after
/// another would be. The groups are made deterministic with the test hook: the lane is held at "taking" until every bill of
/// the test waits, so it takes them all as one group. Hand arithmetic from the seed text (fuyang-2023 = 富政办〔2022〕21号 二.3):
/// base = in-policy − basic; subsistence 80 %; annual limit 150,000 per person.
/// </summary>
public sealed class OneStopGroupTests(OneLanePostgresFixture fx) : IClassFixture<OneLanePostgresFixture>, IPostgresTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2); // only a broken build waits this long: then the test fails, it does not hang

    private OneStopGroups Groups => fx.Factory.Services.GetRequiredService<OneStopGroups>();

    private static object Bill(string id, string person, decimal total, decimal inPolicy, decimal basic, string date) => new
    {
        id, person, date, kind = "inpatient", total, inPolicy, basicPaid = basic, criticalPaid = 0, supplementaryPaid = 0, hospitalLevel = 3, referred = true,
    };

    /// <summary>base 101,000 − 1,000 = 100,000 → 80 % = 80,000 (or what is left of the 150,000 limit).</summary>
    private static object Big(string id, string person, string date) => Bill(id, person, 101_500, 101_000, 1_000, date);

    /// <summary>base 10,000 − 6,000 = 4,000 → 80 % = 3,200.</summary>
    private static object Small(string id, string person, string date) => Bill(id, person, 12_000, 10_000, 6_000, date);

    private static string NewTag() => Guid.NewGuid().ToString("N")[..8];

    /// <summary>Sends the bills with the lane held until all of them wait, so they are settled as one group in this order; answers in the bills' order.</summary>
    private async Task<(HttpStatusCode Status, JsonElement Body, string Text)[]> AsOneGroupAsync(HttpClient client, IReadOnlyList<object> bills,
        Func<string, Task>? atRead = null)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Groups.Hook = async point =>
        {
            if (point == "taking") await gate.Task;
            if (point == "read" && atRead is not null) await atRead(point);
        };
        try
        {
            // One after another once the previous one waits, so the group takes them in this order.
            var sent = new List<Task<(HttpStatusCode, JsonElement, string)>>();
            var until = DateTime.UtcNow + Patience;
            foreach (var b in bills)
            {
                sent.Add(client.PostJson("/api/settlements", b));
                while (Groups.Waiting < sent.Count && DateTime.UtcNow < until) await Task.Delay(5);
                Assert.Equal(sent.Count, Groups.Waiting);
            }
            gate.SetResult();
            return await Task.WhenAll(sent).WaitAsync(Patience);
        }
        finally { Groups.Hook = null; }
    }

    [DbFact]
    public async Task A_group_answers_every_bill_as_one_bill_after_another_would()
    {
        var (hospital, _) = await fx.HospitalAsync("group HIS");
        var a = await People.RegisterAsync(fx, "fuyang", "subsistence", name: "成组甲");
        var b = await People.RegisterAsync(fx, "fuyang", "subsistence", name: "成组乙");
        var none = await People.RegisterAsync(fx, "fuyang", null, name: "无身份");
        var tag = NewTag();
        object[] bills =
        [
            Big($"G{tag}-1", a, "2023-03-01"),   // 80,000
            Small($"G{tag}-2", b, "2023-03-01"), // 3,200
            Big($"G{tag}-3", a, "2023-03-02"),   // 150,000 − 80,000 = 70,000 left of the limit
            Big($"G{tag}-1", a, "2023-03-01"),   // the same bill again (a HIS retry): the first one's answer, counted once
            Small($"G{tag}-4", a, "2023-03-03"), // the limit is reached: 0
            Small($"G{tag}-5", none, "2023-03-03"), // no identity: refused as alone
            Small($"G{tag}-6", "nobody-" + tag, "2023-03-03"), // no such person: goes the one-bill way, refused
            Small($"G{tag}-3", b, "2023-03-04"), // an id taken earlier in the group by another bill: refused as a conflict
        ];
        var before = Groups.Committed;
        var answers = await AsOneGroupAsync(hospital, bills);
        var after = Groups.Committed;
        Assert.Equal(before.Groups + 1, after.Groups);
        Assert.Equal(before.Bills + 7, after.Bills); // all but the bill of nobody

        Assert.True(answers[0].Status == HttpStatusCode.Created, answers[0].Text);
        Assert.Equal(80_000m, answers[0].Body.Dec("maf_pay"));
        Assert.True(answers[1].Status == HttpStatusCode.Created, answers[1].Text);
        Assert.Equal(3_200m, answers[1].Body.Dec("maf_pay"));
        Assert.True(answers[2].Status == HttpStatusCode.Created, answers[2].Text);
        Assert.Equal(70_000m, answers[2].Body.Dec("assistance"));
        Assert.True(answers[3].Status == HttpStatusCode.OK, answers[3].Text);
        Assert.Equal(answers[0].Text, answers[3].Text);
        Assert.True(answers[4].Status == HttpStatusCode.Created, answers[4].Text);
        Assert.Equal(0m, answers[4].Body.Dec("assistance"));
        Assert.Equal(HttpStatusCode.Conflict, answers[7].Status);

        // The same bills, one at a time (each alone: the one-bill way), for twins of the persons: the same answers.
        var a2 = await People.RegisterAsync(fx, "fuyang", "subsistence", name: "逐笔甲");
        var b2 = await People.RegisterAsync(fx, "fuyang", "subsistence", name: "逐笔乙");
        var none2 = await People.RegisterAsync(fx, "fuyang", null, name: "无身份二");
        object[] twins =
        [
            Big($"S{tag}-1", a2, "2023-03-01"), Small($"S{tag}-2", b2, "2023-03-01"), Big($"S{tag}-3", a2, "2023-03-02"), Big($"S{tag}-1", a2, "2023-03-01"),
            Small($"S{tag}-4", a2, "2023-03-03"), Small($"S{tag}-5", none2, "2023-03-03"), Small($"S{tag}-6", "nobody-" + tag, "2023-03-03"),
            Small($"S{tag}-3", b2, "2023-03-04"),
        ];
        var alone = new List<(HttpStatusCode Status, JsonElement Body, string Text)>();
        foreach (var t in twins) alone.Add(await hospital.PostJson("/api/settlements", t));
        Assert.Equal(before.Groups + 1, Groups.Committed.Groups); // none of them went in a group
        for (var i = 0; i < bills.Length; i++)
        {
            Assert.True(alone[i].Status == answers[i].Status, $"bill {i}: alone {alone[i].Status} {alone[i].Text}, in a group {answers[i].Status} {answers[i].Text}");
            if (alone[i].Status is HttpStatusCode.Created or HttpStatusCode.OK) Assert.Equal(Figures(alone[i].Body), Figures(answers[i].Body));
            else Assert.Equal(alone[i].Body.Str("title").Replace($"S{tag}", $"G{tag}", StringComparison.Ordinal), answers[i].Body.Str("title"));
        }

        // The running totals the group wrote are what the stored settlements add up to.
        var (status, report, text) = await (await fx.As("admin")).PostJson("/api/ledger-totals/rebuild", new { region = "fuyang", year = 2023 });
        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Equal(0, report.GetProperty("differenceCount").GetInt32());
    }

    /// <summary>What a settlement pays and counts, and each step's amount: all but the ids, times and persons.</summary>
    private static string Figures(JsonElement answer) => string.Join("|",
        new[] { "assistanceBase", "criticalIllness", "assistance", "tilted", "supplementary", "personalBurden", "reasonableBurden", "maf_pay" }
            .Select(f => $"{f}={answer.Dec(f)}")
            .Concat(answer.GetProperty("counted").EnumerateObject().Select(p => $"{p.Name}:{p.Value.GetDecimal()}"))
            .Concat(answer.GetProperty("trace").EnumerateArray().Select(t => $"{t.Str("step")}:{t.Dec("amount")}")));

    [DbFact]
    public async Task A_group_stores_every_bill_as_one_bill_alone_does()
    {
        // Two persons alike in everything the rules read; the same twelve bills in the national names (institution, diagnosis,
        // items; every fifth a large stay, so the annual limit binds part-way), alone for the first, as one group for the second.
        var (household1, household2) = ("HG-" + NewTag(), "HG-" + NewTag());
        var a = await People.RegisterAsync(fx, "fuyang", "subsistence", household: household1, name: "甲");
        var b = await People.RegisterAsync(fx, "fuyang", "subsistence", household: household2, name: "乙");
        var (hospital, _) = await fx.HospitalAsync("alike HIS");
        var op = await fx.As("operator");
        var tag = NewTag();
        const int bills = 12;
        var before = await SettledAlike.InsightsAsync(fx);
        for (var n = 0; n < bills; n++)
        {
            var (s, _, t) = await hospital.PostRaw("/api/settlements", SettledAlike.National($"{tag}-a{n}", a, n), "application/json");
            Assert.True(s == HttpStatusCode.Created, t);
        }
        var afterAlone = await SettledAlike.InsightsAsync(fx);
        var groups = Groups.Committed;
        var answers = await AsOneGroupAsync(hospital, Enumerable.Range(0, bills)
            .Select(n => (object)JsonDocument.Parse(SettledAlike.National($"{tag}-b{n}", b, n)).RootElement).ToList());
        Assert.All(answers, x => Assert.True(x.Status == HttpStatusCode.Created, x.Text));
        Assert.Equal((groups.Groups + 1, groups.Bills + bills), Groups.Committed);
        // The console's monthly aggregates gain the same (every region, township, category, kind, institution, diagnosis and item row).
        var aloneAdded = SettledAlike.Delta(before, afterAlone);
        Assert.Contains(aloneAdded.Keys, k => k.StartsWith("item|", StringComparison.Ordinal));
        Assert.Equal(aloneAdded, SettledAlike.Delta(afterAlone, await SettledAlike.InsightsAsync(fx)));
        await SettledAlike.AssertStoredAlikeAsync(fx, op, Enumerable.Range(0, bills).Select(n => ($"{tag}-a{n}", $"{tag}-b{n}")).ToList(), (a, household1), (b, household2));
    }

    [DbFact]
    public async Task A_bill_whose_person_is_held_elsewhere_waits_alone_while_the_rest_of_its_group_settles()
    {
        var (hospital, _) = await fx.HospitalAsync("busy group HIS");
        var held = await People.RegisterAsync(fx, "fuyang", "subsistence", name: "被占");
        var x = await People.RegisterAsync(fx, "fuyang", "subsistence", name: "同组甲");
        var y = await People.RegisterAsync(fx, "fuyang", "subsistence", name: "同组乙");
        var tag = NewTag();
        (HttpStatusCode Status, JsonElement Body, string Text)[] answers;
        HttpResponseMessage? busy = null;
        await using (var other = new NpgsqlConnection(fx.Db.ConnectionString))
        {
            // Another transaction (a name-list import, another node) holds the person's row for the whole group.
            await other.OpenAsync();
            await using var tx = await other.BeginTransactionAsync();
            await using (var cmd = new NpgsqlCommand("SELECT 1 FROM persons WHERE id = @p FOR UPDATE", other, tx))
            {
                cmd.Parameters.AddWithValue("p", held);
                await cmd.ExecuteNonQueryAsync();
            }
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Groups.Hook = async point => { if (point == "taking") await gate.Task; };
            try
            {
                var heldBill = hospital.PostAsync("/api/settlements", System.Net.Http.Json.JsonContent.Create(Small($"H{tag}-0", held, "2023-05-01")));
                var sent = new[] { Small($"H{tag}-1", x, "2023-05-01"), Small($"H{tag}-2", y, "2023-05-01") }
                    .Select(b => hospital.PostJson("/api/settlements", b)).ToList();
                var until = DateTime.UtcNow + Patience;
                while (Groups.Waiting < 3 && DateTime.UtcNow < until) await Task.Delay(10);
                Assert.Equal(3, Groups.Waiting);
                gate.SetResult();
                // The others are answered while the lock is still held: the group did not wait for it.
                answers = await Task.WhenAll(sent).WaitAsync(Patience);
                busy = await heldBill.WaitAsync(Patience);
            }
            finally { Groups.Hook = null; }
            await tx.RollbackAsync();
        }
        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.Created, a.Text));
        Assert.All(answers, a => Assert.Equal(3_200m, a.Body.Dec("maf_pay")));
        // The held person's bill went the one-bill way: it waited the lock timeout and was told to retry.
        var (status, body, text) = await Http.Read(busy!);
        Assert.True(status == HttpStatusCode.ServiceUnavailable, text);
        Assert.NotNull(busy!.Headers.RetryAfter);
        Assert.Equal("https://doudi.example/problems/busy", body.Str("type"));
        // Once the lock is free the same bill settles.
        var (s2, b2, t2) = await hospital.PostJson("/api/settlements", Small($"H{tag}-0", held, "2023-05-01"));
        Assert.True(s2 == HttpStatusCode.Created, t2);
        Assert.Equal(3_200m, b2.Dec("maf_pay"));
    }

    [DbFact]
    public async Task A_group_that_finds_an_id_stored_meanwhile_stores_nothing_and_each_bill_is_answered_alone()
    {
        var (hospital, _) = await fx.HospitalAsync("racing HIS");
        var p = await People.RegisterAsync(fx, "fuyang", "subsistence", name: "竞争甲");
        var q = await People.RegisterAsync(fx, "fuyang", "subsistence", name: "竞争乙");
        var s = await People.RegisterAsync(fx, "fuyang", "subsistence", name: "别处");
        var tag = NewTag();
        var (s0, _, t0) = await hospital.PostJson("/api/settlements", Small($"R{tag}-0", s, "2023-06-01"));
        Assert.True(s0 == HttpStatusCode.Created, t0);
        var before = Groups.Committed;
        // After the group read that id R-1 is free, another transaction stores a settlement under it (a copy of S's).
        var answers = await AsOneGroupAsync(hospital, [Big($"R{tag}-1", p, "2023-06-01"), Small($"R{tag}-2", q, "2023-06-01")], async _ =>
        {
            await using var c = new NpgsqlConnection(fx.OwnerConnection);
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand(
                "CREATE TEMP TABLE copy AS SELECT * FROM settlements WHERE id = @from; UPDATE copy SET id = @to; INSERT INTO settlements SELECT * FROM copy", c);
            cmd.Parameters.AddWithValue("from", $"R{tag}-0");
            cmd.Parameters.AddWithValue("to", $"R{tag}-1");
            await cmd.ExecuteNonQueryAsync();
        });
        Assert.Equal(before, Groups.Committed); // the group stored nothing
        // P's bill, alone, finds its id used for another bill; Q's settles alone.
        Assert.True(answers[0].Status == HttpStatusCode.Conflict, answers[0].Text);
        Assert.True(answers[1].Status == HttpStatusCode.Created, answers[1].Text);
        Assert.Equal(3_200m, answers[1].Body.Dec("maf_pay"));
        var counted = await fx.Db.ReadAsync(c => Doudi.Server.Storage.Sql.ScalarAsync(c,
            "SELECT COUNT(*) FROM settlements WHERE person_id = @p", null, ("p", p)));
        Assert.Equal(0L, Convert.ToInt64(counted));
    }
}
