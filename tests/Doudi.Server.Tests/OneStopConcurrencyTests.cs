using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Doudi.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using static Doudi.Server.Tests.OneStopRequests;

namespace Doudi.Server.Tests;

/// <summary>
/// One-stop settlement (POST /api/settlements) under concurrency, black-box over HTTP: what clients see and what the
/// ledger, the stored settlements and the console's monthly aggregates hold afterwards, whatever order the server settles
/// concurrent bills in. These pin the semantics, not the mechanism (one transaction per bill, or bills gathered into group
/// transactions): the order may vary, the totals and each request's answer may not.
/// Amounts by hand from fuyang-2023 (富政办〔2022〕21号 二.3, policies/fuyang-2023.yaml): base = in-policy − basic − critical −
/// supplementary; ratio destitute 100%, subsistence 80%, marginal 70%; annual limit 150,000 (destitute: none), of it
/// general outpatient 20,000.
/// The server waits up to 30 s for a person's row or the SQLite writer (<see cref="PatientSqliteFixture"/>): these tests are
/// about totals and answers, not about the counter's short lock wait (a queue of one person's bills on a loaded 2-core
/// machine may outlast the default 3 s and be answered 503, by design; <see cref="OneStopLockedPersonTests"/> pins that).
/// Simpler forms stay where they were: 6 racing retries (SettlementTests), 24 equal bills of one person (LedgerTotalsTests), one
/// bill of a locked person alone (NameListLoadTests).
/// </summary>
public abstract class OneStopConcurrencyTests(ServerFixture fx)
{
    private const string Year = "2023";

    private static object Bill(string id, string person, string date, decimal inPolicy, decimal basic, string kind = "inpatient", decimal outOfPolicy = 1000) => new
    {
        id, person, date, kind, total = inPolicy + outOfPolicy, inPolicy, basicPaid = basic, criticalPaid = 0, supplementaryPaid = 0,
    };

