using Doudi.Server.Api;
using Doudi.Server.Registry;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Settlements;

/// <summary>
/// Requests shaped like the national platform's interfaces, for HIS systems that already speak them:
/// 2208 (结算撤销, reversal by setl_id) and 1101 (人员信息获取, the person with their assistance identities in idetinfo).
/// Settlement itself (2207) is <c>POST /api/settlements</c> with the national field names.
/// </summary>
public static class NationalEndpoints
{
    public static void Map(WebApplication app)
    {
        var g = app.MapGroup("/api/national").WithTags("National interface");

        g.MapPost("/2208", async (HttpContext http, SettlementService service, Database db, CancellationToken ct) =>
        {
            using var doc = await Body.ReadJsonAsync(http.Request, ct);
            var problems = new List<FieldProblem>();
            var f = Fields.FromJson(Body.RequireObject(doc), "", problems);
            var setlId = f.String("setl_id", required: true, maxLength: 64);
            var psnNo = f.String("psn_no", maxLength: 64);
            f.String("mdtrt_id", maxLength: 64);
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            if (psnNo is not null)
            {
                var stored = await db.ReadAsync(c => SettlementService.FindAsync(c, null, setlId!), ct);
                var owner = stored is null ? null : await db.ReadAsync(c => RegistryStore.FindPersonAsync(c, null, psnNo), ct);
                if (stored is not null && owner?.Id != stored.PersonId)
                    throw ApiProblemException.Invalid([new FieldProblem("psn_no", new("人员编号与该结算的人员不一致", "psn_no is not the person of this settlement"))]);
            }
            var outcome = await service.ReverseAsync(setlId!, "2208 结算撤销", http.Actor(), ct);
            if (outcome.Replayed) http.Response.Headers["Idempotent-Replay"] = "true";
            return Body.RawJson(outcome.Settlement.ToJson());
        }).RequireAuthorization(Policies.Settle)
          .WithSummary("2208 结算撤销 / reverse a settlement by setl_id; a later retry of the settlement answers 409")
          .JsonBody<National2208Request>().Produces<SettlementAnswer>().Problems(404, 409, 503);

        g.MapPost("/1101", async (HttpContext http, Database db, CancellationToken ct) =>
        {
            using var doc = await Body.ReadJsonAsync(http.Request, ct);
            var problems = new List<FieldProblem>();
            var f = Fields.FromJson(Body.RequireObject(doc), "", problems);
            var key = f.Which("psn_no", "mdtrt_cert_no", "certno");
            string? person = key is null ? null : f.String(key, maxLength: 64);
            if (key is null) f.Problem("mdtrt_cert_no", new("需要 psn_no、mdtrt_cert_no 或 certno 之一", "give psn_no, mdtrt_cert_no or certno"));
            DateOnly? on = null;
            if (f.String("begntime", maxLength: 40) is { } begn)
            {
                if (Doudi.Cases.NationalTime.TryParse(begn, out var d)) on = d;
                else f.Problem("begntime", Msg.NotDate(begn));
            }
            if (problems.Count > 0) throw ApiProblemException.Invalid(problems);
            var actor = http.Actor();
            var answer = await db.ReadAsync(async c =>
            {
                var p = await RegistryStore.FindPersonAsync(c, null, person!);
                if (p is null) return null;
                var identities = (await RegistryStore.IdentitiesAsync(c, null, p.Id))
                    .Where(i => on is null || (i.EffectiveFrom <= on && (i.EffectiveTo is null || on <= i.EffectiveTo)));
                return new National1101Answer(
                    new National1101Base(p.PsnNo ?? p.Id, "01", IdMasking.For(actor, p.IdNumber), p.Name, null, p.Region),
                    [new National1101Insurance(p.Insurance switch
                    {
                        Doudi.Policy.Vocabulary.InsuranceType.Resident => "390",
                        Doudi.Policy.Vocabulary.InsuranceType.Retiree => "340",
                        _ => "310",
                    })],
                    identities.Select(i => new National1101Identity(
                        IdentityCodes.National.FirstOrDefault(x => x.Value == i.Category).Key ?? Doudi.Policy.Vocabulary.Codes.ToCode(i.Category),
                        Doudi.Policy.Vocabulary.Codes.ToCode(i.Category),
                        i.EffectiveFrom.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + " 00:00:00",
                        i.EffectiveTo is { } to ? to.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + " 23:59:59" : null,
                        i.Department)).ToList());
            }, ct) ?? throw ApiProblemException.NotFound(new($"登记库中没有此人：{IdMasking.Mask(person!)}", $"no such person in the registry: {IdMasking.Mask(person!)}"));
            return Results.Json(answer, Json.Options);
        }).RequireAuthorization(Policies.Settle)
          .WithSummary("1101 人员信息获取 / the person with the assistance identities in force (idetinfo with begntime/endtime)")
          .JsonBody<National1101Request>().Produces<National1101Answer>().Problems(404);
    }
}
