namespace Doudi.Server.Prevention.Common;

/// <summary>A WHERE clause of optional equality filters: a filter whose value is null is left out.</summary>
public sealed class Where
{
    private readonly List<string> _parts = [];
    private readonly List<(string, object?)> _args = [];

    public Where Eq(string column, object? value)
    {
        if (value is null) return this;
        var name = "w" + _args.Count;
        _parts.Add($"{column} = @{name}");
        _args.Add((name, value));
        return this;
    }

    public Where Raw(string sql, params (string, object?)[] args)
    {
        _parts.Add(sql);
        _args.AddRange(args);
        return this;
    }

    public string Sql => _parts.Count == 0 ? "" : " WHERE " + string.Join(" AND ", _parts);
    public (string, object?)[] Args => _args.ToArray();
    public (string, object?)[] With(params (string, object?)[] more) => [.. _args, .. more];
}
