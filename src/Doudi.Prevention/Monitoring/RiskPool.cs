using Doudi.Policy.Prevention;
using Doudi.Prevention.Common;

namespace Doudi.Prevention.Monitoring;

/// <summary>States of an entry in the pool of potential risk objects (因病致贫返贫风险潜在对象库).</summary>
public enum RiskState { New, UnderFollowUp, Resolved }

public enum RiskSource { Warning, SelfApplication }

/// <summary>Who filed a self-application (fuyang 二.1: 个人、单位或组织申报).</summary>
public enum ApplicantKind { Person, Employer, Organisation }

public sealed record RiskStateChange(RiskState From, RiskState To, string Actor, DateTimeOffset At, string Reason);

public sealed class RiskEntry
{
    public required string Id { get; init; }
    public required string PolicyId { get; init; }
    public required int Year { get; init; }
    public required string PersonId { get; init; }
    public string? HouseholdId { get; init; }
    public required RiskSource Source { get; init; }
    /// <summary>The monitoring rule that put the person here; null for a self-application.</summary>
    public string? RuleId { get; init; }
    public required string Cite { get; init; }
    public decimal? Amount { get; internal set; }
    public decimal? Threshold { get; init; }
    public ApplicantKind? Applicant { get; init; }
    public string? ApplicantName { get; init; }
    public string? Statement { get; init; }
    public required DateOnly Date { get; init; }
    public RiskState State { get; internal set; } = RiskState.New;
    public List<RiskStateChange> History { get; } = new();

    public static Bilingual StateName(RiskState s) => s switch
    {
        RiskState.New => new("新纳入", "new"),
        RiskState.UnderFollowUp => new("跟踪帮扶中", "under follow-up"),
        _ => new("已化解", "resolved"),
    };
}

/// <summary>
/// The risk pool. Warnings are keyed by (policy, year, person, rule), so a full re-scan that finds the same person
/// again updates the amount and adds nothing; self-applications enter the same pool with their applicant.
/// </summary>
public sealed class RiskPool
{
    private readonly Dictionary<string, RiskEntry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _selfCount = new(StringComparer.Ordinal);

    public IReadOnlyCollection<RiskEntry> Entries => _entries.Values;
    public RiskEntry Get(string id) => _entries.TryGetValue(id, out var e) ? e
        : throw new PreventionException("risk_entry_not_found", $"风险库中无此记录：{id}", $"no risk-pool entry {id}");

    public static string WarningId(string policy, int year, string person, string rule) => $"{policy}/{year}/{person}/{rule}";

    /// <summary>Adds each triggered rule once; returns the entries and whether each is new.</summary>
    public IReadOnlyList<(RiskEntry Entry, bool IsNew)> AddWarnings(PersonYear person, IEnumerable<TriggeredRule> fired, DateOnly date)
    {
        var result = new List<(RiskEntry, bool)>();
        foreach (var t in fired)
        {
            var id = WarningId(t.PolicyId, person.Year, person.PersonId, t.RuleId);
            if (_entries.TryGetValue(id, out var existing))
            {
                // The year's totals only grow as bills arrive; keep the latest figure for follow-up staff.
                existing.Amount = t.Amount;
                result.Add((existing, false));
                continue;
            }
            var e = new RiskEntry
            {
                Id = id, PolicyId = t.PolicyId, Year = person.Year, PersonId = person.PersonId, HouseholdId = person.HouseholdId,
                Source = RiskSource.Warning, RuleId = t.RuleId, Cite = t.Cite, Amount = t.Amount, Threshold = t.Threshold, Date = date,
            };
            _entries.Add(id, e);
            result.Add((e, true));
        }
        return result;
    }

    /// <summary>A person, employer or organisation reports someone whose burden is below the lines but who is in real difficulty.</summary>
    public RiskEntry AddSelfApplication(MonitoringPolicy policy, int year, string personId, string? householdId,
        ApplicantKind applicant, string applicantName, string statement, decimal? burden, DateOnly date)
    {
        if (string.IsNullOrWhiteSpace(statement))
            throw new PreventionException("self_application_reason_missing", "申报须说明实际困难情况", "a self-application must state the difficulty");
        var key = $"{policy.Id}/{year}/{personId}";
        int n = _selfCount.GetValueOrDefault(key) + 1;
        _selfCount[key] = n;
        var e = new RiskEntry
        {
            Id = $"{key}/self-{n}", PolicyId = policy.Id, Year = year, PersonId = personId, HouseholdId = householdId,
            Source = RiskSource.SelfApplication, Cite = policy.SelfApplicationCite, Amount = burden,
            Applicant = applicant, ApplicantName = applicantName, Statement = statement, Date = date,
        };
        _entries.Add(e.Id, e);
        return e;
    }

    /// <summary>new → under_follow_up → resolved; nothing else. Every change records actor, time and reason.</summary>
    public RiskEntry Transition(string id, RiskState to, string actor, DateTimeOffset at, string reason)
    {
        var e = Get(id);
        bool ok = (e.State, to) is (RiskState.New, RiskState.UnderFollowUp) or (RiskState.UnderFollowUp, RiskState.Resolved);
        if (!ok) throw new InvalidTransitionException($"风险库记录 {id}", RiskEntry.StateName(e.State).Zh, RiskEntry.StateName(to).Zh);
        if (string.IsNullOrWhiteSpace(actor) || string.IsNullOrWhiteSpace(reason))
            throw new PreventionException("audit_fields_missing", "状态变更须注明经办人和理由", "a state change needs an actor and a reason");
        e.History.Add(new RiskStateChange(e.State, to, actor, at, reason));
        e.State = to;
        return e;
    }

    public IEnumerable<RiskEntry> ForPerson(string personId) => _entries.Values.Where(e => e.PersonId == personId);
    public IEnumerable<RiskEntry> ForHousehold(string householdId) => _entries.Values.Where(e => e.HouseholdId == householdId);
    public IEnumerable<RiskEntry> InState(RiskState s) => _entries.Values.Where(e => e.State == s);
}
