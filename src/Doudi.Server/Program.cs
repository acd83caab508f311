using Doudi.Server.Hosting;

// dotnet run --project src/Doudi.Server [-- --demo]  → http://127.0.0.1:5080, SQLite under ./data/ unless DOUDI_DB names PostgreSQL.
var app = ServerApp.Build(args);
await app.RunAsync();

public partial class Program;
