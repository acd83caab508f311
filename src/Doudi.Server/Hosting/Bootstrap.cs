using Doudi.Server.Audit;
using Doudi.Server.Security;
using Doudi.Server.Storage;

namespace Doudi.Server.Hosting;

/// <summary>
/// First start: migrate, and create the first administrator when there is no user. Its password comes from
/// <c>Doudi:AdminPassword</c> / <c>DOUDI_ADMIN_PASSWORD</c>, else a random one is printed once to the console.
/// </summary>
public static class Bootstrap
{
    public static async Task RunAsync(IServiceProvider services, IConfiguration config)
    {
        var db = services.GetRequiredService<Database>();
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger("Doudi.Bootstrap");
        var options = services.GetRequiredService<DatabaseOptions>();
        log.LogInformation("Database: {Db}", options.Describe());
        await Migrator.MigrateAsync(options, db, log);

        var any = await db.ReadAsync(c => c.ScalarAsync("SELECT 1 FROM users LIMIT 1", null));
        if (any is null)
        {
            var configured = config["Doudi:AdminPassword"] ?? config["DOUDI_ADMIN_PASSWORD"];
            var password = configured ?? Users.NewPassword();
            await db.WriteAsync(async (c, tx) =>
            {
                await Users.InsertAsync(c, tx, "admin", "系统管理员", Roles.BureauAdmin, null, password);
                await AuditLog.WriteAsync(c, tx, db.Dialect, Actor.System, "create", "user", "admin", null, new { username = "admin", role = Roles.BureauAdmin });
                return 0;
            });
            if (configured is null)
                Console.WriteLine($"首次启动：已创建管理员 admin，初始密码 {password} / first start: created user admin with password {password}");
        }
    }
}

/// <summary>Runs <see cref="Bootstrap"/> (and the demo county when asked) when the host starts, before requests are served.</summary>
public sealed class StartupService(IServiceProvider services, IConfiguration config) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await Bootstrap.RunAsync(services, config);
        if (config["Doudi:Demo"] == "true") await Demo.DemoCounty.LoadAsync(services);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
