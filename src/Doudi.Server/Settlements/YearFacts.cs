using System.Globalization;
using System.Text;
using Doudi.Engine.Cases;
using Doudi.Engine.Results;
using Doudi.Policy.Vocabulary;

namespace Doudi.Server.Settlements;

/// <summary>
/// What the year-end rules read of a settled bill, stored beside it (<c>settlement_year_facts</c>, written in the
/// settlement's statement) so a city's year-end run reads a line of about a hundred bytes per bill instead of parsing
/// its bill and its result with the whole trace (3,000,000 bills: ~10 GB of JSON). The rules read: the bill's date,
/// exclusion, designation, referral, in-policy cost, basic and supplementary payments, the expert-admitted
/// out-of-catalogue cost and its items (jiande's negative list); of the result: the category and the tier amounts.
/// The full bill, result and trace stay in <c>settlements</c> (a person's bills are shown from there).
/// </summary>
/// <remarks>
/// One line, fields separated by ';' (codes and invariant decimals, whose scale is kept so traces print the same):
/// <c>1;date;policy;category;assistance;tilted;personalBurden;reasonableBurden;criticalIllness;kind;total;inPolicy;
/// basicPaid;supplementaryPaid;reasonableOutOfPolicy;excluded;flags;items</c>, flags 'd' designated, 'r' referred and 'e' emergency (which lifts the non-designated exclusion where the policy says so, P-8),
/// items <c>kind:class:inCatalog(1|0):amount</c> separated by ','. A version other than 1 is refused, never guessed.
/// </remarks>
public static class YearFacts
{
    private const char Sep = ';';

    /// <summary>The statement that stores a settlement's year facts (to send with the settlement's writes).</summary>
    public const string InsertSql = "INSERT INTO settlement_year_facts (settlement_id, person_id, region, year, facts) VALUES (@id, @p, @r, @y, @yf_facts)";

    public static (string, object?)[] Parameters(Bill bill, BillResult result) => [("yf_facts", Write(bill, result))];

    public static string Write(Bill bill, BillResult r)
    {
        // One builder per thread and amounts formatted into it (invariant culture), not each into a string of its own.
        var s = t_builder ??= new StringBuilder(256);
        s.Clear();
        var inv = CultureInfo.InvariantCulture;
        s.Append('1').Append(Sep).Append(inv, $"{bill.Date:yyyy-MM-dd}").Append(Sep).Append(r.Policy).Append(Sep)
            .Append(r.Category is { } c ? Codes.ToCode(c) : "").Append(Sep);
        s.Append(inv, $"{r.Assistance}").Append(Sep).Append(inv, $"{r.Tilted}").Append(Sep).Append(inv, $"{r.PersonalBurden}").Append(Sep)
            .Append(inv, $"{r.ReasonableBurden}").Append(Sep).Append(inv, $"{r.CriticalIllness}").Append(Sep);
        s.Append(Codes.ToCode(bill.Kind)).Append(Sep);
        s.Append(inv, $"{bill.Total}").Append(Sep).Append(inv, $"{bill.InPolicy}").Append(Sep).Append(inv, $"{bill.BasicPaid}").Append(Sep)
            .Append(inv, $"{bill.SupplementaryPaid}").Append(Sep).Append(inv, $"{bill.ReasonableOutOfPolicy}").Append(Sep);
        s.Append(Codes.ToCode(bill.Excluded)).Append(Sep);
        if (bill.Designated) s.Append('d');
        if (bill.Referred) s.Append('r');
        if (bill.Emergency) s.Append('e');
        s.Append(Sep);
        for (int i = 0; i < bill.Items.Count; i++)
        {
            var it = bill.Items[i];
            if (i > 0) s.Append(',');
            s.Append(Codes.ToCode(it.Kind)).Append(':').Append(Codes.ToCode(it.Class)).Append(':').Append(it.InCatalog ? '1' : '0').Append(':')
                .Append(inv, $"{it.Amount}");
        }
        return s.ToString();
    }

    [ThreadStatic] private static StringBuilder? t_builder;