    /// <summary>The same bill in the national platform's names (2207): in-policy → inscp_scp_amt, basic → hifp_pay, inpatient → med_type 21.</summary>
    private static Dictionary<string, object?> NationalBill(string id, string person, string date, decimal inPolicy, decimal basic, decimal outOfPolicy = 1000) => new()
    {
        ["setl_id"] = id, ["psn_no"] = person, ["setl_time"] = date + " 10:00:00", ["med_type"] = "21", ["insutype"] = "390",
        ["medfee_sumamt"] = inPolicy + outOfPolicy, ["inscp_scp_amt"] = inPolicy, ["hifp_pay"] = basic, ["hifmi_pay"] = 0,
    };

    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];

    [DbFact]
    public async Task Bills_of_one_person_sent_at_once_cross_the_annual_limit_once_whatever_the_order()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var clients = await ClientsAsync("一号医院", "二号医院");
        // 24 inpatient bills, i = 0…23: in-policy 10000 + 1000·i, basic 2500 + 250·i, total = in-policy + 1000.
        //   base_i = 7500 + 750·i;  due_i = 80% × base_i = 6000 + 600·i  (6000, 6600, …, 19800)
        //   Σ due = 24 × 6000 + 600 × (0 + 1 + … + 23 = 276) = 144000 + 165600 = 309600 > the annual limit 150000,
        //   so the limit is crossed part-way: smallest first, 14 bills are paid in full (Σ 6000…13800 = 138600) and the 15th is cut;
        //   largest first, 8 are (Σ 19800…15600 = 141600) and the 9th is cut.
        // Whatever the order: Σ paid = min(150000, 309600) = 150000.
        //   Σ total = Σ (11000 + 1000·i) = 264000 + 276000 = 540000;  Σ basic = 24 × 2500 + 250 × 276 = 60000 + 69000 = 129000
        //   personal burden (I-14) = Σ total − Σ basic − Σ paid = 540000 − 129000 − 150000 = 261000.
        // The person is named three ways, a third of the bills each: by its id, by its ID number, and in the national names.
        var idNumber = (await YearAsync(person)).Str("idNumber"); // the operator sees it in full
        var bills = Enumerable.Range(0, 24).Select(i => (Due: 6000m + 600m * i, Id: NewId($"L{i:D2}-"))).Select((b, i) => (b.Due, b.Id, Body: (i % 3) switch
        {
            0 => Bill(b.Id, person, $"2023-06-{1 + i:D2}", 10000m + 1000m * i, 2500m + 250m * i),
            1 => Bill(b.Id, idNumber, $"2023-06-{1 + i:D2}", 10000m + 1000m * i, 2500m + 250m * i),
            _ => (object)NationalBill(b.Id, person, $"2023-06-{1 + i:D2}", 10000m + 1000m * i, 2500m + 250m * i),
        })).ToList();
        var answers = await TogetherAsync(bills.Count, i => Send(clients[i % clients.Length], bills[i].Body));

        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.Created, a.Text));
        var paid = answers.Select(a => a.Body.Dec("assistance")).ToList();
        Assert.Equal(150000m, paid.Sum());
        for (int i = 0; i < bills.Count; i++)
        {
            Assert.InRange(paid[i], 0m, bills[i].Due); // never more than the bill's own due
            Assert.Equal(paid[i], answers[i].Body.Dec("maf_pay"));
            Assert.Equal(paid[i], Counted(answers[i].Body).GetValueOrDefault("limit.annual"));
            Assert.Equal(bills[i].Id, answers[i].Body.Str("id"));
            Assert.Equal(person, answers[i].Body.Str("person"));
            if (i % 3 == 2) Assert.Equal(paid[i], answers[i].Body.GetProperty("setlinfo").Dec("maf_pay")); // answered in the names it was asked in
            else Assert.False(answers[i].Body.TryGetProperty("setlinfo", out _), answers[i].Text);
        }
        // In the order the server settled them: bills paid in full, then at most one paid in part (the one that crossed the limit,
        // its trace saying how much was used before it), then bills paid nothing (their trace: the whole 150000 used).
        var full = Enumerable.Range(0, bills.Count).Where(i => paid[i] == bills[i].Due).ToList();
        var part = Enumerable.Range(0, bills.Count).Where(i => paid[i] > 0 && paid[i] < bills[i].Due).ToList();
        var none = Enumerable.Range(0, bills.Count).Where(i => paid[i] == 0).ToList();
        Assert.True(part.Count <= 1, $"{part.Count} bills paid in part");
        Assert.NotEmpty(none);
        foreach (var i in part)
        {
            var limit = LimitStep(answers[i].Body);
            Assert.Equal(150000m, limit.GetProperty("limit").GetDecimal());
            Assert.Equal(full.Sum(j => paid[j]), limit.GetProperty("used").GetDecimal()); // every bill paid in full came before it
            Assert.Equal(150000m, limit.GetProperty("used").GetDecimal() + paid[i]);
        }
        foreach (var i in none) Assert.Equal(150000m, LimitStep(answers[i].Body).GetProperty("used").GetDecimal());

        // The ledger equals the serial sum: the person's year (stored results) and running totals (counted) both hold 150000.
        var summary = await YearAsync(person);
        Assert.Equal(150000m, summary.Dec("assistance"));
        Assert.Equal(261000m, summary.Dec("personalBurden"));
        Assert.Equal(SumCounted(answers.Select(a => a.Body)), Counted(summary));
        Assert.Equal(150000m, Counted(summary)["limit.annual"]);
        Assert.Equal(24, summary.GetProperty("bills").GetArrayLength());
        await AssertRebuildFindsNothingAsync();
    }

    [DbFact]
    public async Task Twelve_persons_crossing_their_limits_all_at_once_are_each_paid_the_limits_once()
    {
        var persons = new List<string>();
        for (int p = 0; p < 12; p++) persons.Add(await People.RegisterAsync(fx, "fuyang", "subsistence"));
        var clients = await ClientsAsync("丁医院", "戊医院");
        // Each person: four inpatient bills, base 125000 − 0 → due 80% = 100000, and two outpatient bills, base 18750 − 0 →
        // due 15000, which count against the general-outpatient sub-limit 20000 too. Σ inpatient due 400000 alone exceeds the
        // annual limit 150000, so whatever the order each person is paid exactly 150000, of it at most 20000 for outpatient
        // bills; any two of a person's bills settled against the same totals would break one of the two.
        // The 72 bills are interleaved (bill i is person i mod 12's), so bills of several persons arrive together.
        var bills = Enumerable.Range(0, 72).Select(i => (P: i % 12, Outpatient: i / 12 >= 4, Id: NewId($"T{i:D2}-"))).ToList();
        var answers = await TogetherAsync(bills.Count, i =>
        {
            var b = bills[i];
            var body = b.Outpatient
                ? Bill(b.Id, persons[b.P], $"2023-10-{1 + i / 12:D2}", 18750, 0, "outpatient", outOfPolicy: 0)
                : Bill(b.Id, persons[b.P], $"2023-10-{1 + i / 12:D2}", 125000, 0);
            return Send(clients[i % clients.Length], body);
        });

        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.Created, a.Text));
        for (int p = 0; p < persons.Count; p++)
        {
            var mine = Enumerable.Range(0, bills.Count).Where(i => bills[i].P == p).ToList();
            Assert.All(mine, i => Assert.InRange(answers[i].Body.Dec("assistance"), 0m, bills[i].Outpatient ? 15000m : 100000m));
            Assert.Equal(150000m, mine.Sum(i => answers[i].Body.Dec("assistance")));
            Assert.InRange(mine.Where(i => bills[i].Outpatient).Sum(i => answers[i].Body.Dec("assistance")), 0m, 20000m);
            var summary = await YearAsync(persons[p]);
            Assert.Equal(150000m, summary.Dec("assistance"));
            Assert.Equal(SumCounted(mine.Select(i => answers[i].Body)), Counted(summary));
            Assert.Equal(150000m, Counted(summary)["limit.annual"]);
        }
        await AssertRebuildFindsNothingAsync();
    }

    [DbFact]
    public async Task Sixteen_persons_with_four_bills_each_all_at_once_keep_each_ledger_and_the_monthly_aggregates()
    {
        // Person p = 0…15 is subsistence (80%), marginal (70%) or destitute (100%) by p mod 3 (fuyang-2023 二.3).
        string[] categories = ["subsistence", "marginal", "destitute"];
        decimal[] ratios = [0.80m, 0.70m, 1.00m];
        var persons = new List<string>();
        for (int p = 0; p < 16; p++) persons.Add(await People.RegisterAsync(fx, "fuyang", categories[p % 3]));
        var clients = await ClientsAsync("甲医院", "乙医院", "丙医院");
        var before = await MonthsAsync();
        // Bill j = 0…3 of person p, in month 3 + j: inpatient for even j, outpatient for odd j;
        //   in-policy 2000 + 100·p + 1000·j, basic 1000 + 500·j, total = in-policy + 500
        //   base = 1000 + 100·p + 500·j; assistance = ratio_p × base (e.g. p = 4, marginal, j = 1: 70% × 1900 = 1330).
        // No limit binds: a person's outpatient bases are (1500 + 100·p) + (2500 + 100·p) ≤ 4000 + 200·15 = 7000 < the 20000
        // sub-limit, and the year's bases at most Σ_j (2500 + 500·j) = 13000 < 150000.
        var bills = (from p in Enumerable.Range(0, 16)
                     from j in Enumerable.Range(0, 4)
                     select (P: p, Id: NewId($"M{p:D2}{j}-"), Kind: j % 2 == 0 ? "inpatient" : "outpatient", Month: 3 + j,
                         InPolicy: 2000m + 100m * p + 1000m * j, Basic: 1000m + 500m * j, Base: 1000m + 100m * p + 500m * j)).ToList();
        // Each person's third bill names it by its ID number, the others by its id.
        var idNumbers = new List<string>();
        foreach (var p in persons) idNumbers.Add((await YearAsync(p)).Str("idNumber"));
        var answers = await TogetherAsync(bills.Count, i =>
        {
            var b = bills[i];
            var key = b.Month == 5 ? idNumbers[b.P] : persons[b.P];
            return Send(clients[i % clients.Length], Bill(b.Id, key, $"2023-{b.Month:D2}-{10 + b.P:D2}", b.InPolicy, b.Basic, b.Kind, outOfPolicy: 500));
        });

        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.Created, a.Text));
        for (int i = 0; i < bills.Count; i++)
        {
            var expected = ratios[bills[i].P % 3] * bills[i].Base;
            Assert.Equal(persons[bills[i].P], answers[i].Body.Str("person"));
            Assert.Equal(expected, answers[i].Body.Dec("assistance"));
            // I-14: personal burden = total − basic − assistance
            Assert.Equal(bills[i].InPolicy + 500 - bills[i].Basic - expected, answers[i].Body.Dec("personalBurden"));
        }
        for (int p = 0; p < 16; p++)
        {
            var mine = Enumerable.Range(0, bills.Count).Where(i => bills[i].P == p).Select(i => answers[i].Body).ToList();
            var summary = await YearAsync(persons[p]);
            Assert.Equal(SumCounted(mine), Counted(summary));
            Assert.Equal(mine.Sum(b => b.Dec("assistance")), summary.Dec("assistance"));
            // ratio_p × Σ_j base = ratio_p × (4000 + 400·p + 3000)
            Assert.Equal(ratios[p % 3] * (7000m + 400m * p), summary.Dec("assistance"));
            Assert.Equal(mine.Sum(b => b.Dec("personalBurden")), summary.Dec("personalBurden"));
        }

        // The dashboard's months (the monthly aggregates the console reads) grew by exactly these settlements, month by month.
        var after = await MonthsAsync();
        for (int month = 3; month <= 6; month++)
        {
            var key = $"2023-{month:D2}";
            var these = Enumerable.Range(0, bills.Count).Where(i => bills[i].Month == month).ToList();
            var grew = Delta(before, after, key);
            Assert.Equal(16m, grew["bills"]);
            Assert.Equal(16m, grew["assisted"]);
            Assert.Equal(these.Sum(i => bills[i].InPolicy + 500), grew["total"]);
            Assert.Equal(these.Sum(i => bills[i].InPolicy), grew["inPolicy"]);
            Assert.Equal(these.Sum(i => bills[i].Basic), grew["basic"]);
            Assert.Equal(these.Sum(i => answers[i].Body.Dec("assistance")), grew["assistance"]);
            Assert.Equal(these.Sum(i => answers[i].Body.Dec("personalBurden")), grew["burden"]);
        }
        await AssertRebuildFindsNothingAsync();
    }

    [DbFact]
    public async Task The_same_bill_sent_ten_times_at_once_is_settled_once_and_nine_times_replayed()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var (hospital, _) = await fx.HospitalAsync("重发医院");
        var id = NewId("R-");
        // base = 10000 − 6000 = 4000; 80% = 3200, once.
        var bill = Bill(id, person, "2023-05-05", 10000, 6000);
        var answers = await TogetherAsync(10, _ => Send(hospital, bill));

        var created = Assert.Single(answers, a => a.Status == HttpStatusCode.Created);
        Assert.False(created.Replay);
        Assert.Equal($"/api/settlements/{id}", created.Location);
        var replays = answers.Where(a => a.Status != HttpStatusCode.Created).ToList();
        Assert.Equal(9, replays.Count);
        Assert.All(replays, a => Assert.True(a.Status == HttpStatusCode.OK && a.Replay, $"{(int)a.Status} replay={a.Replay}: {a.Text}"));
        Assert.Single(answers.Select(a => a.Text).Distinct()); // byte-identical bodies
        Assert.Equal(3200m, created.Body.Dec("assistance"));

        var stored = await ListAsync(person);
        Assert.Equal(1, stored.GetProperty("total").GetInt32());
        var summary = await YearAsync(person);
        Assert.Equal(3200m, summary.Dec("assistance"));
        Assert.Equal(3200m, Counted(summary)["limit.annual"]);
        Assert.Equal(1, summary.GetProperty("bills").GetArrayLength());
        // A retry afterwards still answers the stored settlement.
        var later = await Send(hospital, bill);
        Assert.True(later.Status == HttpStatusCode.OK && later.Replay, later.Text);
        Assert.Equal(created.Text, later.Text);
    }

    [DbFact]
    public async Task One_id_sent_at_once_with_two_different_bills_settles_one_and_refuses_the_other()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var (hospital, _) = await fx.HospitalAsync("撞号医院");
        var id = NewId("C-");
        // Bill A: base 10000 − 6000 = 4000 → 80% = 3200. Bill B (same id): base 11000 − 6000 = 5000 → 4000.
        object[] bodies = [Bill(id, person, "2023-05-06", 10000, 6000), Bill(id, person, "2023-05-06", 11000, 6000)];
        decimal[] due = [3200m, 4000m];
        var answers = await TogetherAsync(10, i => Send(hospital, bodies[i % 2]));

        var created = Assert.Single(answers, a => a.Status == HttpStatusCode.Created);
        var winner = Array.IndexOf(answers, created) % 2;
        for (int i = 0; i < answers.Length; i++)
        {
            var a = answers[i];
            if (i % 2 == winner)
            {
                Assert.True(a.Status is HttpStatusCode.Created or HttpStatusCode.OK, a.Text);
                Assert.Equal(created.Text, a.Text);
                Assert.Equal(a.Status == HttpStatusCode.OK, a.Replay);
            }
            else
            {
                Assert.True(a.Status == HttpStatusCode.Conflict, a.Text);
                Assert.False(a.Replay);
            }
        }
        Assert.Equal(due[winner], created.Body.Dec("assistance"));
        var (status, stored, text) = await (await fx.As("operator")).GetJson($"/api/settlements/{id}");
        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Equal(due[winner], stored.Dec("assistance"));
        Assert.Equal(1, (await ListAsync(person)).GetProperty("total").GetInt32());
        var summary = await YearAsync(person);
        Assert.Equal(due[winner], Counted(summary)["limit.annual"]);
    }

    [DbFact]
    public async Task One_id_sent_at_once_for_two_persons_settles_it_for_one_and_refuses_the_other()
    {
        string[] persons = [await People.RegisterAsync(fx, "fuyang", "subsistence"), await People.RegisterAsync(fx, "fuyang", "subsistence")];
        var (hospital, _) = await fx.HospitalAsync("两人撞号医院");
        var id = NewId("D-");
        // Either person's bill: base 10000 − 6000 = 4000 → 80% = 3200. The id is one settlement, whoever it is for.
        var answers = await TogetherAsync(10, i => Send(hospital, Bill(id, persons[i % 2], "2023-05-07", 10000, 6000)));

        var created = Assert.Single(answers, a => a.Status == HttpStatusCode.Created);
        var winner = Array.IndexOf(answers, created) % 2;
        for (int i = 0; i < answers.Length; i++)
        {
            if (i % 2 == winner)
            {
                Assert.True(answers[i].Status is HttpStatusCode.Created or HttpStatusCode.OK, answers[i].Text);
                Assert.Equal(created.Text, answers[i].Text);
            }
            else Assert.True(answers[i].Status == HttpStatusCode.Conflict, answers[i].Text);
        }
        Assert.Equal(persons[winner], created.Body.Str("person"));
        var won = await YearAsync(persons[winner]);
        Assert.Equal(3200m, Counted(won)["limit.annual"]);
        Assert.Equal(1, won.GetProperty("bills").GetArrayLength());
        var lost = await YearAsync(persons[1 - winner]);
        Assert.Empty(Counted(lost));
        Assert.Equal(0, lost.GetProperty("bills").GetArrayLength());
    }

    [DbFact]
    public async Task A_mix_sent_at_once_gets_each_bill_its_own_answer_and_the_valid_ones_settle()
    {
        var persons = new List<string>();
        for (int p = 0; p < 4; p++) persons.Add(await People.RegisterAsync(fx, "fuyang", "subsistence"));
        var hospital = (await fx.HospitalAsync("混合医院")).Client;
        // Valid: two bills of each person, base 10000 − 6000 = 4000 → 80% = 3200 each.
        // The second bills of persons 2 and 3 are in the national names.
        var valid = (from p in Enumerable.Range(0, 4) from j in Enumerable.Range(0, 2)
                     select p >= 2 && j == 1 ? (object)NationalBill(NewId($"V{p}{j}-"), persons[p], $"2023-07-{1 + 2 * p + j:D2}", 10000, 6000)
                         : Bill(NewId($"V{p}{j}-"), persons[p], $"2023-07-{1 + 2 * p + j:D2}", 10000, 6000)).ToList();
        var unknownId = NewId("U-");
        var heldId = NewId("H-");
        var refusedId = NewId("E-");
        var sends = new List<object>(valid)
        {
            Bill(unknownId, People.UniqueIdNumber(), "2023-07-10", 10000, 6000),                                      // nobody with this ID number: 400 naming person (today's answer)
            Bill(heldId, persons[0], "2023-07-11", 50000, 0, "outpatient", outOfPolicy: 10000),                        // total 60000 > the outpatient bound 50000: 202 held
            Bill(refusedId, persons[1], "2015-06-01", 10000, 6000),                                                    // no fuyang policy in force in 2015: 422 naming date
        };
        var answers = await TogetherAsync(sends.Count, i => Send(hospital, sends[i]));

        for (int k = 0; k < valid.Count; k++)
        {
            Assert.True(answers[k].Status == HttpStatusCode.Created, answers[k].Text);
            Assert.Equal(3200m, answers[k].Body.Dec("assistance"));
            Assert.Equal(valid[k] is Dictionary<string, object?>, answers[k].Body.TryGetProperty("setlinfo", out _));
        }
        var unknown = answers[valid.Count];
        Assert.True(unknown.Status == HttpStatusCode.BadRequest, unknown.Text);
        Assert.True(unknown.Body.GetProperty("errors").TryGetProperty("person", out _), unknown.Text);
        var held = answers[valid.Count + 1];
        Assert.True(held.Status == HttpStatusCode.Accepted, held.Text);
        Assert.Equal("held", held.Body.Str("status"));
        Assert.Equal(0m, held.Body.Dec("maf_pay"));
        Assert.Equal($"/api/held-settlements/{heldId}", held.Location);
        Assert.True(held.Body.GetProperty("reasons").TryGetProperty("total", out _), held.Text);
        var refused = answers[valid.Count + 2];
        Assert.True(refused.Status == HttpStatusCode.UnprocessableEntity, refused.Text);
        Assert.True(refused.Body.GetProperty("errors").TryGetProperty("date", out _), refused.Text);

        var op = await fx.As("operator");
        foreach (var id in new[] { unknownId, heldId, refusedId })
            Assert.Equal(HttpStatusCode.NotFound, (await op.GetAsync($"/api/settlements/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await op.GetAsync($"/api/held-settlements/{heldId}")).StatusCode);
        // Each person's ledger holds its two valid bills only: 2 × 3200 = 6400 (the held bill counts nothing until released).
        foreach (var person in persons)
        {
            var summary = await YearAsync(person);
            Assert.Equal(6400m, summary.Dec("assistance"));
            Assert.Equal(6400m, Counted(summary)["limit.annual"]);
            Assert.Equal(2, summary.GetProperty("bills").GetArrayLength());
        }
        // Sent again, each gets the same answer.
        Assert.Equal(HttpStatusCode.BadRequest, (await Send(hospital, sends[valid.Count])).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await Send(hospital, sends[valid.Count + 1])).Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Send(hospital, sends[valid.Count + 2])).Status);
    }

    [DbFact]
    public async Task Reversals_while_the_same_persons_bills_settle_leave_the_ledger_equal_to_the_non_reversed_settlements()
    {
        var person = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var hospital = (await fx.HospitalAsync("冲销医院")).Client;
        var before = await MonthsAsync();
        // Five bills one after the other, base 50000 − 0 = 50000 → due 40000 each: paid 40000, 40000, 40000, 30000, 0
        // (annual limit 150000 reached).
        var first = new List<string>();
        for (int k = 0; k < 5; k++)
        {
            var id = NewId($"F{k}-");
            var a = await Send(hospital, Bill(id, person, $"2023-08-0{k + 1}", 50000, 0));
            Assert.True(a.Status == HttpStatusCode.Created, a.Text);
            Assert.Equal(k < 3 ? 40000m : k == 3 ? 30000m : 0m, a.Body.Dec("assistance"));
            first.Add(id);
        }
        // At once: the first and third are reversed (80000 freed) while six more bills arrive, base 25000 → due 20000 each.
        // Depending on the order the new bills are paid 0 to 20000 each; the totals must still be the sum over what is not reversed.
        var newIds = Enumerable.Range(0, 6).Select(k => NewId($"N{k}-")).ToList();
        var answers = await TogetherAsync(8, i => i < 2
            ? Send(hospital, new { reason = "并发冲销" }, $"/api/settlements/{first[i * 2]}/reversal")
            : Send(hospital, Bill(newIds[i - 2], person, $"2023-08-{10 + i:D2}", 25000, 0)));

        Assert.All(answers.Take(2), a => Assert.True(a.Status == HttpStatusCode.OK && a.Body.Str("status") == "reversed", a.Text));
        var settled = answers.Skip(2).ToList();
        Assert.All(settled, a => Assert.True(a.Status == HttpStatusCode.Created, a.Text));
        Assert.All(settled, a => Assert.InRange(a.Body.Dec("assistance"), 0m, 20000m));

        var summary = await YearAsync(person);
        var bills = summary.GetProperty("bills").EnumerateArray().ToList();
        Assert.Equal(11, bills.Count);
        Assert.Equal(2, bills.Count(b => b.Str("status") == "reversed"));
        var standing = bills.Where(b => b.Str("status") == "settled").ToList();
        // The stored settlements agree with the answers: the second, fourth and fifth first bills (40000 + 30000 + 0) and the six new ones.
        Assert.Equal(70000m + settled.Sum(a => a.Body.Dec("assistance")), standing.Sum(b => b.Dec("assistance")));
        Assert.Equal(SumCounted(standing), Counted(summary));
        Assert.Equal(standing.Sum(b => b.Dec("assistance")), summary.Dec("assistance"));
        Assert.InRange(summary.Dec("assistance"), 70000m, 150000m);
        await AssertRebuildFindsNothingAsync();
        // The monthly aggregates hold the standing settlements only.
        var grew = Delta(before, await MonthsAsync(), "2023-08");
        Assert.Equal(9m, grew["bills"]);
        Assert.Equal(summary.Dec("assistance"), grew["assistance"]);
        Assert.Equal(summary.Dec("personalBurden"), grew["burden"]);
    }

    // ---- helpers ----

    /// <summary>A hospital client per name, and the counter (operator).</summary>
    private async Task<HttpClient[]> ClientsAsync(params string[] hospitals)
    {
        var list = new List<HttpClient>();
        foreach (var h in hospitals) list.Add((await fx.HospitalAsync(h)).Client);
        list.Add(await fx.As("operator"));
        return list.ToArray();
    }

    private async Task<JsonElement> YearAsync(string person)
    {
        var (status, body, text) = await (await fx.As("operator")).GetJson($"/api/persons/{person}/years/{Year}");
        Assert.True(status == HttpStatusCode.OK, text);
        return body;
    }

    private async Task<JsonElement> ListAsync(string person)
    {
        var (status, body, text) = await (await fx.As("operator")).GetJson($"/api/settlements?person={person}&year={Year}&pageSize=100");
        Assert.True(status == HttpStatusCode.OK, text);
        return body;
    }

    /// <summary>The dashboard's months of the year for fuyang: month → figure → value.</summary>
    private async Task<Dictionary<string, Dictionary<string, decimal>>> MonthsAsync()
    {
        var (status, body, text) = await (await fx.As("operator")).GetJson($"/api/insights/dashboard?region=fuyang&year={Year}");
        Assert.True(status == HttpStatusCode.OK, text);
        return body.GetProperty("months").EnumerateArray().ToDictionary(m => m.Str("key"),
            m => m.GetProperty("figures").EnumerateObject().Where(f => f.Value.ValueKind == JsonValueKind.Number).ToDictionary(f => f.Name, f => f.Value.GetDecimal()));
    }

    private static Dictionary<string, decimal> Delta(Dictionary<string, Dictionary<string, decimal>> before, Dictionary<string, Dictionary<string, decimal>> after, string month)
    {
        var a = after.GetValueOrDefault(month) ?? [];
        var b = before.GetValueOrDefault(month) ?? [];
        return a.Keys.Union(b.Keys).ToDictionary(k => k, k => a.GetValueOrDefault(k) - b.GetValueOrDefault(k));
    }

    /// <summary>Ledger buckets → amounts of a settlement answer or a year summary (<c>counted</c>), zeros left out.</summary>
    private static Dictionary<string, decimal> Counted(JsonElement e) =>
        e.GetProperty("counted").EnumerateObject().Where(p => p.Value.GetDecimal() != 0m).ToDictionary(p => p.Name, p => p.Value.GetDecimal());

    private static Dictionary<string, decimal> SumCounted(IEnumerable<JsonElement> settlements) =>
        settlements.SelectMany(s => Counted(s)).GroupBy(kv => kv.Key).Where(g => g.Sum(kv => kv.Value) != 0m)
            .ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value));

    /// <summary>The annual-limit step of a result's trace (present when the limit cut the bill): limit, used before it, due.</summary>
    private static JsonElement LimitStep(JsonElement answer) =>
        answer.GetProperty("trace").EnumerateArray().Single(t => t.Str("step") == "assistance_limit").GetProperty("inputs");

    /// <summary>The ledger rebuild recomputes every running total from the stored settlements and finds no difference.</summary>
    private async Task AssertRebuildFindsNothingAsync()
    {
        var (status, body, text) = await (await fx.As("admin")).PostJson("/api/ledger-totals/rebuild", new { region = "fuyang", year = 2023 });
        Assert.True(status == HttpStatusCode.OK, text);
        Assert.True(body.GetProperty("differenceCount").GetInt32() == 0, text);
    }
}

