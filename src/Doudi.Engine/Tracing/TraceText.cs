namespace Doudi.Engine.Tracing;

/// <summary>Helpers for the reader's text of a structured step.</summary>
public static class TraceText
{
    /// <summary>
    /// Text made of data (ids, dates, codes) used as a step's template: its braces are doubled so that none is read as
    /// a placeholder of the template.
    /// </summary>
    public static string Literal(string text) =>
        text.AsSpan().IndexOfAny('{', '}') < 0 ? text : text.Replace("{", "{{").Replace("}", "}}");
}
