using System.Data.Common;
using Doudi.Policy.Prevention;
using Doudi.Policy.Vocabulary;
using Doudi.Prevention.PostHoc;
using Doudi.Server.Api;
using Doudi.Server.Audit;
using Doudi.Server.Prevention.Common;
using Doudi.Server.Prevention.Funds;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Prevention.PostHoc;

public sealed record PostHocHeader(string Id, string PersonId, string Region, string Township, decimal Claimed, string State, DateTimeOffset CreatedAt, string CreatedBy);

/// <summary>
/// Post-hoc applications in the database (the procedure and checklist of the person's region, policies/posthoc/; a region
/// without one takes none): commands replayed through <see cref="PostHocApplication"/>; each step checked by the domain,
/// stored and audited in one transaction. The submission stores the checklist and clause it was filed under.
/// </summary>
public sealed class PostHocService(Database db, PreventionClock clock, PreventionCatalog catalog)
{
    public const string Table = "posthoc_commands";

    public static PostHocHeader MapHeader(DbDataReader r) => new(r.S("id"), r.S("person_id"), r.S("region"), r.S("township"), r.M("claimed_amount"), r.S("state"), r.T("created_at"), r.S("created_by"));

    public static PostHocDocument[] Docs(IEnumerable<string> codes) => codes.Select(c => Codes.TryParse<PostHocDocument>(c, out var d) ? d : throw new InvalidOperationException(c)).ToArray();

    /// <summary>The region's post-hoc rule on a day, or a 422 <c>no_posthoc_rule</c>: its files set none.</summary>
    public PostHocPolicy Rule(string region, DateOnly day) => catalog.Catalog.PostHocOn(region, day)
        ?? throw PreventionProblems.Unprocessable(new($"{region} 没有事后救助规定", $"{region} has no post-hoc assistance rule"), "person",
            new($"{region} 在 {day:yyyy-MM-dd} 有效的政策文件未规定事后救助（policies/posthoc/ 中没有此统筹区的文件）",
                $"no policy file of {region} in force on {day:yyyy-MM-dd} sets post-hoc assistance (no file in policies/posthoc/)"), "no_posthoc_rule");

    public PostHocApplication Rebuild(string id, string region, IReadOnlyList<StoredCommand> commands)
    {
        PostHocApplication? app = null;
        foreach (var cmd in commands)
        {
            if (app is null)
            {
                // Applications filed before the checklist was stored take the rule in force on their filing day.
                var stored = cmd.List("checklist");
                var rule = stored.Length > 0 ? null : catalog.Catalog.PostHocOn(region, DateOnly.FromDateTime(cmd.At.DateTime));
                IReadOnlyList<PostHocDocument> checklist = stored.Length > 0 ? Docs(stored) : rule?.Documents ?? Enum.GetValues<PostHocDocument>();
                app = new PostHocApplication(id, cmd.S("person")!, cmd.S("township")!, cmd.M("claimed"), checklist, Docs(cmd.List("documents")), cmd.Actor, cmd.At)
                    { Cite = cmd.S("cite") ?? rule?.Procedure.Cite ?? "" };
                continue;
            }
            Apply(app, cmd);
        }
        return app ?? throw new InvalidOperationException($"application {id} has no submission");
    }

    public static void Apply(PostHocApplication app, StoredCommand cmd)
    {
        switch (cmd.Command)
        {
            case "supplement": app.Supplement(Docs(cmd.List("documents")), cmd.Actor, cmd.At); break;
            case "township_review": app.TownshipReview(cmd.B("materialTrue"), cmd.B("eligible"), cmd.List("reasons"), cmd.Actor, cmd.At); break;
            case "county_review": app.CountyReview(cmd.B("approve"), cmd.M("amount"), cmd.List("reasons"), cmd.Actor, cmd.At); break;
            case "payment": app.RecordPayment(cmd.Actor, cmd.At, cmd.S("reference")!); break;
            default: throw new InvalidOperationException($"unknown post-hoc command {cmd.Command}");
        }
    }

    public async Task<(PostHocHeader Header, PostHocApplication App)?> LoadAsync(DbConnection c, DbTransaction? tx, string id, bool forUpdate = false)
    {
        var h = await c.FirstAsync("SELECT * FROM posthoc_applications WHERE id = @id" + (forUpdate ? db.Dialect.ForUpdate() : ""), tx, MapHeader, ("id", id));
        if (h is null) return null;
        return (h, Rebuild(id, h.Region, await CommandLog.LoadAsync(c, tx, Table, "application_id", id)));
    }

