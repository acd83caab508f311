namespace Doudi.Server.Prevention.Common;

public static class Ids
{
    public static string New(string prefix) => prefix + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
}
