using System.Data.Common;

namespace Doudi.Server.Storage;

/// <summary>
/// The optional equality filters of a list endpoint (<c>?person&amp;year&amp;region</c>) as a parameterised WHERE clause,
/// and one page of rows with the total: the shape every store's listing shares (the same SQL on both dialects).
/// </summary>
public sealed class Filter
{
    private readonly List<string> _conditions = [];
    private readonly List<(string, object?)> _args = [];

    /// <summary>Adds <c>column = value</c> when the value is given; a null value filters nothing.</summary>
    public Filter Equal(string column, object? value) => value is null ? this : Where($"{column} = @p", value);

    /// <summary>Adds a condition whose one parameter is written <c>@p</c> (renamed, so conditions never collide).</summary>
    public Filter Where(string condition, object? value)
    {
        var name = $"f{_args.Count}";
        _conditions.Add(condition.Replace("@p", "@" + name, StringComparison.Ordinal));
        _args.Add((name, value));
        return this;
    }

    public string Clause => _conditions.Count > 0 ? " WHERE " + string.Join(" AND ", _conditions) : "";
    public (string, object?)[] Args => _args.ToArray();

    /// <summary>One page of <paramref name="from"/> (a table, or tables with their join) in the given order, and the count of all rows.</summary>
    public async Task<(List<T> Items, long Total)> PageAsync<T>(DbConnection c, string columns, string from, string orderBy, Func<DbDataReader, T> map, Api.Paging paging)
    {
        var total = Convert.ToInt64(await c.ScalarAsync($"SELECT COUNT(*) FROM {from}{Clause}", null, Args), System.Globalization.CultureInfo.InvariantCulture);
        var items = await c.ListAsync($"SELECT {columns} FROM {from}{Clause} ORDER BY {orderBy} LIMIT @lim OFFSET @off", null, map,
            [.. _args, ("lim", paging.PageSize), ("off", paging.Offset)]);
        return (items, total);
    }
}
