using System.Text.Json.Nodes;
using static Doudi.Cli.Tests.CaseSamples;

namespace Doudi.Cli.Tests;

/// <summary>Each kind of bad input gives a problem at its exact JSON path, with a message naming the value.</summary>
public class CaseReaderProblemTests
{
    [Fact]
    public void Broken_json_names_line_and_byte_and_where_reading_had_got_to()
    {
        string json = "{\"region\":\"x\",\n \"persons\": [ {\"id\": \"p1\",, } ]}";
        var problem = OneProblem(json);
        // Line 2: ` "persons": [ {"id": "p1",, } ]}` — the second comma is byte 27.
        AssertProblem(problem, "persons[0]", "JSON 格式错误", "line 2, byte 27", "第 2 行第 27 字节");
    }

    [Fact]
    public void Truncated_json_is_broken_json()
    {
        string json = Valid[..Valid.IndexOf("\"basicPaid\": 150", StringComparison.Ordinal)];
        var problem = OneProblem(json);
        AssertProblem(problem, "bills[1]", "invalid JSON");
    }

    [Fact]
    public void Problems_found_before_the_break_are_kept()
    {
        string json = Valid.Replace("\"kind\": \"outpatient\"", "\"kind\": \"clinic\"").Replace("\"basicPaid\": 150 }", "\"basicPaid\": 150 ");
        var read = Read(json);
        Assert.Equal(["bills[1].kind", "bills[1]"], read.Problems.Select(p => p.Path));
    }

