using System.Globalization;
using Doudi.Engine.Cases;
using Doudi.Policy.Vocabulary;
using Sylvan.Data.Csv;

namespace Doudi.Analysis.Reconciliation;

/// <summary>One settlement of the export: the bill as the engine reads it (without the assistance paid, which is what
/// is compared), the assistance the platform paid, and what the reports group by.</summary>
public sealed record ExportRow(Bill Bill, decimal Paid, string? Institution, string? InstitutionName, string? Diagnosis, string? Name, long Line);

/// <summary>
/// Reads a settlement export (CSV with a header line) through a <see cref="MappingProfile"/>. All or nothing: any
/// problem refuses the file, each named <c>file:line: column: message</c> in the file's own column names. Amounts may
/// be numbers or quoted strings ("12.30"), at most two decimals, never negative; times <c>yyyy-MM-dd HH:mm:ss</c>,
/// ISO 8601 with <c>T</c>, or with an offset (<c>+08:00</c>, <c>Z</c>: the date is taken in China time, UTC+8), or a date.
/// </summary>
public static class ExportReader
{
    public const int MaxProblems = 200;
    private static readonly TimeSpan ChinaTime = TimeSpan.FromHours(8);
    private static readonly string[] LocalFormats =
        ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd HH:mm:ss.fff", "yyyy-MM-ddTHH:mm:ss.fff", "yyyy-MM-dd", "yyyyMMddHHmmss", "yyyyMMdd"];

    public static (List<ExportRow>? Rows, List<PlacedProblem> Problems) Read(string path, MappingProfile profile)
    {
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        return Read(reader, Path.GetFileName(path), profile);
    }

