using System.Reflection;
using Doudi.Server.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Doudi.Server.Api;

/// <summary>
/// Issue 9: the OpenAPI document at <c>/openapi/v1.json</c> and the API reference page at <c>/api-reference</c>.
/// Endpoints declare their own request and response records (see the server README, "How an endpoint is declared");
/// what follows from the endpoint's authorization metadata is added here, so it can never disagree with it:
/// the security requirement (cookie for staff, bearer token where the hospital role may call), 401 and 403 answers,
/// and the 400 validation problem every endpoint with parameters or a body can answer.
/// </summary>
public static class OpenApiSetup
{
    public const string CookieScheme = "cookie";
    public const string BearerScheme = "bearer";
    public const string ReferencePath = "/api-reference";
    private const string ProblemSchema = "ProblemDetails";
    private const string ValidationProblemSchema = "HttpValidationProblemDetails";

    public static void AddDoudiOpenApi(this IServiceCollection services) => services.AddOpenApi(o =>
    {
        o.AddDocumentTransformer(DescribeDocumentAsync);
        o.AddOperationTransformer(DescribeOperationAsync);
        o.AddSchemaTransformer(NumbersAreNumbers);
        o.AddSchemaTransformer(ConverterTypes);
        o.AddSchemaTransformer(MarkRequired);
    });

    public static void MapDoudiOpenApi(WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        // The page's script is embedded in Scalar.AspNetCore and served by this server; the default fonts would come from
        // Scalar's CDN, so they are off: the page works on a bureau's network without internet.
        app.MapScalarApiReference(ReferencePath, o => o
                .WithTitle("兜底 Doudi API")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .DisableDefaultFonts()
                .AddPreferredSecuritySchemes(BearerScheme, CookieScheme))
            .AllowAnonymous();
    }