/// <summary>
/// PostgreSQL: one person's row held by another transaction (a name-list import, another node) while other persons' bills and
/// two of that person's arrive together. The others settle while the lock is held; the held person's bills wait at most the
/// server's short lock wait (here 1 s: <c>Doudi:Database:SettlementLockTimeoutMs</c>) and are answered 503 with Retry-After,
/// storing nothing; sent again once the row is free they settle. Amounts by hand (fuyang-2023 二.3): base 10000 − 6000 = 4000,
/// subsistence 80% = 3200 each.
/// </summary>
public sealed class OneStopLockedPersonTests(ShortLockPostgresFixture fx) : IClassFixture<ShortLockPostgresFixture>, IPostgresTests
{
    /// <summary>Far beyond any answer's time on a loaded machine: only a request that waits for the held lock itself would reach it.</summary>
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(2);

    private static object Bill(string id, string person, string date) => new
    {
        id, person, date, kind = "inpatient", total = 12000, inPolicy = 10000, basicPaid = 6000, criticalPaid = 0, supplementaryPaid = 0,
    };

    [DbFact]
    public async Task Others_settle_while_one_persons_row_is_held_and_that_persons_bills_are_told_to_retry()
    {
        var locked = await People.RegisterAsync(fx, "fuyang", "subsistence");
        var others = new List<string>();
        for (int p = 0; p < 20; p++) others.Add(await People.RegisterAsync(fx, "fuyang", "subsistence"));
        var hospital = (await fx.HospitalAsync("锁行医院")).Client;
        var op = await fx.As("operator");
        var otherBills = others.Select((p, i) => Bill($"K{i:D2}-" + Guid.NewGuid().ToString("N")[..12], p, $"2023-09-{1 + i:D2}")).ToList();
        var lockedIds = new[] { "KL0-" + Guid.NewGuid().ToString("N")[..12], "KL1-" + Guid.NewGuid().ToString("N")[..12] };
        var lockedBills = lockedIds.Select((id, i) => Bill(id, locked, $"2023-09-2{i + 2}")).ToList();

        await using (var holder = new Npgsql.NpgsqlConnection(fx.Db.ConnectionString))
        {
            await holder.OpenAsync();
            await using var tx = await holder.BeginTransactionAsync();
            await using (var cmd = new Npgsql.NpgsqlCommand("SELECT 1 FROM persons WHERE id = @p FOR UPDATE", holder, tx))
            {
                cmd.Parameters.AddWithValue("p", locked);
                await cmd.ExecuteNonQueryAsync();
            }
            // All 22 at one signal, the held person's two among the others.
            var sends = new List<object>(otherBills);
            sends.Insert(5, lockedBills[0]);
            sends.Insert(15, lockedBills[1]);
            var answers = await OneStopRequests.TogetherAsync(sends.Count, i => OneStopRequests.Send(hospital, sends[i])).WaitAsync(Generous);
            var otherAnswers = answers.Where((_, i) => i is not (5 or 15)).ToList();
            var lockedAnswers = new[] { answers[5], answers[15] };
            // Still holding the row: every other person's bill was settled.
            Assert.All(otherAnswers, a => Assert.True(a.Status == HttpStatusCode.Created, a.Text));
            Assert.All(otherAnswers, a => Assert.Equal(3200m, a.Body.Dec("assistance")));
            Assert.Equal(others.Order(StringComparer.Ordinal), otherAnswers.Select(a => a.Body.Str("person")).Order(StringComparer.Ordinal));
            // The held person's bills: 503, busy, Retry-After, nothing stored or counted.
            foreach (var a in lockedAnswers)
            {
                Assert.True(a.Status == HttpStatusCode.ServiceUnavailable, a.Text);
                Assert.NotNull(a.RetryAfter);
                Assert.True(a.RetryAfter > TimeSpan.Zero, a.Text);
                Assert.Equal("https://doudi.example/problems/busy", a.Body.Str("type"));
                Assert.False(a.Replay);
            }
            foreach (var id in lockedIds)
                Assert.Equal(HttpStatusCode.NotFound, (await op.GetAsync($"/api/settlements/{id}")).StatusCode);
            var (_, during, _) = await op.GetJson($"/api/persons/{locked}/years/2023");
            Assert.Equal(0, during.GetProperty("bills").GetArrayLength());
            Assert.DoesNotContain(during.GetProperty("counted").EnumerateObject(), c => c.Value.GetDecimal() != 0m);
            await tx.RollbackAsync();
        }

        // The row is free: the same two bills, sent again, settle (a first settlement each, not a replay) and count once each.
        var again = await OneStopRequests.TogetherAsync(2, i => OneStopRequests.Send(hospital, lockedBills[i])).WaitAsync(Generous);
        Assert.All(again, a => Assert.True(a.Status == HttpStatusCode.Created && !a.Replay, a.Text));
        var (_, after, afterText) = await op.GetJson($"/api/persons/{locked}/years/2023");
        Assert.Equal(6400m, after.Dec("assistance")); // 2 × 3200
        Assert.Equal(6400m, after.GetProperty("counted").GetProperty("limit.annual").GetDecimal());
        Assert.True(after.GetProperty("bills").GetArrayLength() == 2, afterText);
        foreach (var p in others)
        {
            var (_, summary, _) = await op.GetJson($"/api/persons/{p}/years/2023");
            Assert.Equal(3200m, summary.GetProperty("counted").GetProperty("limit.annual").GetDecimal());
        }
    }
}

