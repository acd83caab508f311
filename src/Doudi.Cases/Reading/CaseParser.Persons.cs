using System.Text.Json;
using Doudi.Cases.Json;
using Doudi.Engine.Cases;
using Doudi.Policy.Vocabulary;

namespace Doudi.Cases.Reading;

internal sealed partial class CaseParser
{
    private static readonly (int, string)[] PersonRequired = [(1, "id"), (4, "insurance"), (8, "identities")];
    private static readonly (int, string)[] IdentityRequired = [(1, "category"), (2, "recognized")];

    /// <summary>
    /// Reads a person object. <paramref name="id"/> is its id whenever that much was readable, so that
    /// bills can still be matched to a person whose other fields have problems.
    /// </summary>
    public Person? ReadPerson(ref JsonCursor c, out string? id)
    {
        id = null;
        if (c.TokenType != JsonTokenType.StartObject) { Wrong(ref c, null, CaseMessages.NotObject(Shown(ref c))); return null; }
        int before = _problems.Count, seen = 0;
        string? household = null;
        InsuranceType insurance = default;
        List<Identity> identities = [];
        while (NextField(ref c, out var name))
        {
            switch (name)
            {
                case "id":
                    if (First(ref c, ref seen, 1, name) && ReadId(ref c, "id", out var value)) id = value;
                    break;
                case "household":
                    if (First(ref c, ref seen, 2, name) && ReadId(ref c, "household", out var h)) household = h;
                    break;
                case "insurance":
                    if (First(ref c, ref seen, 4, name)) ReadCode(ref c, "insurance", CaseCodes.Insurance, nullable: false, out insurance);
                    break;
                case "identities":
                    if (First(ref c, ref seen, 8, name)) ReadIdentities(ref c, identities);
                    break;
                default:
                    UnknownField(ref c, name);
                    break;
            }
        }
        RequireFields(seen, PersonRequired);
        if (_problems.Count != before || id is null) return null;
        // household defaults to the person's own id: a person alone is a household of one.
        return new Person(id, household ?? id, insurance, identities);
    }

    private void ReadIdentities(ref JsonCursor c, List<Identity> identities)
    {
        if (c.TokenType != JsonTokenType.StartArray) { Wrong(ref c, "identities", CaseMessages.NotArray(Shown(ref c))); return; }
        _path.PushName("identities");
        _path.PushIndex(0);
        for (int i = 0; c.Read() && c.TokenType != JsonTokenType.EndArray; i++)
        {
            _path.SetIndex(i);
            if (ReadIdentity(ref c) is { } identity) identities.Add(identity);
        }
        _path.Pop();
        _path.Pop();
    }

    private Identity? ReadIdentity(ref JsonCursor c)
    {
        if (c.TokenType != JsonTokenType.StartObject) { Wrong(ref c, null, CaseMessages.NotObject(Shown(ref c))); return null; }
        int before = _problems.Count, seen = 0;
        Category category = default;
        DateOnly recognized = default;
        DateOnly? revoked = null;
        bool forMedicalSpending = false;
        bool recognizedOk = false, revokedOk = false;
        while (NextField(ref c, out var name))
        {
            switch (name)
            {
                case "category":
                    if (First(ref c, ref seen, 1, name)) ReadCode(ref c, "category", CaseCodes.Category, nullable: false, out category);
                    break;
                case "recognized":
                    if (First(ref c, ref seen, 2, name)) recognizedOk = ReadDate(ref c, "recognized", out recognized);
                    break;
                case "revoked":
                    if (First(ref c, ref seen, 4, name)) revokedOk = ReadNullableDate(ref c, "revoked", out revoked);
                    break;
                case "forMedicalSpending":
                    if (First(ref c, ref seen, 8, name)) ReadBool(ref c, "forMedicalSpending", out forMedicalSpending);
                    break;
                default:
                    UnknownField(ref c, name);
                    break;
            }
        }
        RequireFields(seen, IdentityRequired);
        if (recognizedOk && revokedOk && revoked < recognized)
            Problem("revoked", CaseMessages.RevokedBeforeRecognized(Quote(revoked.Value.ToString("yyyy-MM-dd")), Quote(recognized.ToString("yyyy-MM-dd"))));
        return _problems.Count == before ? new Identity(category, recognized, revoked, forMedicalSpending) : null;
    }
}
