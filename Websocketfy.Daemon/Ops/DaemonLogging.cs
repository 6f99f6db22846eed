using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Websocketfy.Daemon.Ops;

/// <summary>The daemon's loggers: everything to stderr, in the format asked for, filtered by a level read at
/// every log call (a reload changes it at once). The formatters are Microsoft.Extensions.Logging.Console's own.</summary>
internal static class DaemonLogging
{
    private const string TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";

    /// <summary>The format <paramref name="asked"/> resolves to: Auto becomes Systemd when stderr is the journal.</summary>
    public static LogFormat Resolve(LogFormat asked, Func<string, string?> environment) =>
        asked != LogFormat.Auto ? asked
        : JournalStream.IsStderr(environment) ? LogFormat.Systemd
        : LogFormat.Simple;

    /// <param name="level">The least severe level written, as it is now (the settings in force).</param>
    public static ILoggerFactory Create(LogFormat format, Func<LogLevel> level) =>
        LoggerFactory.Create(logging =>
        {
            // The function decides; the factory's own minimum must not filter before it.
            logging.SetMinimumLevel(LogLevel.Trace).AddFilter((_, _, asked) => asked != LogLevel.None && asked >= level());
            switch (format)
            {
                case LogFormat.Systemd:
                    // journald stamps each line itself; the <N> prefix becomes PRIORITY=.
                    logging.AddSystemdConsole(console => console.UseUtcTimestamp = true);
                    break;
                case LogFormat.Json:
                    logging.AddJsonConsole(console =>
                    {
                        console.UseUtcTimestamp = true;
                        console.TimestampFormat = TimestampFormat.TrimEnd();
                        // One object per line; quotes, backslashes and control characters are still escaped, but
                        // apostrophes and non-ASCII text stay readable (the output is a log, never HTML).
                        console.JsonWriterOptions = new System.Text.Json.JsonWriterOptions
                        {
                            Indented = false,
                            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
                        };
                    });
                    break;
                default:
                    logging.AddSimpleConsole(console =>
                    {
                        console.SingleLine = true;
                        console.UseUtcTimestamp = true;
                        console.TimestampFormat = TimestampFormat;
                    });
                    break;
            }
            // stderr, not stdout: that is where a daemon's diagnostics go, and what $JOURNAL_STREAM is compared with.
            logging.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        });
}
