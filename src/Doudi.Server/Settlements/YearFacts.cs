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
/// basicPaid;supplementaryPaid;reasonableOutOfPolicy;excluded;flags;items</c>, flags 'd' designated and 'r' referred,
/// items <c>kind:class:inCatalog(1|0):amount</c> separated by ','. A version other than 1 is refused, never guessed.
/// </remarks>
public static class YearFacts
{
    private const char Sep = ';';

    /// <summary>The statement that stores a settlement's year facts (to append to the settlement's batch).</summary>
    public const string Sql = ";INSERT INTO settlement_year_facts (settlement_id, person_id, region, year, facts) VALUES (@id, @p, @r, @y, @yf_facts)";

    public static (string, object?)[] Parameters(Bill bill, BillResult result) => [("yf_facts", Write(bill, result))];

    public static string Write(Bill bill, BillResult r)
    {
        var s = new StringBuilder(128);
        s.Append('1').Append(Sep).Append(bill.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(Sep).Append(r.Policy).Append(Sep)
            .Append(r.Category is { } c ? Codes.ToCode(c) : "").Append(Sep);
        foreach (var d in new[] { r.Assistance, r.Tilted, r.PersonalBurden, r.ReasonableBurden, r.CriticalIllness })
            s.Append(d.ToString(CultureInfo.InvariantCulture)).Append(Sep);
        s.Append(Codes.ToCode(bill.Kind)).Append(Sep);
        foreach (var d in new[] { bill.Total, bill.InPolicy, bill.BasicPaid, bill.SupplementaryPaid, bill.ReasonableOutOfPolicy })
            s.Append(d.ToString(CultureInfo.InvariantCulture)).Append(Sep);
        s.Append(Codes.ToCode(bill.Excluded)).Append(Sep);
        if (bill.Designated) s.Append('d');
        if (bill.Referred) s.Append('r');
        s.Append(Sep);
        for (int i = 0; i < bill.Items.Count; i++)
        {
            var it = bill.Items[i];
            if (i > 0) s.Append(',');
            s.Append(Codes.ToCode(it.Kind)).Append(':').Append(Codes.ToCode(it.Class)).Append(':').Append(it.InCatalog ? '1' : '0').Append(':')
                .Append(it.Amount.ToString(CultureInfo.InvariantCulture));
        }
        return s.ToString();
    }

    /// <summary>The bill and result the year-end rules see (the result without its trace: the bill's steps are in its settlement).</summary>
    public static (Bill Bill, BillResult Result) Read(string settlementId, string personId, string facts)
    {
        var f = facts.Split(Sep);
        if (f.Length != 18 || f[0] != "1") throw new FormatException($"settlement {settlementId}: year facts of an unknown shape");
        var date = DateOnly.ParseExact(f[1], "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var result = new BillResult
        {
            Id = settlementId, Person = personId, Date = date, Policy = f[2],
            Category = f[3].Length == 0 ? null : Code<Category>(f[3], settlementId),
            Assistance = Dec(f[4]), Tilted = Dec(f[5]), PersonalBurden = Dec(f[6]), ReasonableBurden = Dec(f[7]), CriticalIllness = Dec(f[8]),
        };
        var items = new List<Item>();
        if (f[17].Length > 0)
            foreach (var part in f[17].Split(','))
            {
                var x = part.Split(':');
                items.Add(new Item(Code<ItemKind>(x[0], settlementId), Code<ItemClass>(x[1], settlementId), x[2] == "1", Dec(x[3])));
            }
        var bill = new Bill
        {
            Id = settlementId, Person = personId, Date = date, Kind = Code<BillKind>(f[9], settlementId),
            Total = Dec(f[10]), InPolicy = Dec(f[11]), BasicPaid = Dec(f[12]), SupplementaryPaid = Dec(f[13]), ReasonableOutOfPolicy = Dec(f[14]),
            Excluded = Code<Exclusion>(f[15], settlementId), Designated = f[16].Contains('d'), Referred = f[16].Contains('r'),
            Items = items,
        };
        return (bill, result);
    }

    private static decimal Dec(string s) => decimal.Parse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);

    private static T Code<T>(string code, string id) where T : struct, Enum =>
        Codes.TryParse<T>(code, out var v) ? v : throw new FormatException($"settlement {id}: unknown {typeof(T).Name} '{code}' in its year facts");
}
