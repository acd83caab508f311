using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Doudi.Server.Api;

/// <summary>
/// Endpoint metadata: the record an endpoint declares as its JSON body (<see cref="Declare.JsonBody{T}"/>). Its JSON
/// field names, and those of the records it nests, are the only fields a body may carry: <see cref="Body.ReadJsonAsync"/>
/// refuses any other by its path (<c>zzz</c>, <c>rows[3].nmae</c>). Open shapes — maps, JSON values, types of other
/// libraries — are not checked inside.
/// </summary>
public sealed class DeclaredJsonBody(Type type)
{
    public Type Type { get; } = type;

    private static readonly ConcurrentDictionary<Type, IReadOnlyDictionary<string, Type>?> Shapes = new();
    // The API's naming (camelCase, [JsonPropertyName]) with a resolver of its own: Json.Options is left as it is.
    private static readonly JsonSerializerOptions Names = new(Json.Options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    public void RefuseUnknown(JsonElement body, string path, List<FieldProblem> problems) => Check(Type, body, path, problems);

    private static void Check(Type type, JsonElement value, string path, List<FieldProblem> problems)
    {
        var element = Element(type);
        if (element is not null)
        {
            if (value.ValueKind != JsonValueKind.Array) return;
            var i = 0;
            foreach (var item in value.EnumerateArray()) Check(element, item, $"{(path.Length == 0 ? "$" : path)}[{i++}]", problems);
            return;
        }
        if (value.ValueKind != JsonValueKind.Object || Shape(type) is not { } fields) return;
        foreach (var p in value.EnumerateObject())
        {
            var at = path.Length == 0 ? p.Name : $"{path}.{p.Name}";
            if (!fields.TryGetValue(p.Name, out var fieldType)) problems.Add(new FieldProblem(at, new("未知字段", "unknown field")));
            else Check(fieldType, p.Value, at, problems);
        }
    }

    /// <summary>The field names and types of a record of this server (null: an open shape, not checked).</summary>
    private static IReadOnlyDictionary<string, Type>? Shape(Type type) => Shapes.GetOrAdd(type, t =>
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        if (t.Assembly != typeof(DeclaredJsonBody).Assembly || t.IsEnum || t.IsPrimitive) return null;
        var info = Names.GetTypeInfo(t);
        if (info.Kind != JsonTypeInfoKind.Object || info.Properties.Count == 0) return null;
        return info.Properties.ToDictionary(p => p.Name, p => p.PropertyType, StringComparer.Ordinal);
    });

    /// <summary>The item type of a list or array of records (strings and numbers are not looked into).</summary>
    private static Type? Element(Type type)
    {
        if (type == typeof(string)) return null;
        if (type.IsArray) return type.GetElementType();
        if (type.IsGenericType && type.GetGenericArguments() is [var item]
            && typeof(System.Collections.IEnumerable).IsAssignableFrom(type)) return item;
        return null;
    }
}
