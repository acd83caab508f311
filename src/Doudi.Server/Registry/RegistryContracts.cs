namespace Doudi.Server.Registry;

// Issue 9: the registry API's request and response records (PersonView and IdentityView are in Models.cs).

/// <summary>登记一人 / a person entered by hand at the bureau.</summary>
public sealed record PersonRequest(
    string IdNumber, string Name, string Region, string? Insurance = null, string? Township = null, string? Household = null,
    string? PsnNo = null, string? InsuranceTier = null);

/// <summary>A dated identity entered by hand (department medical_security unless given).</summary>
public sealed record IdentityRequest(string Category, DateOnly Recognized, string? Department = null, DateOnly? Revoked = null, bool? ForMedicalSpending = null);

/// <summary>Ends an identity on a date (its history is kept).</summary>
public sealed record IdentityEndRequest(DateOnly Revoked);

/// <summary>救助对象资格 / whether a person is an assistance object on a date, with the identities in force (I-1).</summary>
public sealed record EligibilityAnswer(string Person, string IdNumber, string Region, DateOnly Date, bool Eligible, IReadOnlyList<IdentityView> Identities);

/// <summary>A household in the list, with its member count.</summary>
public sealed record HouseholdRow(string Id, string Region, string? Township, long Members);

/// <summary>A household with its members and their identities.</summary>
public sealed record HouseholdView(string Id, IReadOnlyList<PersonView> Members);