/// <summary>PostgreSQL with a short settlement lock wait (1 s), for <see cref="OneStopLockedPersonTests"/>.</summary>
public sealed class ShortLockPostgresFixture : PostgresFixture
{
    protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("Doudi:Database:SettlementLockTimeoutMs", "1000");
}

/// <summary>Settlement requests sent together, with the headers the concurrency tests read.</summary>
internal static class OneStopRequests
{
    /// <summary>An answer with the headers these tests read.</summary>
    public sealed record Answer(HttpStatusCode Status, JsonElement Body, string Text, bool Replay, string? Location, TimeSpan? RetryAfter);

    public static async Task<Answer> Send(HttpClient client, object body, string url = "/api/settlements")
    {
        using var r = await client.PostAsJsonAsync(url, body);
        var (status, json, text) = await Http.Read(r);
        return new Answer(status, json, text,
            r.Headers.TryGetValues("Idempotent-Replay", out var replay) && replay.Single() == "true", r.Headers.Location?.ToString(), r.Headers.RetryAfter?.Delta);
    }

    /// <summary>Starts <paramref name="n"/> requests at one signal, so they reach the server together; answers in request order.</summary>
    public static async Task<Answer[]> TogetherAsync(int n, Func<int, Task<Answer>> send)
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, n).Select(i => Task.Run(async () => { await go.Task; return await send(i); })).ToList();
        go.SetResult();
        return await Task.WhenAll(tasks);
    }
}

/// <summary>A server on SQLite that waits up to 30 s for its writer (see <see cref="OneStopConcurrencyTests"/>).</summary>
public sealed class PatientSqliteFixture : SqliteFixture
{
    protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("Doudi:Database:SettlementLockTimeoutMs", "30000");
}

/// <summary>A server on PostgreSQL that waits up to 30 s for a person's row (see <see cref="OneStopConcurrencyTests"/>).</summary>
public sealed class PatientPostgresFixture : PostgresFixture
{
    protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("Doudi:Database:SettlementLockTimeoutMs", "30000");
}

public sealed class OneStopConcurrencyTestsSqlite(PatientSqliteFixture fx) : OneStopConcurrencyTests(fx), IClassFixture<PatientSqliteFixture>;
public sealed class OneStopConcurrencyTestsPostgres(PatientPostgresFixture fx) : OneStopConcurrencyTests(fx), IClassFixture<PatientPostgresFixture>, IPostgresTests;