    /// <summary>The bill and result the year-end rules see (the result without its trace: the bill's steps are in its settlement).</summary>
    /// <remarks>Read field by field off the line, without splitting it: a city's run reads three million of them.</remarks>
    public static (Bill Bill, BillResult Result) Read(string settlementId, string personId, string facts)
    {
        var rest = facts.AsSpan();
        if (!Next(ref rest, settlementId).SequenceEqual("1")) throw Bad(settlementId);
        var date = DateOnly.ParseExact(Next(ref rest, settlementId), "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var policy = Next(ref rest, settlementId).ToString();
        var category = Next(ref rest, settlementId);
        var result = new BillResult
        {
            Id = settlementId, Person = personId, Date = date, Policy = policy,
            Category = category.IsEmpty ? null : Code<Category>(category, settlementId),
            Assistance = Dec(Next(ref rest, settlementId)), Tilted = Dec(Next(ref rest, settlementId)), PersonalBurden = Dec(Next(ref rest, settlementId)), ReasonableBurden = Dec(Next(ref rest, settlementId)), CriticalIllness = Dec(Next(ref rest, settlementId)),
        };
        var kind = Code<BillKind>(Next(ref rest, settlementId), settlementId);
        decimal total = Dec(Next(ref rest, settlementId)), inPolicy = Dec(Next(ref rest, settlementId)), basic = Dec(Next(ref rest, settlementId)), supplementary = Dec(Next(ref rest, settlementId)), admitted = Dec(Next(ref rest, settlementId));
        var excluded = Code<Exclusion>(Next(ref rest, settlementId), settlementId);
        var flags = Next(ref rest, settlementId);
        if (rest.Contains(Sep)) throw Bad(settlementId);
        var items = new List<Item>();
        while (!rest.IsEmpty)
        {
            int end = rest.IndexOf(',');
            var part = end < 0 ? rest : rest[..end];
            rest = end < 0 ? default : rest[(end + 1)..];
            int a = part.IndexOf(':'), b = a < 0 ? -1 : part[(a + 1)..].IndexOf(':') + a + 1, c = b <= a ? -1 : part[(b + 1)..].IndexOf(':') + b + 1;
            if (a < 0 || b <= a || c <= b) throw Bad(settlementId);
            items.Add(new Item(Code<ItemKind>(part[..a], settlementId), Code<ItemClass>(part[(a + 1)..b], settlementId), part[(b + 1)..c].SequenceEqual("1"), Dec(part[(c + 1)..])));
        }
        var bill = new Bill
        {
            Id = settlementId, Person = personId, Date = date, Kind = kind,
            Total = total, InPolicy = inPolicy, BasicPaid = basic, SupplementaryPaid = supplementary, ReasonableOutOfPolicy = admitted,
            Excluded = excluded, Designated = flags.Contains('d'), Referred = flags.Contains('r'), Emergency = flags.Contains('e'),
            Items = items,
        };
        return (bill, result);
    }

    private static ReadOnlySpan<char> Next(ref ReadOnlySpan<char> rest, string id)
    {
        int at = rest.IndexOf(Sep);
        if (at < 0) throw Bad(id);
        var field = rest[..at];
        rest = rest[(at + 1)..];
        return field;
    }

    private static FormatException Bad(string id) => new($"settlement {id}: year facts of an unknown shape");

    private static decimal Dec(ReadOnlySpan<char> s) => decimal.Parse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);

    private static T Code<T>(ReadOnlySpan<char> code, string id) where T : struct, Enum
    {
        var names = CodeNames<T>.Names;
        for (int i = 0; i < names.Length; i++)
            if (code.SequenceEqual(names[i])) return CodeNames<T>.Values[i];
        throw new FormatException($"settlement {id}: unknown {typeof(T).Name} '{code}' in its year facts");
    }

    private static class CodeNames<T> where T : struct, Enum
    {
        public static readonly T[] Values = Enum.GetValues<T>();
        public static readonly string[] Names = Values.Select(v => Codes.ToCode(v)).ToArray();
    }
}
