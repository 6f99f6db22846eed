using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Websocketfy.Daemon.Ops;

namespace Websocketfy.Tests.Daemon.Ops;

/// <summary>The daemon's own stderr sink writes what Microsoft.Extensions.Logging.Console's provider wrote before it,
/// byte for byte (timestamps aside, which differ between two runs), in every format.</summary>
[TestFixture]
[NonParallelizable] // swaps Console.Error for the package's provider
public sealed partial class StderrLoggerProviderTests
{
    [GeneratedRegex(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")]
    private static partial Regex Timestamp();

    /// <summary>Log calls of every shape the daemon makes: the per-command line, plain and templated messages,
    /// every level, an exception with a stack, text that needs escaping or is not ASCII, an unpaired surrogate,
    /// a line longer than what a thread keeps between lines.</summary>
    private static void LogEverything(ILoggerFactory loggers)
    {
        var command = loggers.CreateLogger("Websocketfy.Command");
        var gateway = loggers.CreateLogger("Websocketfy.Gateway");
        Websocketfy.Daemon.Sessions.CommandLogLine.Write(command, "127.0.0.1:40000", "alice", "Sql", 8, 0.1234, "ok");
        gateway.LogInformation("listening on {Address} port {Port}", "127.0.0.1", 8080);
        gateway.LogWarning("every browser Origin is allowed");
        gateway.LogDebug("quotes \" and \\ and a tab\tand é, 漢字, 😀 and a lone \uD800 surrogate");
        gateway.LogTrace("multi\nline");
        Exception thrown;
        try { throw new InvalidOperationException("boom\nsecond line"); }
        catch (InvalidOperationException ex) { thrown = ex; }
        gateway.LogError(thrown, "reload failed unexpectedly; still serving with the previous configuration");
        gateway.LogCritical(new EventId(7, "Seven"), "critical {Value:0.00}", 3.14159);
        // Longer than the buffers a thread keeps between lines, and a line after it on the same thread.
        gateway.LogInformation("long {Text}", string.Concat(Enumerable.Repeat("ab€😀", 3000)));
        gateway.LogInformation("after the long one");
    }

    private static string Masked(string text) => Timestamp().Replace(text, "TIMESTAMP");

    [TestCase(LogFormat.Simple)]
    [TestCase(LogFormat.Systemd)]
    [TestCase(LogFormat.Json)]
    public void Output_IsWhatThePackagesConsoleProviderWrote(LogFormat format)
    {
        // The package's provider, configured as the daemon configured it before it had a sink of its own.
        var package = new StringWriter();
        TextWriter stderr = Console.Error;
        Console.SetError(package);
        try
        {
            using var reference = LoggerFactory.Create(logging =>
            {
                logging.SetMinimumLevel(LogLevel.Trace);
                DaemonLogging.AddFormatter(logging, format);
                logging.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
            });
            LogEverything(reference);
        } // disposing the package's provider writes out its queue
        finally
        {
            Console.SetError(stderr);
        }

        var ours = new MemoryStream();
        using (var loggers = DaemonLogging.Create(format, () => LogLevel.Trace, ours)) LogEverything(loggers);

        // Compared as the bytes stderr gets: Console.Error encodes the package's text as ours is encoded.
        Encoding encoding = Console.OutputEncoding;
        string written = encoding.GetString(ours.ToArray());
        string expected = encoding.GetString(encoding.GetBytes(package.ToString()));
        Assert.That(written, Does.Contain("command Sql"), "the sink wrote nothing useful");
        Assert.That(Masked(written), Is.EqualTo(Masked(expected)));
        Assert.That(ours.ToArray(), Has.Length.EqualTo(encoding.GetByteCount(package.ToString())));
    }

    [Test]
    public void Level_FiltersBeforeAnythingIsFormatted()
    {
        var ours = new MemoryStream();
        using (var loggers = DaemonLogging.Create(LogFormat.Simple, () => LogLevel.Warning, ours)) LogEverything(loggers);
        string[] lines = Encoding.UTF8.GetString(ours.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                                      .Where(line => !line.StartsWith(' ')).ToArray(); // an exception's stack lines
        Assert.That(lines.Select(line => line.Split(' ')[1]), Is.EqualTo(new[] { "warn:", "fail:", "crit:" }));
    }
}
