using System.Net;
using Doudi.Server.Storage;

namespace Doudi.Server.Tests.Infrastructure;

/// <summary>
/// Two persons alike in everything the rules read, the same bills settled for each by two paths (one-stop alone, the bulk
/// import, a one-stop group): what each path stored must be the same, row by row.
/// </summary>
public static class SettledAlike
{
    /// <summary>A bill in the national names with its institution, diagnosis and two items (one outside the catalogue).</summary>
    public static string National(string id, string person, int n)
    {
        // Amounts vary with n so the annual limit binds part-way: every fifth bill is a large stay (all within the plausibility bounds).
        var total = n % 5 == 4 ? 250000m : 3000m + n % 40 * 791m;
        var inscp = decimal.Round(total * 0.85m, 2);
        var hifp = decimal.Round(inscp * 0.5m, 2);
        var outside = total - inscp;
        var medType = n % 3 == 0 && n % 5 != 4 ? "11" : "21";
        return $"{{\"setl_id\":\"{id}\",\"psn_no\":\"{person}\",\"setl_time\":\"2023-{1 + n % 12:D2}-{1 + n % 27:D2} 10:00:00\",\"med_type\":\"{medType}\",\"insutype\":\"390\"," +
               $"\"medfee_sumamt\":\"{total}\",\"inscp_scp_amt\":\"{inscp}\",\"hifp_pay\":\"{hifp}\",\"hifmi_pay\":\"0\",\"fixmedins_code\":\"H3301839000{n % 3}\"," +
               $"\"fixmedins_name\":\"测试医院{n % 3}\",\"hosp_lv\":\"02\",\"dise_codg\":\"J18.900\",\"dise_name\":\"肺炎\",\"feedetail\":[" +
               $"{{\"med_list_codg\":\"XJ01TEST0{n % 4}\",\"hilist_name\":\"阿莫西林胶囊\",\"list_type\":\"101\",\"chrgitm_lv\":\"01\",\"cnt\":\"2\",\"det_item_fee_sumamt\":\"{inscp}\"}}," +
               $"{{\"med_list_codg\":\"ZZTEST0{n % 2}\",\"hilist_name\":\"目录外耗材\",\"list_type\":\"301\",\"chrgitm_lv\":\"03\",\"cnt\":1,\"det_item_fee_sumamt\":\"{outside}\"}}]}}";
    }

    /// <summary>The monthly aggregates summed over shards: dimension|key|month → label and figures.</summary>
    public static Task<Dictionary<string, (string Label, long[] Figures)>> InsightsAsync(ServerFixture fx) => fx.Db.ReadAsync(async c =>
        (await c.ListAsync("SELECT dimension, dim_key, month, MAX(label) AS label, SUM(bills) AS b, SUM(assisted) AS a, SUM(quantity) AS q, SUM(total_fen) AS t, " +
                           "SUM(in_policy_fen) AS ip, SUM(basic_fen) AS bp, SUM(critical_fen) AS cp, SUM(supplementary_fen) AS sp, SUM(assistance_fen) AS af, " +
                           "SUM(tilted_fen) AS tf, SUM(burden_fen) AS bf, SUM(self_pay_fen) AS sf FROM insight_monthly GROUP BY dimension, dim_key, month", null,
            r => ($"{r.S("dimension")}|{r.S("dim_key")}|{r.S("month")}", (r.S("label"),
                new[] { "b", "a", "q", "t", "ip", "bp", "cp", "sp", "af", "tf", "bf", "sf" }.Select(r.L).ToArray()))))
        .ToDictionary(x => x.Item1, x => x.Item2));

    /// <summary>What the aggregates gained between two reads, row by row (labels as read after).</summary>
    public static Dictionary<string, string> Delta(Dictionary<string, (string Label, long[] Figures)> from, Dictionary<string, (string Label, long[] Figures)> to) =>
        to.Select(kv => (kv.Key, kv.Value.Label, Figures: kv.Value.Figures.Select((v, i) => v - (from.TryGetValue(kv.Key, out var f) ? f.Figures[i] : 0)).ToArray()))
            .Where(x => x.Figures.Any(v => v != 0))
            .ToDictionary(x => x.Key, x => x.Label + ":" + string.Join(",", x.Figures));

