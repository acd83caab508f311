using System.Text.Json;
using Doudi.Engine.Settlement;
using Doudi.Engine.Tracing;

namespace Doudi.Cases;

/// <summary>
/// Checks that a result JSON adds up (<c>doudi verify</c>): every trace step's amount is its formula over its inputs
/// and its condition holds; inputs named like a field of their result equal that field; every bill's, person-year's
/// and household-year's amounts are what their steps say (<see cref="TraceFields"/>); every amount a year-end step adds
/// up is the amount of the bill or person-year it names, and the counted ones sum to the step's input; a person-year's
/// assistance and tilted assistance are the sums of its bills. Reads results written in full or compact trace mode.
/// </summary>
/// <remarks>
/// The formulas come from the program's own vocabulary (<see cref="Formulas"/>), not from the file: a result cannot
/// make itself add up by redefining them. The first problem, in file order, is reported with its JSON path.
/// </remarks>
public static class ResultVerifier
{
    public sealed record Summary(int Bills, int Persons, int Households, int Steps);

    /// <summary>Null when everything adds up; otherwise the first problem.</summary>
    public static SettlementProblem? Verify(JsonElement root, out Summary summary)
    {
        summary = new Summary(0, 0, 0, 0);
        try
        {
            return new Run(root).Verify(out summary);
        }
        catch (Problem p)
        {
            return p.Found;
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            return new SettlementProblem("$", $"结果结构不符 (the result is not shaped as a result): {ex.Message}");
        }
    }

    public static SettlementProblem? Verify(Stream json, out Summary summary) => Verify(json, out summary, out _);

    /// <summary>
    /// As <see cref="Verify(Stream, out Summary)"/>; <paramref name="unreadable"/> tells a file that is not a JSON object
    /// at all (broken, a key given twice, an array) from a result whose steps do not add up.
    /// </summary>
    public static SettlementProblem? Verify(Stream json, out Summary summary, out bool unreadable)
    {
        summary = new Summary(0, 0, 0, 0);
        unreadable = true;
        JsonDocument doc;
        try
        {
            // A key given twice would let a result carry two amounts and be verified on the one the reader keeps.
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64, AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            return new SettlementProblem(ex.Path is { Length: > 0 } p ? p : "$", $"不是有效的 JSON (not valid JSON): {ex.Message}");
        }
        using (doc)
        {
            unreadable = doc.RootElement.ValueKind != JsonValueKind.Object;
            return Verify(doc.RootElement, out summary);
        }
    }

    private sealed class Problem(string path, string message) : Exception(message)
    {
        public SettlementProblem Found { get; } = new(path, message);
    }

    private sealed class Run(JsonElement root)
    {
        private readonly Dictionary<string, JsonElement> _bills = new(StringComparer.Ordinal);
        private readonly Dictionary<(string, int), JsonElement> _persons = new();
        private JsonElement? _citations;
        private int _steps;
        private readonly List<(string Path, string Message)> _bindings = [];

        public SettlementProblem? Verify(out Summary summary)
        {
            if (root.ValueKind != JsonValueKind.Object) throw new Problem("$", "结果应为 JSON 对象 (a result is a JSON object)");
            if (root.TryGetProperty("citations", out var c)) _citations = c;
            var bills = Array(root, "bills", "$");
            var persons = Array(root, "persons", "$");
            var households = Array(root, "households", "$");

            for (int i = 0; i < bills.GetArrayLength(); i++)
            {
                var b = bills[i];
                var id = String(b, "id", $"bills[{i}]");
                if (!_bills.TryAdd(id, b)) throw new Problem($"bills[{i}].id", $"重复的单据编号 duplicate bill id '{id}'");
            }
            for (int i = 0; i < persons.GetArrayLength(); i++)
            {
                var p = persons[i];
                var key = (String(p, "id", $"persons[{i}]"), Int(p, "year", $"persons[{i}]"));
                if (!_persons.TryAdd(key, p)) throw new Problem($"persons[{i}]", $"重复的人员年度 duplicate person-year {key.Item1} {key.Item2}");
            }

            int stepsBefore = 0;
            for (int i = 0; i < bills.GetArrayLength(); i++)
                Result(bills[i], $"bills[{i}]", TraceFields.Bill, year: null);
            for (int i = 0; i < persons.GetArrayLength(); i++)
            {
                var p = persons[i];
                string path = $"persons[{i}]";
                int year = Int(p, "year", path);
                Result(p, path, TraceFields.Person, year);
                FromBills(p, path, year);
            }
            for (int i = 0; i < households.GetArrayLength(); i++)
            {
                var h = households[i];
                Result(h, $"households[{i}]", TraceFields.Household, Int(h, "year", $"households[{i}]"));
            }
            if (_steps == stepsBefore && bills.GetArrayLength() > 0)
                throw new Problem("bills[0].trace", "结果不含计算过程，无从核对 (the result carries no trace to verify: settle with --trace full or compact)");
            summary = new Summary(bills.GetArrayLength(), persons.GetArrayLength(), households.GetArrayLength(), _steps);
            return null;
        }

