using System.Globalization;

namespace Doudi.Engine.Tracing;

/// <summary>
/// How a trace step's amount follows from its named inputs, as a small expression a program can evaluate:
/// <c>round2(ratio * base)</c>. A formula may also state the condition the step relied on (<c>value &lt; line</c> for
/// "below the line, nothing paid"), which holds for every step that uses it.
/// </summary>
/// <remarks>
/// The engine computes amounts with its own code; <c>doudi verify</c> recomputes each step from its inputs with the
/// formula named in the result, so the two must agree on every bill (a test runs every case through both).
/// Formulas are made once (see <see cref="Formulas"/>) and shared by every step: a step holds a reference and its
/// input values, never a dictionary of names.
/// <para>
/// Grammar: numbers; input names; <c>+ - * /</c>; unary minus; parentheses; <c>min(a, b, …)</c>, <c>max(a, b, …)</c>,
/// <c>round2(x)</c> (to the fen, half away from zero: I-4); comparisons <c>&lt; &lt;= &gt; &gt;= == !=</c>, and
/// <c>and</c>, <c>or</c>, <c>not(x)</c> (true is 1, false is 0). Everything is <c>decimal</c>.
/// </para>
/// </remarks>
public sealed class TraceFormula
{
    private readonly Node _expression;
    private readonly Node? _condition;

    /// <param name="name">snake_case name written in results (<c>ratio_of_base</c>)</param>
    /// <param name="expression">the amount, over <paramref name="inputs"/></param>
    /// <param name="inputs">the input names, in the order the step stores their values (at most <see cref="MaxInputs"/>)</param>
    /// <param name="condition">what must hold for the step to apply, or null</param>
    public TraceFormula(string name, string expression, string[] inputs, string? condition = null)
    {
        if (inputs.Length > MaxInputs) throw new ArgumentException($"formula {name}: at most {MaxInputs} inputs", nameof(inputs));
        if (inputs.Distinct(StringComparer.Ordinal).Count() != inputs.Length) throw new ArgumentException($"formula {name}: duplicate input name", nameof(inputs));
        Name = name; Expression = expression; Condition = condition; Inputs = inputs;
        _expression = new Parser(expression, inputs, name).Parse();
        _condition = condition is null ? null : new Parser(condition, inputs, name).Parse();
    }

    /// <summary>A step stores this many input values inline (no array per step).</summary>
    public const int MaxInputs = 6;

    public string Name { get; }
    public string Expression { get; }
    public string? Condition { get; }
    public IReadOnlyList<string> Inputs { get; }

    /// <summary>The amount the formula gives for these input values (in <see cref="Inputs"/> order).</summary>
    public decimal Evaluate(ReadOnlySpan<decimal> inputs) => _expression.Eval(inputs);

    /// <summary>Whether the condition holds (true when there is none).</summary>
    public bool Holds(ReadOnlySpan<decimal> inputs) => _condition is null || _condition.Eval(inputs) != 0m;

    /// <summary>The index of an input name, or −1.</summary>
    public int IndexOf(string input)
    {
        for (int i = 0; i < Inputs.Count; i++)
            if (string.Equals(Inputs[i], input, StringComparison.Ordinal)) return i;
        return -1;
    }

    public override string ToString() => Condition is null ? $"{Name} = {Expression}" : $"{Name} = {Expression} when {Condition}";

    private abstract class Node
    {
        public abstract decimal Eval(ReadOnlySpan<decimal> inputs);
    }

    private sealed class Constant(decimal value) : Node
    {
        public override decimal Eval(ReadOnlySpan<decimal> inputs) => value;
    }

    private sealed class Input(int index) : Node
    {
        public override decimal Eval(ReadOnlySpan<decimal> inputs) => inputs[index];
    }

    private sealed class Unary(char op, Node x) : Node
    {
        public override decimal Eval(ReadOnlySpan<decimal> inputs) => op == '-' ? -x.Eval(inputs) : x.Eval(inputs) == 0m ? 1m : 0m;
    }

    private sealed class Binary(string op, Node a, Node b) : Node
    {
        public override decimal Eval(ReadOnlySpan<decimal> inputs)
        {
            decimal x = a.Eval(inputs);
            // and / or short-circuit like the reader expects
            if (op == "and") return x != 0m && b.Eval(inputs) != 0m ? 1m : 0m;
            if (op == "or") return x != 0m || b.Eval(inputs) != 0m ? 1m : 0m;
            decimal y = b.Eval(inputs);
            return op switch
            {
                "+" => x + y,
                "-" => x - y,
                "*" => x * y,
                "/" => x / y,
                "<" => x < y ? 1m : 0m,
                "<=" => x <= y ? 1m : 0m,
                ">" => x > y ? 1m : 0m,
                ">=" => x >= y ? 1m : 0m,
                "==" => x == y ? 1m : 0m,
                "!=" => x != y ? 1m : 0m,
                _ => throw new InvalidOperationException(op),
            };
        }
    }

