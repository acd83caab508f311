using Xunit.Abstractions;
using Xunit.Sdk;

namespace Doudi.Server.Tests.Infrastructure;

/// <summary>Marks a test class that runs against PostgreSQL.</summary>
public interface IPostgresTests;

/// <summary>
/// A fact that runs once per database: in a PostgreSQL class it is skipped with a clear reason when DOUDI_TEST_PG is
/// unset — unless CI=true, where it runs and fails loudly because the database is missing.
/// </summary>
[XunitTestCaseDiscoverer("Doudi.Server.Tests.Infrastructure.DbFactDiscoverer", "Doudi.Server.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class DbFactAttribute : FactAttribute;

public sealed class DbFactDiscoverer(IMessageSink sink) : FactDiscoverer(sink)
{
    private readonly IMessageSink _sink = sink;

    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions options, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var cls = testMethod.TestClass.Class.ToRuntimeType();
        if (typeof(IPostgresTests).IsAssignableFrom(cls) && PgEnvironment.ConnectionString is null && !PgEnvironment.IsCI)
        {
            yield return new XunitSkippedDataRowTestCase(_sink, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(), testMethod,
                "PostgreSQL not configured: set DOUDI_TEST_PG (run scripts/ci-postgres.sh); with CI=true these tests fail instead of skipping");
            yield break;
        }
        foreach (var t in base.Discover(options, testMethod, factAttribute)) yield return t;
    }
}