        /// <summary>One bill, person-year or household-year: each step, then each field from its steps.</summary>
        private void Result(JsonElement result, string path, TraceFields.FromSteps[] fields, int? year)
        {
            if (!result.TryGetProperty("trace", out var trace)) return; // --trace none: nothing to check here
            if (trace.ValueKind != JsonValueKind.Array) throw new Problem(path + ".trace", "应为数组 (must be an array)");
            var stepNames = new string[trace.GetArrayLength()];
            var amounts = new decimal[stepNames.Length];
            _bindings.Clear();
            for (int j = 0; j < stepNames.Length; j++)
            {
                (stepNames[j], amounts[j]) = Step(result, trace[j], $"{path}.trace[{j}]", year);
                _steps++;
            }
            foreach (var field in fields)
            {
                decimal expected = 0m;
                int last = -1;
                for (int j = 0; j < stepNames.Length; j++)
                {
                    if (System.Array.IndexOf(field.Steps, stepNames[j]) < 0) continue;
                    if (field.Sum) expected += amounts[j];
                    else expected = amounts[j];
                    last = j;
                }
                // A field written only when it applies (assistanceUpstream) is absent exactly when no step sets it.
                if (last < 0 && !result.TryGetProperty(field.Field, out _)) continue;
                decimal actual = Decimal(result, field.Field, path);
                if (actual != expected)
                    throw new Problem($"{path}.{field.Field}",
                        last < 0
                            ? $"{Show(actual)} 无计算步骤支持，应为 0 (no step of {string.Join("/", field.Steps)} gives it: 0 expected)"
                            : $"{Show(actual)} 与计算步骤不符，步骤给出 {Show(expected)} (the steps give {Show(expected)}; last: {path}.trace[{last}])");
            }
            if (_bindings.Count > 0) throw new Problem(_bindings[0].Path, _bindings[0].Message);
        }

