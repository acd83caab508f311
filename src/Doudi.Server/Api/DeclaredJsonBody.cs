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
            foreach (var item in value.EnumerateArray())
            {
                var at = $"{(path.Length == 0 ? "$" : path)}[{i++}]";
                if (KindProblem(element, item) is { } wrong) problems.Add(new FieldProblem(at, wrong));
                else Check(element, item, at, problems);
            }
            return;
        }
        if (value.ValueKind != JsonValueKind.Object || Shape(type) is not { } fields) return;
        foreach (var p in value.EnumerateObject())
        {
            var at = path.Length == 0 ? p.Name : $"{path}.{p.Name}";
            if (!fields.TryGetValue(p.Name, out var fieldType)) problems.Add(new FieldProblem(at, new("未知字段", "unknown field")));
            else if (KindProblem(fieldType, p.Value) is { } wrong) problems.Add(new FieldProblem(at, wrong));
            else Check(fieldType, p.Value, at, problems);
        }
    }

    /// <summary>
    /// A JSON value of another kind than the declared field's: a number where the record declares text (<c>"name": 123</c>,
    /// an id number sent as a number loses its leading zeros and its X), text where it declares a number
    /// (<c>"amount": "100"</c>), anything but true/false where it declares a yes/no. Refused by the path, as the OpenAPI
    /// document (the same records) tells every client; the console's generated client sends the declared kinds. Null is
    /// left to the endpoint (required or not); open shapes, enums and types of other libraries are not looked at.
    /// </summary>
    private static Text? KindProblem(Type type, JsonElement value)
    {
        if (value.ValueKind is JsonValueKind.Null) return null;
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(string) || t == typeof(DateOnly) || t == typeof(DateTimeOffset) || t == typeof(DateTime))
            return value.ValueKind == JsonValueKind.String ? null : Msg.NotString;
        if (t == typeof(int) || t == typeof(long) || t == typeof(short) || t == typeof(decimal) || t == typeof(double) || t == typeof(float))
            return value.ValueKind == JsonValueKind.Number ? null : new("应为数字", "must be a number");
        if (t == typeof(bool))
            return value.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : new("应为 true 或 false", "must be true or false");
        return null;
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
