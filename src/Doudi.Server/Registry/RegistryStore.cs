using System.Data.Common;
using Doudi.Policy.Vocabulary;
using Doudi.Server.Storage;

namespace Doudi.Server.Registry;

/// <summary>Reads and writes persons, households and identities inside a caller's connection and transaction.</summary>
public static class RegistryStore
{
    public const string PersonColumns = "id, id_number, psn_no, name, household_id, insurance, region, township, insurance_tier";

    public static PersonRecord MapPerson(DbDataReader r)
    {
        Codes.TryParse<InsuranceType>(r.S("insurance"), out var ins);
        return new(r.S("id"), r.S("id_number"), r.Str("psn_no"), r.S("name"), r.S("household_id"), ins, r.S("region"), r.Str("township"))
        {
            Tier = Codes.TryParse<Doudi.Policy.Prevention.InsuranceTier>(r.Str("insurance_tier"), out var tier) ? tier : null,
        };
    }

    public static IdentityRecord MapIdentity(DbDataReader r)
    {
        Codes.TryParse<Category>(r.S("category"), out var cat);
        return new(r.L("id"), r.S("person_id"), cat, r.S("department"), r.D("recognized"), r.DN("revoked"), r.B("for_medical_spending"),
            r.Str("source_batch"), r.Str("ended_batch"));
    }

    /// <summary>Finds a person by our id, the national platform's psn_no, or the ID number.</summary>
    public static Task<PersonRecord?> FindPersonAsync(DbConnection c, DbTransaction? tx, string key) =>
        c.FirstAsync(
            $"SELECT {PersonColumns} FROM persons WHERE id = @k UNION ALL SELECT {PersonColumns} FROM persons WHERE psn_no = @k " +
            $"UNION ALL SELECT {PersonColumns} FROM persons WHERE id_number = @k", tx, MapPerson, ("k", ChineseId.NormalizeKey(key)));

    public static Task<PersonRecord?> PersonByIdAsync(DbConnection c, DbTransaction? tx, string id) =>
        c.FirstAsync($"SELECT {PersonColumns} FROM persons WHERE id = @id", tx, MapPerson, ("id", id));

    public static Task<List<PersonRecord>> HouseholdMembersAsync(DbConnection c, string household) =>
        c.ListAsync($"SELECT {PersonColumns} FROM persons WHERE household_id = @h ORDER BY id", null, MapPerson, ("h", household));

    /// <summary>
    /// A page of persons by region, township and household, and by <paramref name="q"/>: a name, our id, or (only when
    /// <paramref name="byIdNumber"/>: roles that may see ID numbers) an ID number.
    /// </summary>
    public static Task<(List<PersonRecord> Items, long Total)> ListPersonsAsync(DbConnection c, string? region, string? township, string? household,
        string? q, bool byIdNumber, Api.Paging paging)
    {
        var filter = new Filter().Equal("region", region).Equal("township", township).Equal("household_id", household);
        if (q is not null) filter.Where(byIdNumber ? "(name = @p OR id_number = @p OR id = @p)" : "(name = @p OR id = @p)", q);
        return filter.PageAsync(c, PersonColumns, "persons", "id", MapPerson, paging);
    }

    public static Task<(List<Registry.HouseholdRow> Items, long Total)> ListHouseholdsAsync(DbConnection c, string? region, string? township, Api.Paging paging) =>
        new Filter().Equal("h.region", region).Equal("h.township", township).PageAsync(c,
            "h.id, h.region, h.township, (SELECT COUNT(*) FROM persons p WHERE p.household_id = h.id) AS members", "households h", "h.id",
            r => new Registry.HouseholdRow(r.S("id"), r.S("region"), r.Str("township"), r.L("members")), paging);

    public static Task<List<IdentityRecord>> IdentitiesAsync(DbConnection c, DbTransaction? tx, string personId) =>
        c.ListAsync("SELECT * FROM identities WHERE person_id = @p ORDER BY recognized, id", tx, MapIdentity, ("p", personId));