        /// <summary>Checks one step; returns its name and amount.</summary>
        private (string Name, decimal Amount) Step(JsonElement result, JsonElement step, string path, int? year)
        {
            if (step.ValueKind != JsonValueKind.Object) throw new Problem(path, "应为对象 (must be an object)");
            string name;
            string? formulaName;
            if (step.TryGetProperty("ref", out var r))
            {
                if (_citations is not { ValueKind: JsonValueKind.Array } citations || !r.TryGetInt32(out int n) || n < 0 || n >= citations.GetArrayLength())
                    throw new Problem(path + ".ref", "引用的条款不在 citations 表中 (no such entry in the citations table)");
                var entry = citations[n];
                name = String(entry, "step", $"citations[{n}]");
                formulaName = entry.TryGetProperty("formula", out var ff) && ff.ValueKind == JsonValueKind.String ? ff.GetString() : null;
            }
            else
            {
                name = String(step, "step", path);
                formulaName = step.TryGetProperty("formula", out var ff) && ff.ValueKind == JsonValueKind.String ? ff.GetString() : null;
            }
            decimal amount = Decimal(step, "amount", path);
            if (formulaName is null) throw new Problem(path + ".formula", $"步骤 {name} 没有公式，无从核对 (step has no formula to recompute)");
            if (!Formulas.ByName.TryGetValue(formulaName, out var formula))
                throw new Problem(path + ".formula", $"未知公式 unknown formula '{formulaName}'");

            if (!step.TryGetProperty("inputs", out var inputs) || inputs.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
                throw new Problem(path + ".inputs", "缺少输入 (inputs missing)");
            Span<decimal> values = stackalloc decimal[TraceFormula.MaxInputs];
            int count = 0;
            if (inputs.ValueKind == JsonValueKind.Array)
            {
                // Compact: values in the order of the formula's inputs.
                if (inputs.GetArrayLength() != formula.Inputs.Count)
                    throw new Problem(path + ".inputs", $"公式 {formula.Name} 需要 {formula.Inputs.Count} 个输入 {string.Join(", ", formula.Inputs)} (wrong number of inputs)");
                foreach (var v in inputs.EnumerateArray())
                {
                    if (v.ValueKind != JsonValueKind.Number || !v.TryGetDecimal(out values[count]))
                        throw new Problem($"{path}.inputs[{count}]", "应为数 (must be a number)");
                    count++;
                }
            }
            else foreach (var p in inputs.EnumerateObject())
            {
                int at = formula.IndexOf(p.Name);
                if (at < 0) throw new Problem($"{path}.inputs.{p.Name}", $"公式 {formula.Name} 无此输入 (not an input of {formula.Name}: {string.Join(", ", formula.Inputs)})");
                if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetDecimal(out values[at]))
                    throw new Problem($"{path}.inputs.{p.Name}", "应为数 (must be a number)");
                count++;
            }
            if (count != formula.Inputs.Count)
                throw new Problem(path + ".inputs", $"公式 {formula.Name} 需要输入 {string.Join(", ", formula.Inputs)} (inputs missing)");

            decimal expected;
            bool holds;
            try
            {
                expected = formula.Evaluate(values);
                holds = formula.Holds(values);
            }
            catch (Exception ex) when (ex is OverflowException or DivideByZeroException)
            {
                throw new Problem(path + ".inputs", $"公式 {formula.Name} 无法计算 (cannot be evaluated): {ex.Message}");
            }
            if (amount != expected)
                throw new Problem(path + ".amount",
                    $"{name} 金额 {Show(amount)} 不等于 {formula.Name} = {formula.Expression} 的结果 {Show(expected)} (amount does not add up)");
            if (!holds)
                throw new Problem(path + ".inputs", $"{name} 的条件 {formula.Condition} 不成立 (the step's condition does not hold)");

            // Inputs named like a field of the result that holds the step must be that field (checked after the fields
            // themselves, so a changed field is reported as such rather than through a step that uses it).
            for (int i = 0; i < formula.Inputs.Count; i++)
                if (result.TryGetProperty(formula.Inputs[i], out var field) && field.ValueKind == JsonValueKind.Number
                    && field.GetDecimal() != values[i])
                    _bindings.Add(($"{path}.inputs.{formula.Inputs[i]}",
                        $"{Show(values[i])} 与本结果的 {formula.Inputs[i]} {Show(field.GetDecimal())} 不符 (differs from the result's own field)"));

            if (step.TryGetProperty("basis", out var basis) && basis.ValueKind != JsonValueKind.Null)
                Basis(basis, path + ".basis", formula, values, year);
            return (name, amount);
        }