    /// <summary>
    /// The settlements of <paramref name="ids"/> (the first's of person A, the second's of person B) stored alike — result,
    /// counted, assistance, national answer, bill, item lines, context, year-end facts — and the two persons' running totals,
    /// early warnings and year summaries the same.
    /// </summary>
    public static async Task AssertStoredAlikeAsync(ServerFixture fx, HttpClient op, IReadOnlyList<(string A, string B)> ids,
        (string Person, string Household) personA, (string Person, string Household) personB)
    {
        var ((a, household1), (b, household2)) = (personA, personB);
        async Task<(string Result, string Counted, decimal Assistance, string National, string Items, string Context)> Stored(string id, string person, string household) =>
            await fx.Db.ReadAsync(async c =>
            {
                var row = (await c.FirstAsync("SELECT result_json, counted_json, assistance, national_json, bill_json FROM settlements WHERE id = @id", null,
                    r => new Tuple<string, string, decimal, string, string>(r.S("result_json"), r.S("counted_json"), r.M("assistance"), r.Str("national_json") ?? "", r.S("bill_json")), ("id", id)))!;
                var items = string.Join(";", await c.ListAsync("SELECT line, code, name, kind, item_class, in_catalog, quantity, amount FROM settlement_items WHERE settlement_id = @id ORDER BY line", null,
                    r => string.Join(",", Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? "" : Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))), ("id", id)));
                var ctx = string.Join(";", await c.ListAsync("SELECT institution_code, institution_name, institution_level, township, diagnosis_code, diagnosis_name FROM settlement_context WHERE settlement_id = @id", null,
                    r => string.Join(",", Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? "" : Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))), ("id", id)));
                // What the year-end rules read of the bill (YearFacts) is stored alike too.
                var facts = await c.ScalarAsync("SELECT facts FROM settlement_year_facts WHERE settlement_id = @id", null, ("id", id)) as string;
                Assert.NotNull(facts);
                string Same(string s) => s.Replace(id, "ID").Replace(person, "PERSON").Replace(household, "HOUSEHOLD");
                return (Same(row.Item1), row.Item2, row.Item3, Same(row.Item4) + Same(row.Item5) + "|" + facts, items, ctx);
            });
        decimal total = 0;
        foreach (var (idA, idB) in ids)
        {
            var one = await Stored(idA, a, household1);
            var other = await Stored(idB, b, household2);
            Assert.Equal(one, other);
            total += one.Assistance;
        }
        Assert.True(total > 0);
        // The running totals (ledger buckets and monitoring measures) of the two persons are the same, bucket by bucket.
        async Task<string> Totals(string person) => string.Join(";", await fx.Db.ReadAsync(c => c.ListAsync(
            "SELECT year, bucket, amount_fen FROM ledger_totals WHERE person_id = @p ORDER BY year, bucket", null,
            r => $"{r.I("year")}:{r.S("bucket")}:{r.L("amount_fen")}", ("p", person))));
        var totalsA = await Totals(a);
        Assert.Contains("measure.monitoring.", totalsA);
        Assert.Equal(totalsA, await Totals(b));
        // Early warning: the import (and a one-stop group) evaluates each person once per chunk (after the person's last bill),
        // one-stop settlement alone after every bill; both leave the same risk-pool entries (rule, measure, amount at the year's end, threshold, state).
        async Task<string> Warnings(string person) => string.Join(";", await fx.Db.ReadAsync(c => c.ListAsync(
            "SELECT policy, year, rule, measure, amount, threshold, state FROM risk_entries WHERE person_id = @p ORDER BY policy, year, rule", null,
            r => $"{r.S("policy")}:{r.I("year")}:{r.S("rule")}:{r.S("measure")}:{r.M("amount")}:{r.M("threshold")}:{r.S("state")}", ("p", person))));
        var warningsA = await Warnings(a);
        Assert.Contains("assistance_object_in_policy_burden", warningsA);
        Assert.Equal(warningsA, await Warnings(b));
        var (_, sa, _) = await op.GetJson($"/api/persons/{a}/years/2023");
        var (_, sb2, _) = await op.GetJson($"/api/persons/{b}/years/2023");
        Assert.Equal(sa.Dec("assistance"), sb2.Dec("assistance"));
        Assert.Equal(sa.GetProperty("counted").GetRawText(), sb2.GetProperty("counted").GetRawText());
    }
}
