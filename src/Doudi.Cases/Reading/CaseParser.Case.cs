using System.Text.Json;
using Doudi.Cases.Json;
using Doudi.Engine.Cases;

namespace Doudi.Cases.Reading;

internal sealed partial class CaseParser
{
    private static readonly (int, string)[] CaseRequired = [(1, "region"), (2, "persons"), (4, "bills")];

    /// <summary>Reads a whole case file; checks ids and references across persons and bills once everything is read.</summary>
    public CaseFile? ReadCase(ref JsonCursor c)
    {
        if (c.IsBlank || !c.Read()) { Problem(null, CaseMessages.Empty); return null; }
        if (c.TokenType != JsonTokenType.StartObject) { Wrong(ref c, null, CaseMessages.NotObject(Shown(ref c))); return null; }
        int seen = 0;
        string? region = null;
        var persons = new List<Person>();
        var bills = new List<Bill>();
        var personIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var unresolved = new List<(int Bill, string Person)>();
        UsePersonDirectory(personIds);
        while (NextField(ref c, out var name))
        {
            switch (name)
            {
                case "region":
                    if (First(ref c, ref seen, 1, name) && ReadId(ref c, "region", out var value)) region = value;
                    break;
                case "persons":
                    if (First(ref c, ref seen, 2, name)) ReadPersons(ref c, persons, personIds);
                    break;
                case "bills":
                    if (First(ref c, ref seen, 4, name)) ReadBills(ref c, bills, unresolved);
                    break;
                default:
                    UnknownField(ref c, name);
                    break;
            }
        }
        RequireFields(seen, CaseRequired);
        // A value after the document's end makes the reader throw here, as broken JSON.
        c.Read();

        // Bills may come before persons in a file; whatever did not match while reading is checked now.
        foreach (var (bill, person) in unresolved)
        {
            if (personIds.ContainsKey(person)) continue;
            _path.PushName("bills");
            _path.PushIndex(bill);
            Problem("person", CaseMessages.UnknownPerson(Quote(person)));
            _path.Pop();
            _path.Pop();
        }
        return _problems.Count == 0 && region is not null ? new CaseFile(region, persons, bills) : null;
    }

    private void ReadPersons(ref JsonCursor c, List<Person> persons, Dictionary<string, int> personIds)
    {
        if (c.TokenType != JsonTokenType.StartArray) { Wrong(ref c, "persons", CaseMessages.NotArray(Shown(ref c))); return; }
        _path.PushName("persons");
        _path.PushIndex(0);
        for (int i = 0; c.Read() && c.TokenType != JsonTokenType.EndArray; i++)
        {
            _path.SetIndex(i);
            var person = ReadPerson(ref c, out var id);
            if (id is not null && !personIds.TryAdd(id, i))
                Problem("id", CaseMessages.DuplicateId(Quote(id), JsonPath.Element("persons", personIds[id])));
            else if (person is not null) persons.Add(person);
        }
        _path.Pop();
        _path.Pop();
    }

    private void ReadBills(ref JsonCursor c, List<Bill> bills, List<(int, string)> unresolved)
    {
        if (c.TokenType != JsonTokenType.StartArray) { Wrong(ref c, "bills", CaseMessages.NotArray(Shown(ref c))); return; }
        var billIds = new Dictionary<string, int>(StringComparer.Ordinal);
        _path.PushName("bills");
        _path.PushIndex(0);
        for (int i = 0; c.Read() && c.TokenType != JsonTokenType.EndArray; i++)
        {
            _path.SetIndex(i);
            var bill = ReadBill(ref c, out var id, out var person, out bool personKnown);
            if (person is not null && !personKnown) unresolved.Add((i, person));
            if (id is not null && !billIds.TryAdd(id, i))
                Problem("id", CaseMessages.DuplicateId(Quote(id), JsonPath.Element("bills", billIds[id])));
            else if (bill is not null) bills.Add(bill);
        }
        _path.Pop();
        _path.Pop();
    }
}
