using Microsoft.Extensions.Logging;

namespace Websocketfy.Daemon.Configuration.Syntax;

/// <summary>Log levels by the names Microsoft.Extensions.Logging uses, any case, plus the common "info".</summary>
internal static class LogLevelSyntax
{
    public const string Names = "trace, debug, information (info), warning, error, critical or none";

    private static readonly NameTable<LogLevel> Table = new("a log level", Names,
    [
        ("trace", LogLevel.Trace),
        ("debug", LogLevel.Debug),
        ("information", LogLevel.Information),
        ("info", LogLevel.Information),
        ("warning", LogLevel.Warning),
        ("error", LogLevel.Error),
        ("critical", LogLevel.Critical),
        ("none", LogLevel.None),
    ]);

    public static Parsed<LogLevel> Parse(string text) => Table.Parse(text);

    public static string Format(LogLevel level) => Table.Format(level);
}
