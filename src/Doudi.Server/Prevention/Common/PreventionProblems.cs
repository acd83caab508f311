using Doudi.Prevention.Common;
using Doudi.Server.Api;

namespace Doudi.Server.Prevention.Common;

/// <summary>Turns the domain's refusals into application/problem+json answers (nothing has been stored).</summary>
public static class PreventionProblems
{
    public const string Type = "https://doudi.example/problems/prevention/";

    /// <summary>A domain rule refused the step: 422, with the domain's stable code as the problem type and the field it concerns.</summary>
    public static ApiProblemException From(PreventionException e, string field = "$") =>
        new(StatusCodes.Status422UnprocessableEntity, new(e.Message, e.English),
            [new FieldProblem(field, new($"[{e.Code}] {e.Message}", $"[{e.Code}] {e.English}"))], Type + e.Code);

    /// <summary>Runs a domain step and maps its refusal.</summary>
    public static T Run<T>(Func<T> step, string field = "$")
    {
        try { return step(); }
        catch (PreventionException e) { throw From(e, field); }
    }

    public static void Run(Action step, string field = "$")
    {
        try { step(); }
        catch (PreventionException e) { throw From(e, field); }
    }

    public static ApiProblemException Unprocessable(Text title, string field, Text detail, string code) =>
        new(StatusCodes.Status422UnprocessableEntity, title, [new FieldProblem(field, detail)], Type + code);
}
