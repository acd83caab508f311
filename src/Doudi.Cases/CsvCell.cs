namespace Doudi.Cases;

/// <summary>
/// One CSV cell as every CSV file of the project writes it (RFC 4180 quoting): text a spreadsheet would run as a
/// formula — starting with = + - @, a tab or a carriage return — is quoted and prefixed with ', so a name such as
/// <c>=HYPERLINK(…)</c> in a report opened in Excel is shown, never run.
/// </summary>
public static class CsvCell
{
    public static bool IsFormula(string value) => value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';

    public static string Text(string value)
    {
        // A plain number (-12.50) is no formula: it stays a number for the spreadsheet.
        var formula = IsFormula(value) && !decimal.TryParse(value, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out _);
        if (!formula && value.AsSpan().IndexOfAny(",\"\r\n") < 0) return value;
        return "\"" + (formula ? "'" : "") + value.Replace("\"", "\"\"") + "\"";
    }
}
