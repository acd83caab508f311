namespace Doudi.Prevention.Common;

/// <summary>
/// A problem staff must act on. <see cref="Exception.Message"/> is the Simplified Chinese text staff read;
/// <see cref="English"/> carries the same message in English; <see cref="Code"/> is stable for APIs and tests.
/// </summary>
public class PreventionException : Exception
{
    public string Code { get; }
    public string English { get; }

    public PreventionException(string code, string chinese, string english) : base(chinese)
    {
        Code = code;
        English = english;
    }

    public override string ToString() => $"[{Code}] {Message} / {English}";
}

/// <summary>A state change that the process does not allow (e.g. resolving a risk entry nobody followed up).</summary>
public sealed class InvalidTransitionException(string what, string from, string to)
    : PreventionException("invalid_transition",
        $"{what}：不允许从“{from}”变更为“{to}”",
        $"{what}: transition from '{from}' to '{to}' is not allowed");