    private sealed class Call(string function, Node[] args) : Node
    {
        public override decimal Eval(ReadOnlySpan<decimal> inputs)
        {
            switch (function)
            {
                case "round2": return Math.Round(args[0].Eval(inputs), 2, MidpointRounding.AwayFromZero);
                case "not": return args[0].Eval(inputs) == 0m ? 1m : 0m;
            }
            decimal r = args[0].Eval(inputs);
            for (int i = 1; i < args.Length; i++)
            {
                decimal v = args[i].Eval(inputs);
                r = function == "min" ? Math.Min(r, v) : Math.Max(r, v);
            }
            return r;
        }
    }

    /// <summary>Recursive descent: or → and → comparison → sum → product → unary → primary.</summary>
    private sealed class Parser(string text, string[] names, string formula)
    {
        private int _at;

        public Node Parse()
        {
            var n = Or();
            Skip();
            if (_at != text.Length) throw Error("unexpected text");
            return n;
        }

        private Node Or()
        {
            var n = And();
            while (Word("or")) n = new Binary("or", n, And());
            return n;
        }

        private Node And()
        {
            var n = Comparison();
            while (Word("and")) n = new Binary("and", n, Comparison());
            return n;
        }

        private Node Comparison()
        {
            var n = Sum();
            foreach (var op in (string[])["<=", ">=", "==", "!=", "<", ">"])
                if (Symbol(op)) return new Binary(op, n, Sum());
            return n;
        }

        private Node Sum()
        {
            var n = Product();
            while (true)
            {
                if (Symbol("+")) n = new Binary("+", n, Product());
                else if (Symbol("-")) n = new Binary("-", n, Product());
                else return n;
            }
        }

        private Node Product()
        {
            var n = UnaryMinus();
            while (true)
            {
                if (Symbol("*")) n = new Binary("*", n, UnaryMinus());
                else if (Symbol("/")) n = new Binary("/", n, UnaryMinus());
                else return n;
            }
        }

        private Node UnaryMinus() => Symbol("-") ? new Unary('-', UnaryMinus()) : Primary();

        private Node Primary()
        {
            Skip();
            if (Symbol("("))
            {
                var n = Or();
                if (!Symbol(")")) throw Error("')' expected");
                return n;
            }
            int start = _at;
            if (_at < text.Length && (char.IsAsciiDigit(text[_at]) || text[_at] == '.'))
            {
                while (_at < text.Length && (char.IsAsciiDigit(text[_at]) || text[_at] == '.')) _at++;
                return new Constant(decimal.Parse(text.AsSpan(start, _at - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture));
            }
            while (_at < text.Length && (char.IsAsciiLetterOrDigit(text[_at]) || text[_at] == '_')) _at++;
            if (_at == start) throw Error("a number, an input name or a function expected");
            string word = text[start.._at];
            if (Symbol("("))
            {
                if (word is not ("min" or "max" or "round2" or "not")) throw Error($"unknown function '{word}'");
                var args = new List<Node> { Or() };
                while (Symbol(",")) args.Add(Or());
                if (!Symbol(")")) throw Error("')' expected");
                if (word is "round2" or "not" ? args.Count != 1 : args.Count < 2) throw Error($"wrong number of arguments to {word}");
                return new Call(word, args.ToArray());
            }
            int index = Array.IndexOf(names, word);
            if (index < 0) throw Error($"'{word}' is not an input");
            return new Input(index);
        }

        private bool Word(string word)
        {
            Skip();
            if (string.CompareOrdinal(text, _at, word, 0, word.Length) != 0) return false;
            int end = _at + word.Length;
            if (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_')) return false;
            _at = end;
            return true;
        }

        private bool Symbol(string symbol)
        {
            Skip();
            if (string.CompareOrdinal(text, _at, symbol, 0, symbol.Length) != 0) return false;
            _at += symbol.Length;
            return true;
        }

        private void Skip()
        {
            while (_at < text.Length && char.IsWhiteSpace(text[_at])) _at++;
        }

        private ArgumentException Error(string message) => new($"formula {formula}: {message} at {_at} in '{text}'");
    }
}
