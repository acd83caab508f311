using Doudi.Server.Hosting;

// dotnet run --project src/Doudi.Server [-- --demo]  → http://127.0.0.1:5080, SQLite under ./data/ unless DOUDI_DB names PostgreSQL.
// dotnet run --project src/Doudi.Server -- rebuild-totals [--region R] [--year Y] [--apply]  → a command-line verb (ServerCommands).
if (await ServerCommands.TryRunAsync(args) is { } exitCode) return exitCode;
var app = ServerApp.Build(args);
await app.RunAsync();
return 0;

public partial class Program;
