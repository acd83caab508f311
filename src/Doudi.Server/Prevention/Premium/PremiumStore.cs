using System.Data.Common;
using Doudi.Policy.Prevention;
using Doudi.Policy.Vocabulary;
using Doudi.Prevention.Premium;
using Doudi.Server.Audit;
using Doudi.Server.Registry;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Prevention.Premium;

/// <summary>The registry as the premium lists read it: identities recognised in a month, and each person's recorded tier.</summary>
public static class PremiumStore
{
    /// <summary>Identities of a region recognised in the month, each person with their own tier where recorded (else <paramref name="defaultTier"/>).</summary>
    public static async Task<List<PremiumPerson>> RecognisedInAsync(DbConnection c, string region, DateOnly monthStart, InsuranceTier defaultTier)
    {
        var rows = await c.ListAsync(
            "SELECT i.*, p.name AS person_name, p.insurance_tier AS person_tier FROM identities i JOIN persons p ON p.id = i.person_id WHERE p.region = @r AND i.recognized >= @a AND i.recognized < @b ORDER BY i.person_id, i.recognized, i.id", null,
            r => (Identity: RegistryStore.MapIdentity(r), Name: r.S("person_name"), Tier: r.Str("person_tier")), ("r", region), ("a", monthStart), ("b", monthStart.AddMonths(1)));
        return rows.Select(x => new PremiumPerson(x.Identity.PersonId, x.Name, x.Identity.Category,
            Codes.TryParse<InsuranceTier>(x.Tier, out var own) && own != InsuranceTier.Any ? own : defaultTier,
            x.Identity.Recognized, x.Identity.Revoked, false, new HashSet<int>())).ToList();
    }

    /// <summary>Sets a person's resident insurance tier, audited; null when there is no such person.</summary>
    public static async Task<PersonView?> SetTierAsync(DbConnection c, DbTransaction tx, Dialect dialect, string id, InsuranceTier tier, Actor actor)
    {
        var p = await c.FirstAsync($"SELECT {RegistryStore.PersonColumns} FROM persons WHERE id = @id", tx, RegistryStore.MapPerson, ("id", id));
        if (p is null) return null;
        var code = Codes.ToCode(tier);
        await c.ExecAsync("UPDATE persons SET insurance_tier = @t, updated_at = @now WHERE id = @id", tx, ("t", code), ("now", DateTimeOffset.UtcNow), ("id", id));
        await AuditLog.WriteAsync(c, tx, dialect, actor, "set", "insurance_tier", id,
            new { insuranceTier = p.Tier is { } old ? Codes.ToCode(old) : null }, new { insuranceTier = code });
        return Views.View(p with { Tier = tier }, actor, await RegistryStore.IdentitiesAsync(c, tx, id));
    }
}
