using Doudi.Server.Api;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Doudi.Server.Hosting;

/// <summary>
/// Logging that keeps ID numbers out of every line, the framework's included, whatever the settings file says:
/// the framework's request log (which prints query strings in full) is turned down in code, not only in
/// appsettings.json, and the console writes through <see cref="MaskingConsoleFormatter"/>, which masks anything shaped
/// like an ID number (3303**********1234) in the message and the exception.
/// </summary>
public static class LogSetup
{
    public static void Configure(ILoggingBuilder logging)
    {
        logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Warning);
        logging.AddConsole(o => o.FormatterName = MaskingConsoleFormatter.Name);
        logging.AddConsoleFormatter<MaskingConsoleFormatter, ConsoleFormatterOptions>();
    }
}

/// <summary>One line per entry: time (+08:00), level, category, message — with ID numbers masked.</summary>
public sealed class MaskingConsoleFormatter() : ConsoleFormatter(Name)
{
    public new const string Name = "doudi";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception) ?? "";
        if (logEntry.Exception is not null) message += Environment.NewLine + logEntry.Exception;
        var level = logEntry.LogLevel switch
        {
            LogLevel.Trace => "trce", LogLevel.Debug => "dbug", LogLevel.Information => "info",
            LogLevel.Warning => "warn", LogLevel.Error => "fail", LogLevel.Critical => "crit", _ => "none",
        };
        textWriter.WriteLine($"{Timestamps.Format(DateTimeOffset.UtcNow)} {level} {logEntry.Category}: {RequestLog.Mask(message)}");
    }
}