        /// <summary>What a year-end step adds up: each entry is the amount of the result it names; counted ones sum to the total input.</summary>
        private void Basis(JsonElement basis, string path, TraceFormula formula, ReadOnlySpan<decimal> values, int? year)
        {
            string of = String(basis, "of", path);
            string field = String(basis, "field", path);
            string total = String(basis, "total", path);
            // A step that only lists what it left out (nothing counted) needs no total among its inputs.
            int at = formula.IndexOf(total);
            var entries = Array(basis, "entries", path);
            decimal sum = 0m;
            for (int k = 0; k < entries.GetArrayLength(); k++)
            {
                var e = entries[k];
                string ep = $"{path}.entries[{k}]";
                string id = String(e, "id", ep);
                decimal amount = Decimal(e, "amount", ep);
                JsonElement target;
                if (of == "bills")
                {
                    if (!_bills.TryGetValue(id, out target)) throw new Problem(ep + ".id", $"结果中无此单据 no bill '{id}' in the result");
                }
                else if (of == "persons")
                {
                    if (year is not { } y || !_persons.TryGetValue((id, y), out target))
                        throw new Problem(ep + ".id", $"结果中无此人员年度 no person-year '{id}' {year} in the result");
                }
                else throw new Problem(path + ".of", $"未知的 of '{of}' (bills or persons)");
                decimal actual = Decimal(target, field, ep);
                if (actual != amount)
                    throw new Problem(ep + ".amount", $"{Show(amount)} 与 {id} 的 {field} {Show(actual)} 不符 (differs from the {field} of {id})");
                bool counted = !e.TryGetProperty("reason", out var reason) || reason.ValueKind == JsonValueKind.Null;
                if (counted) sum += amount;
            }
            if (at < 0)
            {
                if (sum != 0m || CountsAny(entries))
                    throw new Problem(path + ".total", $"'{total}' 不是公式 {formula.Name} 的输入 (not an input of the formula)");
                return;
            }
            if (sum != values[at])
                throw new Problem($"{path[..^".basis".Length]}.inputs.{total}",
                    $"{Show(values[at])} 不等于所列计入项合计 {Show(sum)} (is not the sum of the counted entries)");
        }

        private static bool CountsAny(JsonElement entries)
        {
            foreach (var e in entries.EnumerateArray())
                if (!e.TryGetProperty("reason", out var r) || r.ValueKind == JsonValueKind.Null) return true;
            return false;
        }

        /// <summary>A person-year's assistance and tilted assistance are the sums of its bills of the year.</summary>
        private void FromBills(JsonElement person, string path, int year)
        {
            if (_billSums is null)
            {
                // Once: each person-year's sums over its bills (not a pass over the bills per person).
                _billSums = new();
                foreach (var b in _bills.Values)
                {
                    var key = (b.GetProperty("person").GetString()!, int.Parse(b.GetProperty("date").GetString().AsSpan(0, 4)));
                    if (!_billSums.TryGetValue(key, out var sums)) _billSums[key] = sums = new decimal[TraceFields.PersonFromBills.Length];
                    for (int f = 0; f < sums.Length; f++) sums[f] += b.GetProperty(TraceFields.PersonFromBills[f].BillField).GetDecimal();
                }
            }
            string id = String(person, "id", path);
            var found = _billSums.GetValueOrDefault((id, year)) ?? new decimal[TraceFields.PersonFromBills.Length];
            for (int f = 0; f < found.Length; f++)
            {
                var field = TraceFields.PersonFromBills[f];
                decimal actual = Decimal(person, field.Field, path);
                if (actual != found[f])
                    throw new Problem($"{path}.{field.Field}", $"{Show(actual)} 不等于该年度各单 {field.BillField} 合计 {Show(found[f])} (is not the sum of the person's bills of the year)");
            }
        }

        private Dictionary<(string, int), decimal[]>? _billSums;

        private static JsonElement Array(JsonElement e, string name, string path)
        {
            if (!e.TryGetProperty(name, out var a) || a.ValueKind != JsonValueKind.Array)
                throw new Problem(path == "$" ? name : $"{path}.{name}", "缺少或不是数组 (missing or not an array)");
            return a;
        }

        private static string String(JsonElement e, string name, string path)
        {
            if (!e.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String)
                throw new Problem($"{path}.{name}", "缺少或不是字符串 (missing or not a string)");
            return v.GetString()!;
        }

        private static int Int(JsonElement e, string name, string path)
        {
            if (!e.TryGetProperty(name, out var v) || !v.TryGetInt32(out int n))
                throw new Problem($"{path}.{name}", "缺少或不是整数 (missing or not an integer)");
            return n;
        }

        private static decimal Decimal(JsonElement e, string name, string path)
        {
            if (!e.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetDecimal(out var d))
                throw new Problem($"{path}.{name}", "缺少或不是数 (missing or not a number)");
            return d;
        }

        private static string Show(decimal d) => TraceStep.Show(d);
    }
}