    public static (List<ExportRow>? Rows, List<PlacedProblem> Problems) Read(TextReader text, string file, MappingProfile profile)
    {
        var problems = new List<PlacedProblem>();
        using var csv = CsvDataReader.Create(text, new CsvDataReaderOptions { HasHeaders = true, BufferSize = 1 << 16 });
        var header = Enumerable.Range(0, csv.FieldCount).Select(csv.GetName).ToList();
        var duplicate = header.GroupBy(h => h, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicate.Count > 0) problems.Add(new(file, 1, $"重复的列 duplicate columns: {string.Join(", ", duplicate)}"));
        var (fields, mapping) = profile.Resolve(header);
        problems.AddRange(mapping.Select(m => new PlacedProblem(file, 1, m)));
        if (problems.Count > 0) return (null, problems);

        var col = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < fields.Length; i++) if (fields[i] is { } f) col[f] = i;
        var rows = new List<ExportRow>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        long line = 1;
        while (csv.Read())
        {
            line++;
            var row = new Row(csv, col, header, file, line, problems);
            if (csv.RowFieldCount != header.Count)
            {
                row.Fail(null, $"有 {csv.RowFieldCount} 列，表头有 {header.Count} 列 has {csv.RowFieldCount} fields, the header {header.Count}");
                if (problems.Count >= MaxProblems) break;
                continue;
            }
            int before = problems.Count;
            for (int i = 0; i < csv.RowFieldCount; i++)
                if (csv.GetString(i).AsSpan().IndexOfAnyInRange('\0', '\u001f') >= 0)
                    problems.Add(new(file, line, $"{header[i]}: 含控制字符 contains a control character"));
            var id = row.Text("setl_id", required: true);
            if (id is not null && !ids.Add(id)) row.Fail("setl_id", $"重复的结算号 duplicate setl_id '{id}'");
            var person = row.Text("psn_no", required: true);
            var date = row.Date("setl_time");
            var kind = row.Kind();
            var total = row.Amount("medfee_sumamt", required: true);
            var inPolicy = row.Amount("inscp_scp_amt", required: true);
            var basic = row.Amount("hifp_pay", required: true) + (row.Amount("hifob_pay") ?? 0) + (row.Amount("hifes_pay") ?? 0);
            var critical = row.Amount("hifmi_pay") ?? 0m;
            var supplementary = row.Amount("oth_pay") ?? 0m;
            var paid = row.Amount("maf_pay", required: true);
            var ownpay = row.Amount("fulamt_ownpay_amt");
            var cash = row.Amount("psn_cash_pay");
            var level = row.Int("hospitalLevel") ?? 0;
            if (level is < 0 or > 3) row.Fail("hospitalLevel", "医院等级须为 0–3 must be 0..3");
            var excluded = Exclusion.None;
            if (row.Text("excluded") is { } ex && (!Codes.TryParse(ex, out excluded) || excluded == Exclusion.None))
                row.Fail("excluded", $"未知除外原因 '{ex}' unknown exclusion (known: {string.Join(", ", Codes.All<Exclusion>().Skip(1))})");
            var bill = problems.Count > before || id is null || person is null || date is null || kind is null || total is null || inPolicy is null || basic is null || paid is null
                ? null
                : new Bill
                {
                    Id = id, Person = person, Date = date.Value, Kind = kind.Value, Total = total.Value, InPolicy = inPolicy.Value, BasicPaid = basic.Value,
                    CriticalPaid = critical, SupplementaryPaid = supplementary, AssistancePaid = null,
                    SpecialDisease = row.Bool("specialDisease") ?? false, HospitalLevel = level, Designated = row.Bool("designated") ?? true,
                    Referred = row.Bool("referred") ?? false, WithinCity = row.Bool("withinCity") ?? true, Excluded = excluded,
                };
            if (bill is not null)
            {
                // The tiers must fit in the bill; the engine would refuse it anyway, here it is named in the file's terms.
                if (bill.InPolicy > bill.Total) row.Fail("inscp_scp_amt", "政策范围内金额超过医疗费总额 exceeds medfee_sumamt");
                else if (bill.BasicPaid + critical > bill.InPolicy) row.Fail("hifp_pay", "基本医保与大病保险支付之和超过政策范围内金额 basic + critical illness exceed inscp_scp_amt");
                else if (bill.BasicPaid + critical + supplementary + paid > bill.Total) row.Fail("maf_pay", "各项支付之和超过医疗费总额 the payments exceed medfee_sumamt");
                else if (ownpay is { } own && own + bill.InPolicy > bill.Total) row.Fail("fulamt_ownpay_amt", "全自费金额加政策范围内金额超过医疗费总额 fulamt_ownpay_amt + inscp_scp_amt exceed medfee_sumamt");
                else if (cash is { } c && c > bill.Total) row.Fail("psn_cash_pay", "个人现金支付超过医疗费总额 exceeds medfee_sumamt");
                else rows.Add(new ExportRow(bill, paid!.Value, row.Text("fixmedins_code"), row.Text("fixmedins_name"), row.Text("dise_codg"), row.Text("psn_name"), line));
            }
            if (problems.Count >= MaxProblems) { problems.Add(new(file, line, $"问题过多，只列出前 {MaxProblems} 个 too many problems; the first {MaxProblems} are listed")); break; }
        }
        return problems.Count > 0 ? (null, problems) : (rows, problems);
    }

    private readonly ref struct Row(CsvDataReader csv, Dictionary<string, int> col, List<string> header, string file, long line, List<PlacedProblem> problems)
    {
        public void Fail(string? field, string message) =>
            problems.Add(new(file, line, field is null ? message : $"{(col.TryGetValue(field, out int i) ? header[i] : field)}: {message}"));

        public string? Text(string field, bool required = false)
        {
            if (!col.TryGetValue(field, out int i)) { if (required) Fail(field, "缺少 missing"); return null; }
            var s = csv.GetString(i).Trim();
            if (s.Length == 0) { if (required) Fail(field, "不能为空 must not be empty"); return null; }
            return s;
        }

        public decimal? Amount(string field, bool required = false)
        {
            var s = Text(field, required);
            if (s is null) return null;
            if (!decimal.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v)) { Fail(field, $"'{s}' 不是金额 is not an amount"); return null; }
            if (decimal.Round(v, 2) != v) { Fail(field, $"'{s}' 超过两位小数 has more than two decimals"); return null; }
            if (v > 100_000_000m) { Fail(field, $"'{s}' 金额不合理 is implausible (over 100,000,000)"); return null; }
            return v;
        }

        public int? Int(string field)
        {
            var s = Text(field);
            if (s is null) return null;
            if (int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v)) return v;
            Fail(field, $"'{s}' 不是整数 is not an integer");
            return null;
        }

        public bool? Bool(string field)
        {
            var s = Text(field);
            switch (s)
            {
                case null: return null;
                case "true" or "1" or "是" or "Y" or "y": return true;
                case "false" or "0" or "否" or "N" or "n": return false;
                default: Fail(field, $"'{s}' 应为 true/false (1/0, 是/否)"); return null;
            }
        }

        public DateOnly? Date(string field)
        {
            var s = Text(field, required: true);
            if (s is null) return null;
            bool offset = s.EndsWith('Z') || (s.Length > 6 && (s[^6] is '+' or '-') && s[^3] == ':');
            if (offset && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var dto))
                return DateOnly.FromDateTime(dto.ToOffset(ChinaTime).DateTime);
            if (!offset && DateTime.TryParseExact(s, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var dt))
                return DateOnly.FromDateTime(dt);
            Fail(field, $"'{s}' 不是有效时间 is not a time (yyyy-MM-dd HH:mm:ss, ISO 8601, with or without +08:00)");
            return null;
        }

        public BillKind? Kind()
        {
            var s = Text("med_type", required: true);
            switch (s)
            {
                case null: return null;
                case "11": return BillKind.Outpatient;
                case "14": return BillKind.SpecialOutpatient;
                case "21": return BillKind.Inpatient;
                default: Fail("med_type", $"未知医疗类别 '{s}' unknown medical type (11 普通门诊, 14 门诊慢特病, 21 住院)"); return null;
            }
        }
    }
}