    [Fact]
    public void Content_after_the_document_is_broken_json()
    {
        var problem = OneProblem(Valid + " {}");
        AssertProblem(problem, "$", "invalid JSON");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_file_is_reported(string json) => AssertProblem(OneProblem(json), "$", "empty");

    [Theory]
    [InlineData("[]", "[…]")]
    [InlineData("42", "42")]
    public void The_document_must_be_an_object(string json, string shown) => AssertProblem(OneProblem(json), "$", shown, "must be an object");

    [Fact]
    public void Region_must_be_a_non_empty_string()
    {
        var root = Case();
        root["region"] = "";
        AssertProblem(OneProblem(root), "region", "must not be empty");
        root["region"] = 3;
        AssertProblem(OneProblem(root), "region", "3", "must be a string");
    }

    [Fact]
    public void Unknown_category()
    {
        var root = Case();
        Identity(root, 0, 1)["category"] = "poor";
        AssertProblem(OneProblem(root), "persons[0].identities[1].category", "\"poor\"", "救助对象类别", "not a known category", "subsistence");
    }

    [Fact]
    public void Unknown_bill_kind()
    {
        var root = Case();
        Bill(root, 1)["kind"] = "clinic";
        AssertProblem(OneProblem(root), "bills[1].kind", "\"clinic\"", "not a known bill kind", "emergency_observation");
    }

    [Fact]
    public void Unknown_insurance()
    {
        var root = Case();
        Person(root, 1)["insurance"] = "farmer";
        AssertProblem(OneProblem(root), "persons[1].insurance", "\"farmer\"", "not a known insurance type");
    }

    [Theory]
    [InlineData("war")]
    [InlineData("none")]       // absence is written null, not "none"
    [InlineData("Third_Party")] // codes are exact
    public void Unknown_exclusion(string code)
    {
        var root = Case();
        Bill(root, 0)["excluded"] = code;
        AssertProblem(OneProblem(root), "bills[0].excluded", $"\"{code}\"", "not a known exclusion", "work_injury");
    }

    [Fact]
    public void Unknown_item_kind_and_class()
    {
        var root = Case();
        Item(root, 0, 0)["kind"] = "food";
        Item(root, 0, 1)["class"] = "massage";
        var problems = Read(root).Problems;
        Assert.Equal(2, problems.Count);
        AssertProblem(problems[0], "bills[0].items[0].kind", "\"food\"", "not a known item kind");
        AssertProblem(problems[1], "bills[0].items[1].class", "\"massage\"", "not a known item class", "tcm_granules");
    }

    [Theory]
    [InlineData("total")]
    [InlineData("inPolicy")]
    [InlineData("basicPaid")]
    [InlineData("criticalPaid")]
    [InlineData("supplementaryPaid")]
    [InlineData("assistancePaid")]
    [InlineData("reasonableOutOfPolicy")]
    public void Negative_amount(string field)
    {
        var root = Case();
        Bill(root, 0)[field] = -1.5m;
        AssertProblem(OneProblem(root), $"bills[0].{field}", "-1.5", "不能为负数", "must not be negative");
    }

    [Fact]
    public void Negative_item_amount()
    {
        var root = Case();
        Item(root, 0, 1)["amount"] = -3;
        AssertProblem(OneProblem(root), "bills[0].items[1].amount", "-3", "must not be negative");
    }

    [Theory]
    [InlineData("\"5\"", "\"5\"")]
    [InlineData("true", "true")]
    [InlineData("{\"yuan\": 5}", "{…}")]
    [InlineData("[5]", "[…]")]
    [InlineData("1e400", "1e400")]
    public void Non_numeric_amount(string value, string shown)
    {
        string json = Valid.Replace("\"inPolicy\": 300", $"\"inPolicy\": {value}");
        AssertProblem(OneProblem(json), "bills[1].inPolicy", shown, "不是数字", "is not a number");
    }

    [Theory]
    [InlineData("1000000000000")]
    [InlineData("79228162514264337593543950335")]
    public void An_amount_beyond_any_bill_is_refused_before_sums_can_overflow(string value)
    {
        string json = Valid.Replace("\"total\": 300", $"\"total\": {value}").Replace("\"inPolicy\": 300", $"\"inPolicy\": {value}");
        var problems = Read(json).Problems;
        Assert.Equal(2, problems.Count);
        AssertProblem(problems[0], "bills[1].total", value, "too large");
        AssertProblem(problems[1], "bills[1].inPolicy", value, "too large");
    }

    [Fact]
    public void The_largest_amount_is_accepted()
    {
        string json = Valid.Replace("\"total\": 300", "\"total\": 999999999999.99");
        Assert.Empty(Read(json).Problems);
    }

    [Fact]
    public void Null_amount_where_null_has_no_meaning()
    {
        var root = Case();
        Bill(root, 0)["supplementaryPaid"] = null;
        AssertProblem(OneProblem(root), "bills[0].supplementaryPaid", "must not be null");
    }

    [Theory]
    [InlineData("150.123")]
    [InlineData("0.001")]
    [InlineData("1.999")]
    public void More_than_two_decimals(string value)
    {
        string json = Valid.Replace("\"basicPaid\": 150", $"\"basicPaid\": {value}");
        AssertProblem(OneProblem(json), "bills[1].basicPaid", value, "超过两位小数", "more than two decimals");
    }

    [Theory]
    [InlineData("150.10")]
    [InlineData("150.100")] // the value has two decimals; trailing zeros are not precision
    [InlineData("1.5e2")]
    public void Two_decimals_written_differently_are_accepted(string value)
    {
        string json = Valid.Replace("\"basicPaid\": 150", $"\"basicPaid\": {value}");
        Assert.Empty(Read(json).Problems);
    }

    [Fact]
    public void Basic_plus_critical_over_in_policy_is_reported_at_critical()
    {
        var root = Case();
        Bill(root, 0)["criticalPaid"] = 4000.01m;
        AssertProblem(OneProblem(root), "bills[0].criticalPaid", "6000 + 大病保险 4000.01 = 10000.01", "10000", "basicPaid + criticalPaid exceeds inPolicy");
    }

    [Fact]
    public void Basic_and_critical_exactly_at_in_policy_is_fine()
    {
        var root = Case();
        Bill(root, 0)["criticalPaid"] = 4000;
        Assert.Empty(Read(root).Problems);
    }

    [Fact]
    public void Basic_over_in_policy_with_critical_left_to_the_engine_is_reported_at_basic()
    {
        var root = Case();
        Bill(root, 1)["basicPaid"] = 300.01m;
        AssertProblem(OneProblem(root), "bills[1].basicPaid", "300.01", "exceeds inPolicy");
    }

    [Fact]
    public void In_policy_over_total()
    {
        var root = Case();
        Bill(root, 1)["inPolicy"] = 300.01m;
        Bill(root, 1)["basicPaid"] = 0;
        AssertProblem(OneProblem(root), "bills[1].inPolicy", "300.01", "300", "inPolicy exceeds total");
    }

    [Fact]
    public void Admitted_out_of_catalogue_cost_over_the_out_of_catalogue_cost()
    {
        var root = Case();
        Bill(root, 0)["reasonableOutOfPolicy"] = 2000.01m; // total 12000 − inPolicy 10000 = 2000
        AssertProblem(OneProblem(root), "bills[0].reasonableOutOfPolicy", "2000.01", "2000", "exceeds total − inPolicy");
    }

    [Fact]
    public void Payments_over_total()
    {
        var root = Case();
        Bill(root, 0)["assistancePaid"] = 5900; // 6000 + 0 + 100.5 + 5900 = 12000.5 > 12000
        AssertProblem(OneProblem(root), "bills[0].assistancePaid", "12000.5", "exceeds total");
    }

    [Theory]
    [InlineData("2023-02-30", "不是有效日期 (is not a date)")]
    [InlineData("2023-13-01", "不是有效日期 (is not a date)")]
    [InlineData("2023-04-31", "不是有效日期 (is not a date)")]
    [InlineData("2023-00-10", "不是有效日期 (is not a date)")]
    [InlineData("0000-01-01", "不是有效日期 (is not a date)")]
    [InlineData("2023-2-3", "expected YYYY-MM-DD")]
    [InlineData("2023/02/03", "expected YYYY-MM-DD")]
    [InlineData("2023-02-03T00:00:00", "expected YYYY-MM-DD")]
    [InlineData("", "expected YYYY-MM-DD")]
    public void Impossible_bill_date(string date, string message)
    {
        var root = Case();
        Bill(root, 0)["date"] = date;
        var problem = OneProblem(root);
        AssertProblem(problem, "bills[0].date", message);
        Assert.StartsWith($"\"{date}\" ", problem.Message);
    }

    [Fact]
    public void The_issue_example_message_reads_as_promised()
    {
        var root = Case();
        Bill(root, 1)["date"] = "2023-02-30";
        Assert.Equal("bills[1].date: \"2023-02-30\" 不是有效日期 (is not a date)", OneProblem(root).ToString());
    }

    [Fact]
    public void A_date_that_is_a_number_is_not_a_date()
    {
        string json = Valid.Replace("\"date\": \"2024-02-29\"", "\"date\": 20240229");
        AssertProblem(OneProblem(json), "bills[1].date", "20240229", "expected YYYY-MM-DD");
    }

    [Fact]
    public void Impossible_identity_dates()
    {
        var root = Case();
        Identity(root, 0, 0)["recognized"] = "2022-02-29";
        Identity(root, 0, 1)["revoked"] = "2023-06-31";
        var problems = Read(root).Problems;
        Assert.Equal(2, problems.Count);
        AssertProblem(problems[0], "persons[0].identities[0].recognized", "\"2022-02-29\"", "is not a date");
        AssertProblem(problems[1], "persons[0].identities[1].revoked", "\"2023-06-31\"", "is not a date");
    }

    [Fact]
    public void Revoked_before_recognized()
    {
        var root = Case();
        Identity(root, 0, 1)["revoked"] = "2020-12-31";
        AssertProblem(OneProblem(root), "persons[0].identities[1].revoked", "\"2020-12-31\"", "\"2021-01-01\"", "revoked before recognized");
    }

    [Fact]
    public void Revoked_on_the_day_of_recognition_is_allowed()
    {
        var root = Case();
        Identity(root, 0, 1)["revoked"] = "2021-01-01";
        Assert.Empty(Read(root).Problems);
    }

    [Fact]
    public void Bill_for_an_unknown_person()
    {
        var root = Case();
        Bill(root, 1)["person"] = "p9";
        AssertProblem(OneProblem(root), "bills[1].person", "\"p9\"", "is not a person in this file");
    }

    [Fact]
    public void Bill_for_an_unknown_person_when_bills_come_first()
    {
        string json = """{ "bills": [ { "id": "b", "person": "px", "date": "2023-01-01", "kind": "outpatient", "total": 1, "inPolicy": 1, "basicPaid": 0 } ], "region": "r", "persons": [] }""";
        AssertProblem(OneProblem(json), "bills[0].person", "\"px\"", "not a person");
    }

    [Fact]
    public void A_person_with_other_problems_still_counts_as_known()
    {
        // One problem (the insurance), not two: the bill's person exists even though the person is unusable.
        var root = Case();
        Person(root, 1)["insurance"] = "x";
        AssertProblem(OneProblem(root), "persons[1].insurance");
    }

    [Fact]
    public void Duplicate_person_id()
    {
        var root = Case();
        Person(root, 1)["id"] = "p1";
        Bill(root, 1)["person"] = "p1";
        AssertProblem(OneProblem(root), "persons[1].id", "\"p1\"", "persons[0]", "duplicate id");
    }

    [Fact]
    public void Duplicate_bill_id()
    {
        var root = Case();
        Bill(root, 1)["id"] = "b1";
        AssertProblem(OneProblem(root), "bills[1].id", "\"b1\"", "bills[0]", "duplicate id");
    }

    [Theory]
    [InlineData("", "region")]
    [InlineData("", "persons")]
    [InlineData("", "bills")]
    [InlineData("persons[1]", "id")]
    [InlineData("persons[1]", "insurance")]
    [InlineData("persons[1]", "identities")]
    [InlineData("persons[0].identities[0]", "category")]
    [InlineData("persons[0].identities[0]", "recognized")]
    [InlineData("bills[1]", "id")]
    [InlineData("bills[1]", "person")]
    [InlineData("bills[1]", "date")]
    [InlineData("bills[1]", "kind")]
    [InlineData("bills[1]", "total")]
    [InlineData("bills[1]", "inPolicy")]
    [InlineData("bills[1]", "basicPaid")]
    [InlineData("bills[0].items[0]", "kind")]
    [InlineData("bills[0].items[0]", "inCatalog")]
    [InlineData("bills[0].items[0]", "amount")]
    public void Missing_required_field(string objectPath, string field)
    {
        var root = Case();
        Resolve(root, objectPath).Remove(field);
        var problems = Read(root).Problems;
        // Removing persons or a person id also leaves bills pointing at nobody; the missing field comes first.
        string path = objectPath.Length == 0 ? field : $"{objectPath}.{field}";
        AssertProblem(problems[0], path, "缺少必填字段", "required field is missing");
    }

    [Theory]
    [InlineData("", "note")]
    [InlineData("persons[0]", "age")]
    [InlineData("persons[0].identities[1]", "level")]
    [InlineData("bills[0]", "doctor")]
    [InlineData("bills[0]", "Total")] // names are case-sensitive: a near miss is not silently ignored
    [InlineData("bills[0].items[1]", "price")]
    public void Unknown_field(string objectPath, string field)
    {
        var root = Case();
        Resolve(root, objectPath)[field] = new JsonObject { ["nested"] = new JsonArray(1, 2) };
        string path = objectPath.Length == 0 ? field : $"{objectPath}.{field}";
        AssertProblem(OneProblem(root), path, "未知字段", "unknown field");
    }

    [Fact]
    public void An_odd_unknown_field_name_is_bracketed_in_the_path()
    {
        var root = Case();
        Bill(root, 0)["in policy"] = 1;
        AssertProblem(OneProblem(root), "bills[0][\"in policy\"]", "unknown field");
    }

    [Fact]
    public void A_field_given_twice()
    {
        string json = Valid.Replace("\"basicPaid\": 150", "\"basicPaid\": 150, \"basicPaid\": 100");
        AssertProblem(OneProblem(json), "bills[1].basicPaid", "字段重复", "given twice");
    }

    [Theory]
    [InlineData("designated", "\"yes\"")]
    [InlineData("referred", "1")]
    [InlineData("withinCity", "null")]
    [InlineData("specialDisease", "\"false\"")]
    public void Flags_must_be_true_or_false(string field, string value)
    {
        string json = Valid.Replace("\"basicPaid\": 150 }", $"\"basicPaid\": 150, \"{field}\": {value} }}");
        AssertProblem(OneProblem(json), $"bills[1].{field}", value == "null" ? "must not be null" : "must be true or false");
    }

    [Theory]
    [InlineData("4")]
    [InlineData("-1")]
    [InlineData("2.5")]
    [InlineData("\"3\"")]
    public void Hospital_level_is_0_to_3(string value)
    {
        string json = Valid.Replace("\"hospitalLevel\": 3", $"\"hospitalLevel\": {value}");
        AssertProblem(OneProblem(json), "bills[0].hospitalLevel", value, "0 to 3");
    }

    [Fact]
    public void Wrong_container_types()
    {
        var root = Case();
        Person(root, 0)["identities"] = "subsistence";
        Bill(root, 0)["items"] = new JsonObject();
        root["bills"]!.AsArray().Add(5);
        var problems = Read(root).Problems;
        Assert.Equal(3, problems.Count);
        AssertProblem(problems[0], "persons[0].identities", "must be an array");
        AssertProblem(problems[1], "bills[0].items", "must be an array");
        AssertProblem(problems[2], "bills[2]", "5", "must be an object");
    }

    [Fact]
    public void Every_problem_is_reported_in_one_run()
    {
        var root = Case();
        Person(root, 0)["insurance"] = "x";
        Identity(root, 0, 0)["category"] = "y";
        Bill(root, 0)["date"] = "2023-02-30";
        Bill(root, 0)["total"] = "much";
        Bill(root, 1)["person"] = "nobody";
        Bill(root, 1)["id"] = "b1";
        var paths = Read(root).Problems.Select(p => p.Path).Order().ToArray();
        Assert.Equal(["bills[0].date", "bills[0].total", "bills[1].id", "bills[1].person", "persons[0].identities[0].category", "persons[0].insurance"], paths);
    }

    private static JsonObject Resolve(JsonObject root, string path)
    {
        JsonNode node = root;
        foreach (var part in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            int bracket = part.IndexOf('[');
            node = bracket < 0 ? node[part]! : node[part[..bracket]]![int.Parse(part[(bracket + 1)..^1])]!;
        }
        return node.AsObject();
    }
}