    /// <summary>Puts a person's identities in the order of <see cref="IdentitiesAsync"/> (recognized, then id), in place (a reader that left ORDER BY out).</summary>
    public static List<IdentityRecord> InOrder(List<IdentityRecord> identities)
    {
        if (identities.Count > 1)
            identities.Sort(static (a, b) => a.Recognized != b.Recognized ? a.Recognized.CompareTo(b.Recognized) : a.Id.CompareTo(b.Id));
        return identities;
    }

    public static async Task EnsureHouseholdAsync(DbConnection c, DbTransaction tx, string id, string region, string? township)
    {
        await c.ExecAsync("INSERT INTO households (id, region, township, created_at) VALUES (@id, @r, @t, @at) ON CONFLICT (id) DO NOTHING", tx,
            ("id", id), ("r", region), ("t", township), ("at", DateTimeOffset.UtcNow));
    }

    public static async Task InsertPersonAsync(DbConnection c, DbTransaction tx, PersonRecord p)
    {
        await EnsureHouseholdAsync(c, tx, p.Household, p.Region, p.Township);
        var now = DateTimeOffset.UtcNow;
        await c.ExecAsync(
            "INSERT INTO persons (id, id_number, psn_no, name, household_id, insurance, region, township, insurance_tier, created_at, updated_at) VALUES (@id, @idn, @psn, @n, @h, @ins, @r, @t, @tier, @now, @now)",
            tx, ("id", p.Id), ("idn", p.IdNumber), ("psn", p.PsnNo), ("n", p.Name), ("h", p.Household), ("ins", Codes.ToCode(p.Insurance)),
            ("r", p.Region), ("t", p.Township), ("tier", p.Tier is { } tier ? Codes.ToCode(tier) : null), ("now", now));
    }

    public static async Task UpdatePersonAsync(DbConnection c, DbTransaction tx, PersonRecord p)
    {
        await EnsureHouseholdAsync(c, tx, p.Household, p.Region, p.Township);
        await c.ExecAsync(
            "UPDATE persons SET psn_no = @psn, name = @n, household_id = @h, insurance = @ins, township = @t, updated_at = @now WHERE id = @id",
            tx, ("id", p.Id), ("psn", p.PsnNo), ("n", p.Name), ("h", p.Household), ("ins", Codes.ToCode(p.Insurance)), ("t", p.Township), ("now", DateTimeOffset.UtcNow));
    }

    public static async Task<long> InsertIdentityAsync(DbConnection c, DbTransaction tx, string personId, Category category, string department,
        DateOnly recognized, DateOnly? revoked, bool forMedicalSpending, string? batch, string by)
    {
        var id = await c.ScalarAsync(
            "INSERT INTO identities (person_id, category, department, recognized, revoked, for_medical_spending, source_batch, created_at, created_by) " +
            "VALUES (@p, @c, @d, @rec, @rev, @m, @b, @at, @by) RETURNING id", tx,
            ("p", personId), ("c", Codes.ToCode(category)), ("d", department), ("rec", recognized), ("rev", revoked), ("m", forMedicalSpending),
            ("b", batch), ("at", DateTimeOffset.UtcNow), ("by", by));
        return Convert.ToInt64(id, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Ends an identity: sets its revocation date once. The row's other facts are never changed.</summary>
    public static Task EndIdentityAsync(DbConnection c, DbTransaction tx, long id, DateOnly revoked, string? batch) =>
        c.ExecAsync("UPDATE identities SET revoked = @r, ended_batch = @b WHERE id = @id AND revoked IS NULL", tx, ("id", id), ("r", revoked), ("b", batch));

    public static string NewPersonId() => "P" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
    public static string NewHouseholdId() => "H" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));

    /// <summary>The engine's view of a person: household and every dated identity (I-1 and I-2 are applied by the engine).</summary>
    public static Engine.Cases.Person ToEngine(PersonRecord p, IEnumerable<IdentityRecord> identities, InsuranceType? insurance = null) =>
        new(p.Id, p.Household, insurance ?? p.Insurance,
            identities.Select(i => new Engine.Cases.Identity(i.Category, i.Recognized, i.Revoked, i.ForMedicalSpending)).ToList());
}