    private static async Task DescribeDocumentAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Info = new OpenApiInfo
        {
            Title = "兜底 Doudi API",
            Version = "v1",
            Description = "医疗救助一站式结算与防贫监测 / medical assistance one-stop settlement and poverty prevention. " +
                          "Staff log in at POST /api/auth/login (cookie doudi.auth); hospital systems send an API token issued by the bureau " +
                          "as Authorization: Bearer ddt_…. Errors are application/problem+json; a 400 names each bad field in errors. " +
                          "Interactive reference: " + ReferencePath,
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[CookieScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Cookie,
            Name = "doudi.auth",
            Description = "工作人员登录 / staff session cookie from POST /api/auth/login",
        };
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "ddt_…",
            Description = "医院系统 API 令牌 / a hospital system's API token (POST /api/tokens, shown once)",
        };
        // The problem schemas the operation transformer refers to, whether or not an endpoint declared one itself.
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        if (!document.Components.Schemas.ContainsKey(ProblemSchema))
            document.Components.Schemas[ProblemSchema] = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, ct);
        if (!document.Components.Schemas.ContainsKey(ValidationProblemSchema))
            document.Components.Schemas[ValidationProblemSchema] = await context.GetOrCreateSchemaAsync(typeof(HttpValidationProblemDetails), null, ct);
        // What Problems.ToResult and the problem-details service add to every problem: the trace id, and errors (field → messages) on a 400.
        foreach (var name in new[] { ProblemSchema, ValidationProblemSchema })
            if (document.Components.Schemas[name] is OpenApiSchema problem)
            {
                problem.Properties ??= new Dictionary<string, IOpenApiSchema>();
                problem.Properties.TryAdd("traceId", new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null });
                problem.Properties.TryAdd("errors", new OpenApiSchema
                {
                    Type = JsonSchemaType.Object | JsonSchemaType.Null,
                    AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
                });
            }
    }

    private static async Task DescribeOperationAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        operation.Responses ??= new OpenApiResponses();
        var takesInput = context.Description.ParameterDescriptions.Count > 0 || operation.RequestBody is not null;
        if (takesInput && !operation.Responses.ContainsKey("400"))
            operation.Responses["400"] = Problem(context, ValidationProblemSchema, "请求有误（errors 逐项列出字段） / the request has errors, named in errors");
        if (metadata.OfType<IAllowAnonymous>().Any()) return;
        var data = metadata.OfType<IAuthorizeData>().ToList();
        var given = metadata.OfType<AuthorizationPolicy>().ToList();
        if (data.Count == 0 && given.Count == 0) return;
        var provider = context.ApplicationServices.GetRequiredService<IAuthorizationPolicyProvider>();
        var policy = await AuthorizationPolicy.CombineAsync(provider, data, given);
        // Every role requirement must hold (a group's policy and the endpoint's own): the roles that may call are those
        // every requirement allows, not any of them (PUT /api/insights/maps/{region} is the administrator's only).
        List<string>? roles = null;
        foreach (var r in policy?.Requirements.OfType<RolesAuthorizationRequirement>() ?? [])
            roles = roles is null ? r.AllowedRoles.Distinct().ToList() : roles.Where(r.AllowedRoles.Contains).ToList();
        roles ??= [];
        var hospital = roles.Count == 0 || roles.Contains(Roles.Hospital);
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(CookieScheme, context.Document)] = [] });
        if (hospital)
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] });
        operation.Responses.TryAdd("401", Problem(context, ProblemSchema, "未登录或令牌无效 / not logged in, or the token is not valid"));
        if (roles.Count > 0)
        {
            operation.Responses.TryAdd("403", Problem(context, ProblemSchema, "无权限 / the role may not do this"));
            var who = string.Join(", ", roles);
            operation.Description = string.IsNullOrEmpty(operation.Description) ? $"角色 / roles: {who}" : $"{operation.Description}\n\n角色 / roles: {who}";
        }
    }

    /// <summary>The 400 of an operation whose body an endpoint's own transformer declares (those run after the document's).</summary>
    internal static void AddValidationProblem(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        operation.Responses ??= new OpenApiResponses();
        if (!operation.Responses.ContainsKey("400"))
            operation.Responses["400"] = Problem(context, ValidationProblemSchema, "请求有误（errors 逐项列出字段） / the request has errors, named in errors");
    }

    private static OpenApiResponse Problem(OpenApiOperationTransformerContext context, string schema, string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(schema, context.Document) },
        },
    };

    /// <summary>
    /// The web JSON defaults read numbers from strings too, so the generator declares every number as "integer or string
    /// with a pattern". The server always writes numbers as numbers: declare them so, and clients get number types.
    /// </summary>
    private static Task NumbersAreNumbers(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        if (schema.Type is { } t && (t & (JsonSchemaType.Integer | JsonSchemaType.Number)) != 0 && (t & JsonSchemaType.String) != 0 && schema.Pattern is not null)
        {
            schema.Type = t & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Types the API writes through its own converters (Api/Json.cs) have no schema of their own: money is a JSON number,
    /// a timestamp an ISO 8601 string in +08:00, a trace step an object as doudi settle writes it.
    /// </summary>
    private static async Task ConverterTypes(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        var type = context.JsonTypeInfo.Type;
        var nullable = Nullable.GetUnderlyingType(type) is not null;
        var bare = Nullable.GetUnderlyingType(type) ?? type;
        var orNull = nullable ? JsonSchemaType.Null : 0;
        if (bare == typeof(decimal)) { schema.Type = JsonSchemaType.Number | orNull; schema.Format = null; }
        else if (schema.AdditionalProperties is null && DictionaryValue(bare) is { } valueType && Primitive(valueType) is { } values)
            schema.AdditionalProperties = values; // a map of money (counted, inputs) or of texts: its values' schema is lost with the converter
        else if (bare == typeof(DateTimeOffset)) { schema.Type = JsonSchemaType.String | orNull; schema.Format = "date-time"; }
        else if (bare == typeof(Doudi.Engine.Tracing.TraceStep))
        {
            // Written by TraceStepConverter as doudi settle writes a step: the shape of ResultTraceStep (the settlement answer's).
            var step = await context.GetOrCreateSchemaAsync(typeof(Settlements.ResultTraceStep), null, ct);
            schema.Type = JsonSchemaType.Object;
            schema.Properties = step.Properties;
            schema.Required = new HashSet<string> { "step", "amount", "rule", "detail" };
        }
    }

    private static Type? DictionaryValue(Type type) => type.GetInterfaces().Append(type)
        .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>) && i.GetGenericArguments()[0] == typeof(string))
        .Select(i => i.GetGenericArguments()[1]).FirstOrDefault();

    private static OpenApiSchema? Primitive(Type type) =>
        type == typeof(decimal) ? new OpenApiSchema { Type = JsonSchemaType.Number }
        : type == typeof(string) ? new OpenApiSchema { Type = JsonSchemaType.String }
        : type == typeof(string[]) ? new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } }
        : null;

    /// <summary>
    /// A record's positional parameters without a default value are always written (nulls included), so they are
    /// required in its schema; optional request fields are declared with a default (<c>string? Note = null</c>).
    /// </summary>
    private static Task MarkRequired(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        var type = context.JsonTypeInfo.Type;
        if (context.JsonPropertyInfo is not null || schema.Properties is not { Count: > 0 } || type.Assembly != typeof(OpenApiSetup).Assembly)
            return Task.CompletedTask;
        var ctor = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance).OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();
        if (ctor is null) return Task.CompletedTask;
        var names = ctor.GetParameters().Where(p => !p.HasDefaultValue).Select(p => p.Name!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var property in context.JsonTypeInfo.Properties)
        {
            var clr = (property.AttributeProvider as MemberInfo)?.Name;
            if (clr is not null && names.Contains(clr) && schema.Properties.ContainsKey(property.Name))
                (schema.Required ??= new HashSet<string>()).Add(property.Name);
        }
        return Task.CompletedTask;
    }
}