    /// <summary>The newest 500 applications, by region and state (the console's work list).</summary>
    public static Task<List<PostHocRow>> ListAsync(DbConnection c, string? region, string? state)
    {
        var w = new Where().Eq("a.region", region).Eq("a.state", state);
        return c.ListAsync(
            $"SELECT a.*, p.name AS person_name FROM posthoc_applications a JOIN persons p ON p.id = a.person_id{w.Sql} ORDER BY a.created_at DESC, a.id LIMIT 500", null,
            r => new PostHocRow(r.S("id"), r.S("person_id"), r.S("person_name"), r.S("region"), r.S("township"), r.M("claimed_amount"), r.S("state"),
                r.IsDBNull(r.GetOrdinal("paid_amount")) ? null : r.M("paid_amount"), r.T("created_at"), r.S("created_by")), w.Args);
    }

    /// <summary>The application, for its applicant: null unless the ID number is the applicant's (a mismatch looks like no application).</summary>
    public Task<PostHocApplication?> ForApplicantAsync(string id, string idNumber, CancellationToken ct) =>
        db.ReadAsync(async c =>
        {
            var l = await LoadAsync(c, null, id);
            if (l is null) return null;
            var number = await c.ScalarAsync("SELECT id_number FROM persons WHERE id = @p", null, ("p", l.Value.Header.PersonId)) as string;
            return number is not null && string.Equals(number, idNumber, StringComparison.Ordinal) ? l.Value.App : null;
        }, ct);

    public async Task<(PostHocHeader, PostHocApplication)> SubmitAsync(string personKey, string? township, decimal claimed, string[] documents, Actor actor, CancellationToken ct) =>
        await db.WriteAsync(async (c, tx) =>
        {
            var p = await Registry.RegistryStore.FindPersonAsync(c, tx, personKey)
                ?? throw ApiProblemException.Invalid([new("person", new("登记库中没有此人", "no such person in the registry"))]);
            var town = township ?? p.Township ?? throw ApiProblemException.Invalid([new("township", Msg.Required)]);
            var id = Ids.New("PH");
            var at = clock.Now;
            var rule = Rule(p.Region, clock.Today);
            var app = new PostHocApplication(id, p.Id, town, claimed, rule.Documents, Docs(documents), actor.Name, at) { Cite = rule.Procedure.Cite };
            var checklist = rule.Documents.Select(Codes.ToCode).ToArray();
            var now = DateTimeOffset.UtcNow;
            await c.ExecAsync("INSERT INTO posthoc_applications (id, person_id, region, township, claimed_amount, state, created_at, created_by, updated_at) VALUES (@id, @p, @r, @t, @a, @s, @at, @by, @at)", tx,
                ("id", id), ("p", p.Id), ("r", p.Region), ("t", town), ("a", claimed), ("s", Codes.ToCode(app.State)), ("at", now), ("by", actor.Name));
            await CommandLog.AppendAsync(c, tx, Table, "application_id", id, 1, "submit", new { person = p.Id, township = town, claimed, documents, checklist, cite = app.Cite, policy = rule.Id }, actor.Name, at);
            await AuditLog.WriteAsync(c, tx, db.Dialect, actor, "submit", "posthoc_application", id, null, new { person = p.Id, township = town, claimed, documents, missing = app.MissingDocuments.Select(Codes.ToCode) });
            return (new PostHocHeader(id, p.Id, p.Region, town, claimed, Codes.ToCode(app.State), now, actor.Name), app);
        }, ct);

    public async Task<(PostHocHeader, PostHocApplication)> StepAsync(string id, string command, object args, Actor actor, CancellationToken ct) =>
        await db.WriteAsync(async (c, tx) =>
        {
            var (h, app) = await LoadAsync(c, tx, id, forUpdate: true) ?? throw ApiProblemException.NotFound(new($"没有事后救助申请 {id}", $"no post-hoc application {id}"));
            var before = app.State;
            var at = clock.Now;
            using var doc = System.Text.Json.JsonDocument.Parse(Json.Serialize(args));
            PreventionProblems.Run(() => Apply(app, new StoredCommand(0, command, doc.RootElement.Clone(), actor.Name, at)));
            var seq = Convert.ToInt32(await c.ScalarAsync("SELECT MAX(seq) FROM posthoc_commands WHERE application_id = @id", tx, ("id", id))) + 1;
            await CommandLog.AppendAsync(c, tx, Table, "application_id", id, seq, command, args, actor.Name, at);
            await c.ExecAsync("UPDATE posthoc_applications SET state = @s, paid_amount = @p, updated_at = @t WHERE id = @id", tx,
                ("s", Codes.ToCode(app.State)), ("p", app.PaidAmount), ("t", DateTimeOffset.UtcNow), ("id", id));
            if (command == "payment")
                await FundStore.PayAsync(c, tx, db.Dialect, h.Region, FundCodes.MedicalAssistance, clock.Today, app.PaidAmount!.Value, h.PersonId,
                    $"事后医疗救助 post-hoc assistance {id}", "posthoc:" + id, actor);
            await AuditLog.WriteAsync(c, tx, db.Dialect, actor, command, "posthoc_application", id, new { state = Codes.ToCode(before) }, new { state = Codes.ToCode(app.State), args });
            return (h with { State = Codes.ToCode(app.State) }, app);
        }, ct);
}
