namespace Doudi.Policy.Periods;

/// <summary>All loaded policy files, compiled into periods per region.</summary>
public sealed partial class PolicyCatalog
{
}
