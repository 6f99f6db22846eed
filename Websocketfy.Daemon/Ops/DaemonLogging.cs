using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Websocketfy.Daemon.Ops;

/// <summary>The daemon's loggers: everything to stderr, in the format asked for, filtered by a level read at
/// every log call (a reload changes it at once). The formatters are Microsoft.Extensions.Logging.Console's own;
/// the sink is ours (<see cref="StderrLoggerProvider"/>): lines batched, no hand-off per line.</summary>
internal static class DaemonLogging
{
    private const string TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";

    /// <summary>The format <paramref name="asked"/> resolves to: Auto becomes Systemd when stderr is the journal.</summary>
    public static LogFormat Resolve(LogFormat asked, Func<string, string?> environment) =>
        asked != LogFormat.Auto ? asked
        : JournalStream.IsStderr(environment) ? LogFormat.Systemd
        : LogFormat.Simple;

    /// <param name="level">The least severe level written, as it is now (the settings in force).</param>
    /// <param name="output">Where the lines go: stderr unless told otherwise (tests).</param>
    public static DaemonLoggers Create(LogFormat format, Func<LogLevel> level, Stream? output = null)
    {
        StderrLoggerProvider? sink = null;
        var factory = LoggerFactory.Create(logging =>
        {
            // The function decides; the factory's own minimum must not filter before it.
            logging.SetMinimumLevel(LogLevel.Trace).AddFilter((_, _, asked) => asked != LogLevel.None && asked >= level());
            AddFormatter(logging, format);
            // The package's provider, which hands every line to a thread of its own, gives way to ours, which
            // formats with the same formatter. stderr, not stdout: that is where a daemon's diagnostics go, and
            // what $JOURNAL_STREAM is compared with.
            string formatter = format switch
            {
                LogFormat.Systemd => ConsoleFormatterNames.Systemd,
                LogFormat.Json => ConsoleFormatterNames.Json,
                _ => ConsoleFormatterNames.Simple,
            };
            logging.Services.RemoveAll<ILoggerProvider>();
            logging.Services.AddSingleton<ILoggerProvider>(services => sink = new StderrLoggerProvider(
                services.GetServices<ConsoleFormatter>().Single(f => f.Name == formatter),
                output ?? Console.OpenStandardError(), Console.OutputEncoding));
        });
        return new DaemonLoggers(factory, sink ?? throw new InvalidOperationException("the logger factory did not create its provider"));
    }

    /// <summary>Registers the package's formatter for <paramref name="format"/> with the daemon's options (and, as a
    /// side effect of the package's API, its ConsoleLoggerProvider, which <see cref="Create"/> replaces).</summary>
    internal static void AddFormatter(ILoggingBuilder logging, LogFormat format)
    {
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
    }
}
