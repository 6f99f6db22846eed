using Microsoft.Extensions.Logging;

namespace Websocketfy.Daemon.Configuration.Syntax;

/// <summary>Log levels by the names Microsoft.Extensions.Logging uses, any case, plus the common "info".
/// A fixed table rather than Enum.Parse: it also refuses numbers ("2") and comma lists.</summary>
internal static class LogLevelSyntax
{
    public const string Names = "trace, debug, information (info), warning, error, critical or none";

    private static readonly (string Name, LogLevel Level)[] Table =
    [
        ("trace", LogLevel.Trace),
        ("debug", LogLevel.Debug),
        ("information", LogLevel.Information),
        ("info", LogLevel.Information),
        ("warning", LogLevel.Warning),
        ("error", LogLevel.Error),
        ("critical", LogLevel.Critical),
        ("none", LogLevel.None),
    ];

    public static Parsed<LogLevel> Parse(string text)
    {
        foreach ((string name, LogLevel level) in Table)
        {
            if (text.Equals(name, StringComparison.OrdinalIgnoreCase))
                return level;
        }
        return Parsed<LogLevel>.Fail($"'{text}' is not a log level ({Names})");
    }

    public static string Format(LogLevel level)
    {
        foreach ((string name, LogLevel candidate) in Table)
        {
            if (candidate == level)
                return name;
        }
        throw new ArgumentOutOfRangeException(nameof(level), level, "not a LogLevel value");
    }
}
