namespace Doudi.Server.Security;

/// <summary>
/// ID numbers (身份证号) shown to roles that do not need them, and in logs: the first 4 and last 4 characters
/// remain, the rest become asterisks (3303**********1234).
/// </summary>
public static class IdMasking
{
    public static string Mask(string? idNumber)
    {
        if (string.IsNullOrEmpty(idNumber)) return "";
        if (idNumber.Length <= 8) return new string('*', idNumber.Length);
        return string.Concat(idNumber.AsSpan(0, 4), new string('*', idNumber.Length - 8), idNumber.AsSpan(idNumber.Length - 4));
    }

    public static string For(Actor actor, string? idNumber) => actor.SeesIdNumbers ? idNumber ?? "" : Mask(idNumber);
}
