using Doudi.Policy.Parameters;
using System.Text.Json;
using Doudi.Cases.Reading;
using Doudi.Engine.Results;
using Doudi.Engine.Settlement;
using Doudi.Engine.Tracing;
using Doudi.Policy.Vocabulary;

namespace Doudi.Cases;

/// <summary>
/// Reads back one bill result as <see cref="ResultWriter.WriteBill"/> writes it (a stored settlement, a line of
/// <c>doudi settle</c>'s output, full trace mode): every field of the contract, nothing else; trace steps come back with
/// their amount and texts (their structure stays in the JSON). Writer and reader are kept in step by a round-trip test
/// over every case file.
/// </summary>
public static class ResultReader
{
    public static ReadResult<BillResult> ReadBill(ReadOnlySpan<byte> utf8Json)
    {
        var problems = new List<SettlementProblem>();
        try
        {
            var r = new Utf8JsonReader(utf8Json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject) return Fail(problems, "$", "结果应为对象 (a result must be an object)");
            string? id = null, person = null, policy = null;
            DateOnly date = default;
            Category? category = null;
            decimal assistanceBase = 0, critical = 0, assistance = 0, tilted = 0, supplementary = 0, burden = 0, reasonable = 0;
            decimal? due = null, upstream = null, difference = null;
            Dictionary<string, decimal>? counted = null;
            List<TraceStep>? trace = null;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                string name = r.GetString()!;
                r.Read();
                if (!seen.Add(name)) { problems.Add(new(name, "字段重复出现 (field is given twice)")); r.Skip(); continue; }
                switch (name)
                {
                    case "id": id = r.GetString(); break;
                    case "person": person = r.GetString(); break;
                    case "date": date = DateOnly.ParseExact(r.GetString()!, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture); break;
                    case "policy": policy = r.GetString(); break;
                    case "category":
                        if (r.TokenType == JsonTokenType.Null) break;
                        if (CaseCodes.Category.TryGet(r.GetString(), out var c)) category = c;
                        else problems.Add(new(name, $"{r.GetString()} 不是已知的救助对象类别 (is not a known category)"));
                        break;
                    case "assistanceBase": assistanceBase = r.GetDecimal(); break;
                    case "criticalIllness": critical = r.GetDecimal(); break;
                    case "assistance": assistance = r.GetDecimal(); break;
                    case "assistanceDue": due = r.GetDecimal(); break;
                    case "assistanceUpstream": upstream = r.GetDecimal(); break;
                    case "assistanceDifference": difference = r.GetDecimal(); break;
                    case "tilted": tilted = r.GetDecimal(); break;
                    case "supplementary": supplementary = r.GetDecimal(); break;
                    case "personalBurden": burden = r.GetDecimal(); break;
                    case "reasonableBurden": reasonable = r.GetDecimal(); break;
                    case "counted":
                        counted = new(StringComparer.Ordinal);
                        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                        {
                            string bucket = r.GetString()!;
                            r.Read();
                            counted[bucket] = r.GetDecimal();
                        }
                        break;
                    case "trace":
                        trace = [];
                        while (r.Read() && r.TokenType == JsonTokenType.StartObject) trace.Add(ReadStep(ref r));
                        break;
                    default:
                        problems.Add(new(name, "未知字段 (unknown field)"));
                        r.Skip();
                        break;
                }
            }
            foreach (var required in (string[])["id", "person", "date", "policy", "assistance", "trace"])
                if (!seen.Contains(required)) problems.Add(new(required, "缺少必填字段 (required field is missing)"));
            if (problems.Count > 0) return new ReadResult<BillResult>(null, problems);
            var result = new BillResult
            {
                Id = id!, Person = person!, Date = date, Policy = policy!, Category = category, AssistanceBase = assistanceBase, CriticalIllness = critical,
                Assistance = assistance, Tilted = tilted, Supplementary = supplementary, PersonalBurden = burden, ReasonableBurden = reasonable,
            };
            // I-24: the difference follows from what was due and what the upstream paid.
            if (upstream is { } paidUpstream) result.CompareWithUpstream(due ?? assistance, paidUpstream);
            foreach (var (bucket, amount) in counted ?? []) result.Counted[bucket] = amount;
            result.Trace.AddRange(trace!);
            return new ReadResult<BillResult>(result, problems);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return Fail(problems, "$", $"结果不是有效的结果 JSON (not a result): {e.Message}");
        }
    }

    /// <summary>
    /// One trace step as <c>doudi settle --trace full</c> writes it (the reader is on its start): the five fields of
    /// issue 2 and, when present, the structure (clause, formula, inputs by name, what a year-end step adds up), so a
    /// step read back and written again (a stored settlement in an API answer) can still be checked by <c>doudi verify</c>.
    /// A step whose formula this program does not know keeps its amount and texts only.
    /// </summary>
    public static TraceStep ReadStep(ref Utf8JsonReader r)
    {
        string step = "", rule = "", detail = "";
        string? interpretation = null, formula = null;
        decimal amount = 0m;
        Citation? clause = null;
        List<(string Name, decimal Value)>? inputs = null;
        TraceBasis? basis = null;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            string name = r.GetString()!;
            r.Read();
            switch (name)
            {
                case "step": step = r.GetString()!; break;
                case "amount": amount = r.GetDecimal(); break;
                case "rule": rule = r.GetString()!; break;
                case "detail": detail = r.GetString()!; break;
                case "interpretation": interpretation = r.TokenType == JsonTokenType.Null ? null : r.GetString(); break;
                case "clause": clause = ReadClause(ref r); break;
                case "formula": formula = r.TokenType == JsonTokenType.Null ? null : r.GetString(); break;
                case "inputs":
                    if (r.TokenType != JsonTokenType.StartObject) throw new FormatException("trace step: inputs must be an object of named numbers");
                    inputs = [];
                    while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                    {
                        string input = r.GetString()!;
                        r.Read();
                        inputs.Add((input, r.GetDecimal()));
                    }
                    break;
                case "basis": basis = ReadBasis(ref r); break;
                default: throw new FormatException($"trace step: unknown field {name}");
            }
        }
        if (formula is null || !Formulas.ByName.TryGetValue(formula, out var f) || inputs is null)
            return new TraceStep(step, amount, rule, detail, interpretation) { Basis = basis };
        Span<decimal> values = stackalloc decimal[TraceFormula.MaxInputs];
        for (int i = 0; i < f.Inputs.Count; i++)
        {
            int at = inputs.FindIndex(x => x.Name == f.Inputs[i]);
            if (at < 0) throw new FormatException($"trace step {step}: formula {formula} needs input {f.Inputs[i]}");
            values[i] = inputs[at].Value;
        }
        return new TraceStep(step, amount, rule, detail, interpretation, clause, f, values[..f.Inputs.Count]) { Basis = basis };
    }

    private static Citation? ReadClause(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.Null) return null;
        string? policy = null, article = null, document = null;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            string name = r.GetString()!;
            r.Read();
            switch (name)
            {
                case "policy": policy = r.GetString(); break;
                case "clause": article = r.GetString(); break;
                case "document": document = r.GetString(); break;
                default: throw new FormatException($"trace step clause: unknown field {name}");
            }
        }
        return new Citation(policy ?? "", document ?? "", article ?? "", null, carriedForward: false, sample: false, file: "", line: 0);
    }

    private static TraceBasis ReadBasis(ref Utf8JsonReader r)
    {
        string of = "bills", field = "", total = "";
        var entries = new List<TraceBasisEntry>();
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            string name = r.GetString()!;
            r.Read();
            switch (name)
            {
                case "of": of = r.GetString()!; break;
                case "field": field = r.GetString()!; break;
                case "total": total = r.GetString()!; break;
                case "entries":
                    while (r.Read() && r.TokenType == JsonTokenType.StartObject)
                    {
                        string id = "";
                        string? reason = null, detail = null;
                        decimal amount = 0m;
                        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                        {
                            string e = r.GetString()!;
                            r.Read();
                            switch (e)
                            {
                                case "id": id = r.GetString()!; break;
                                case "amount": amount = r.GetDecimal(); break;
                                case "reason": reason = r.GetString(); break;
                                case "detail": detail = r.GetString(); break;
                                default: throw new FormatException($"trace step basis: unknown field {e}");
                            }
                        }
                        entries.Add(new(id, amount, reason, detail));
                    }
                    break;
                default: throw new FormatException($"trace step basis: unknown field {name}");
            }
        }
        var basis = new TraceBasis(of == "persons" ? TraceBasisOf.Persons : TraceBasisOf.Bills, field, total);
        basis.Entries.AddRange(entries);
        return basis;
    }

    private static ReadResult<BillResult> Fail(List<SettlementProblem> problems, string path, string message)
    {
        problems.Add(new(path, message));
        return new ReadResult<BillResult>(null, problems);
    }
}
