namespace Doudi.Server.Prevention.Monitoring;

/// <summary>Why a rule cannot be evaluated: a missing statistic or parameter, named.</summary>
public sealed record RuleProblem(string Code, string Message, string MessageEn);

/// <summary>A monitoring rule with its threshold in a year (or, when a figure is missing, <see cref="Problem"/> and no threshold).</summary>
public sealed record MonitoringRuleView(string Id, string Cite, string Text, string Measure, string Comparison, decimal? Threshold, string? Basis, string? BasisEn,
    string? LocalBasis, RuleProblem? Problem);

public sealed record MonitoringRulesView(string Policy, string Document, string Region, int Year, DateOnly From, string SelfApplicationCite,
    IReadOnlyList<MonitoringRuleView> Rules);

public sealed record MonitoringProblemView(string Policy, string Rule, int Year, string Code, string Message, string MessageEn, DateTimeOffset FirstSeen);

public sealed record MonitoringProblemList(IReadOnlyList<MonitoringProblemView> Items);

/// <summary><c>POST /api/monitoring/scans</c> and <c>POST /api/relief-runs</c>: a region's year.</summary>
public sealed record RegionYearRequest(string Region, int Year);

public sealed record PersonYearTotalsView(bool AssistanceObject, string Insurance, decimal InPolicyPersonalBurden, decimal PersonalBurden, decimal CashPayment);

public sealed record TriggeredRuleView(string Rule, string Cite, string Measure, decimal Amount, decimal Threshold, string Basis, string BasisEn);

/// <summary>One person's year totals against the region's rules (nothing stored).</summary>
public sealed record PersonYearView(string Person, int Year, PersonYearTotalsView Totals, bool InForce, IReadOnlyList<TriggeredRuleView> Triggered,
    IReadOnlyList<RuleProblem> Problems);

/// <summary><c>PUT /api/monitoring/parameters</c>: a threshold the text leaves to local practice, with its basis; <c>policy</c> where a region has several.</summary>
public sealed record ParameterRequest(string Region, string Rule, decimal Threshold, string Basis, string? Policy = null);

public sealed record ParameterView(string Policy, string Rule, decimal Threshold, string Basis);

/// <summary><c>PUT /api/monitoring/statistics</c>: a published regional statistic of a year, with its source.</summary>
public sealed record StatisticRequest(string Region, int Year, string Statistic, decimal Value, string Source);

public sealed record StatisticView(string Region, int Year, string Statistic, decimal Value, string Source);

/// <summary>A risk-pool entry as staff see it (the ID number masked by role); <see cref="History"/> only on a single entry.</summary>
public sealed record RiskEntryView(string Id, string Policy, string Region, int Year, string Person, string PersonName, string IdNumber, string? Household,
    string Source, string? Rule, string Cite, string? Measure, decimal? Amount, decimal? Threshold, string? ThresholdBasis, string? ApplicantKind,
    string? ApplicantName, string? Statement, DateOnly Date, string State, string StateName, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset UpdatedAt,
    IReadOnlyList<RiskChangeRow>? History);

/// <summary><c>POST /api/risk-pool/{id}/transitions</c>: new → under_follow_up → resolved, with a reason.</summary>
public sealed record RiskTransitionRequest(string To, string Reason);

/// <summary><c>POST /api/risk-pool/self-applications</c>: a person, employer or organisation applies for a person (year: default this year).</summary>
public sealed record SelfApplicationRequest(string Person, string ApplicantKind, string ApplicantName, string Statement, decimal? Burden = null, int? Year = null);