/// <summary>Declaring an endpoint's contract in one line each: its body record, its answers, its problems.</summary>
public static class Declare
{
    /// <summary>
    /// The JSON body the endpoint reads (it still reads it with <see cref="Fields"/>, so unknown fields are refused by
    /// name). Declared in the document only: <c>.Accepts&lt;T&gt;()</c> would also make routing refuse other content
    /// types with 415, which the API has never done.
    /// </summary>
    public static RouteHandlerBuilder JsonBody<T>(this RouteHandlerBuilder b) =>
        b.Body("application/json", typeof(T)).WithMetadata(new DeclaredJsonBody(typeof(T)));

    /// <summary>A multipart form body (files and fields of <typeparamref name="T"/>), declared in the document only.</summary>
    public static RouteHandlerBuilder FormBody<T>(this RouteHandlerBuilder b) => b.Body("multipart/form-data", typeof(T));

    /// <summary>
    /// A JSON body that is one of several shapes (a bill in our names or the national platform's): the request body's
    /// schema is oneOf the records, each a component.
    /// </summary>
    public static RouteHandlerBuilder JsonBodyOneOf<T1, T2>(this RouteHandlerBuilder b) => b.AddOpenApiOperationTransformer(async (op, context, ct) =>
        Content(op, context, "application/json", new OpenApiSchema { OneOf = [await Component(context, typeof(T1), ct), await Component(context, typeof(T2), ct)] }));

    /// <summary>An answer that is one of two records (a finished report, or the progress of a run).</summary>
    public static RouteHandlerBuilder ProducesOneOf<T1, T2>(this RouteHandlerBuilder b, int status = StatusCodes.Status200OK) =>
        b.AddOpenApiOperationTransformer(async (op, context, ct) =>
        {
            op.Responses ??= new OpenApiResponses();
            op.Responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new OpenApiResponse
            {
                Description = "OK",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = new OpenApiSchema { OneOf = [await Component(context, typeof(T1), ct), await Component(context, typeof(T2), ct)] } },
                },
            };
        });

    private static RouteHandlerBuilder Body(this RouteHandlerBuilder b, string contentType, Type type) =>
        b.AddOpenApiOperationTransformer(async (op, context, ct) => Content(op, context, contentType, await Component(context, type, ct)));

    private static async Task<IOpenApiSchema> Component(OpenApiOperationTransformerContext context, Type type, CancellationToken ct)
    {
        var document = context.Document!;
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        if (!document.Components.Schemas.ContainsKey(type.Name))
            document.AddComponent(type.Name, await context.GetOrCreateSchemaAsync(type, null, ct));
        return new OpenApiSchemaReference(type.Name, document);
    }

    private static void Content(OpenApiOperation op, OpenApiOperationTransformerContext context, string contentType, IOpenApiSchema schema)
    {
        var body = op.RequestBody as OpenApiRequestBody ?? new OpenApiRequestBody { Required = true };
        body.Content ??= new Dictionary<string, OpenApiMediaType>();
        body.Content[contentType] = new OpenApiMediaType { Schema = schema };
        op.RequestBody = body;
        OpenApiSetup.AddValidationProblem(op, context);
    }

    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>A file answer (xlsx, csv) beside whatever else the status answers: binary content of that type.</summary>
    public static RouteHandlerBuilder ProducesFile(this RouteHandlerBuilder b, string contentType, int status = StatusCodes.Status200OK) =>
        b.AddOpenApiOperationTransformer((op, context, ct) =>
        {
            op.Responses ??= new OpenApiResponses();
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!op.Responses.TryGetValue(key, out var response) || response is not OpenApiResponse r)
                op.Responses[key] = r = new OpenApiResponse { Description = "OK" };
            r.Content ??= new Dictionary<string, OpenApiMediaType>();
            // A spreadsheet is binary; CSV is text.
            var binary = !contentType.StartsWith("text/", StringComparison.Ordinal);
            r.Content[contentType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = binary ? "binary" : null } };
            return Task.CompletedTask;
        });

    /// <summary>A text body (CSV, JSON Lines, YAML) the endpoint also takes, beside a declared JSON or form body.</summary>
    public static RouteHandlerBuilder AcceptsText(this RouteHandlerBuilder b, params string[] contentTypes) =>
        b.AddOpenApiOperationTransformer((op, context, ct) =>
        {
            foreach (var type in contentTypes) Content(op, context, type, new OpenApiSchema { Type = JsonSchemaType.String });
            return Task.CompletedTask;
        });

    /// <summary>Problem answers (application/problem+json) beyond 400/401/403, which the document adds from parameters and authorization.</summary>
    public static RouteHandlerBuilder Problems(this RouteHandlerBuilder b, params int[] statuses)
    {
        foreach (var s in statuses) b = s == StatusCodes.Status400BadRequest ? b.ProducesValidationProblem() : b.ProducesProblem(s);
        return b;
    }
}
