using System.Text.Json;
using Doudi.Cases.Json;
using Doudi.Engine.Cases;

namespace Doudi.Cases.Reading;

internal sealed partial class CaseParser
{
    private static readonly (int, string)[] CaseRequired = [(1, "region"), (2, "persons"), (4, "bills")];

    /// <summary>Reads a whole case file; checks ids and references across persons and bills once everything is read.</summary>
    public CaseFile? ReadCase(ref JsonCursor c) => ReadCase(ref c, null);

    /// <summary>
    /// Reads a case file; with a <paramref name="sink"/>, hands it each bill as soon as it is read (once the region and
    /// persons are known, as long as no problem was found) instead of keeping it. Bills read before the region and the
    /// persons are kept and handed over at the end. The returned file then has no bills.
    /// </summary>
    public CaseFile? ReadCase(ref JsonCursor c, ICaseSink? sink)
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
                    if (!First(ref c, ref seen, 4, name)) break;
                    // Streamed only when what the bills refer to is known already.
                    bool stream = sink is not null && region is not null && (seen & 2) != 0 && _problems.Count == 0;
                    if (stream) sink!.Start(region!, persons);
                    ReadBills(ref c, bills, unresolved, stream ? sink : null);
                    if (stream) sink = null; // handed over
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
        if (_problems.Count > 0 || region is null) return null;
        if (sink is not null)
        {
            sink.Start(region, persons);
            for (int i = 0; i < bills.Count; i++) sink.Bill(bills[i], i);
            bills.Clear();
        }
        return new CaseFile(region, persons, bills);
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

    private void ReadBills(ref JsonCursor c, List<Bill> bills, List<(int, string)> unresolved, ICaseSink? sink)
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
            else if (bill is null) { }
            else if (sink is null) bills.Add(bill);
            // A bill naming a person the file lacks is a problem found at the end; nothing is handed over after a problem.
            else if (personKnown && _problems.Count == 0) sink.Bill(bill, i);
        }
        _path.Pop();
        _path.Pop();
    }
}
