using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Doudi.Server.Storage;

namespace Doudi.Server.Prevention.Common;

/// <summary>One stored step of a process (reduction case, post-hoc application), replayed through the domain object to rebuild it.</summary>
public sealed record StoredCommand(int Seq, string Command, JsonElement Args, string Actor, DateTimeOffset At)
{
    public string? S(string name) => Args.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    public decimal M(string name) => Args.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDecimal() : 0m;
    public int I(string name) => Args.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0;
    public bool B(string name) => Args.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;
    public string[] List(string name) => Args.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
        ? v.EnumerateArray().Select(x => x.GetString() ?? "").ToArray() : [];
}

/// <summary>Append-only command tables (reduction_commands, posthoc_commands): the local time keeps its +08:00 offset.</summary>
public static class CommandLog
{
    public static async Task<List<StoredCommand>> LoadAsync(DbConnection c, DbTransaction? tx, string table, string keyColumn, string id) =>
        await c.ListAsync($"SELECT seq, command, args_json, actor, at_local FROM {table} WHERE {keyColumn} = @id ORDER BY seq", tx, r =>
        {
            using var doc = JsonDocument.Parse(r.S("args_json"));
            return new StoredCommand(r.I("seq"), r.S("command"), doc.RootElement.Clone(), r.S("actor"),
                DateTimeOffset.Parse(r.S("at_local"), CultureInfo.InvariantCulture));
        }, ("id", id));

    public static Task AppendAsync(DbConnection c, DbTransaction tx, string table, string keyColumn, string id, int seq, string command, object args, string actor, DateTimeOffset at) =>
        c.ExecAsync($"INSERT INTO {table} ({keyColumn}, seq, command, args_json, actor, at_local) VALUES (@id, @seq, @cmd, @args, @actor, @at)", tx,
            ("id", id), ("seq", seq), ("cmd", command), ("args", Api.Json.Serialize(args)), ("actor", actor), ("at", at.ToString("o", CultureInfo.InvariantCulture)));
}
