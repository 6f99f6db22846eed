using System.Globalization;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;

namespace Websocketfy.SirenDemo;

/// <summary>The demo backend as a program: parse, serve until told to stop, report.</summary>
public static class DemoProgram
{
    public const int ExitOk = 0;
    public const int ExitUsage = 64;
    public const int ExitCannotListen = 69;
    public const int ExitDatabase = 74;

    // Log lines come from the serving thread and from here; one at a time keeps them whole.
    private static readonly Lock LogLock = new();

    /// <summary>Runs the seeded demo server until <paramref name="stop"/> is cancelled.</summary>
    /// <param name="log">Receives the startup line, one line per connection and per command, and errors.</param>
    /// <param name="started">Called with the running server once it listens (tests read the port from it).</param>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter log, CancellationToken stop, Action<SirenPeerServer>? started = null)
    {
        DemoArguments? arguments = DemoArguments.Parse(args, out string error);
        if (arguments is null)
        {
            await log.WriteLineAsync($"siren-demo: {error}\n{DemoArguments.Usage}").ConfigureAwait(false);
            return ExitUsage;
        }

        if (arguments.ShowHelp)
        {
            await log.WriteLineAsync(DemoArguments.Usage).ConfigureAwait(false);
            return ExitOk;
        }

        var options = new SirenPeerOptions
        {
            BindAddress = arguments.Bind,
            Port = arguments.Port,
            DatabasePath = arguments.DatabasePath,
            Seed = true,
            Log = line => WriteLogLine(log, line),
        };

        await using var server = new SirenPeerServer(options);
        try
        {
            server.Start();
        }
        catch (SocketException ex)
        {
            await log.WriteLineAsync($"siren-demo: cannot listen on {arguments.Bind}:{arguments.Port}: {ex.Message}").ConfigureAwait(false);
            return ExitCannotListen;
        }
        catch (SqliteException ex)
        {
            await log.WriteLineAsync($"siren-demo: cannot open the database: {ex.Message}").ConfigureAwait(false);
            return ExitDatabase;
        }

        string database = arguments.DatabasePath ?? "in memory";
        WriteLogLine(log, $"listening on {server.EndPoint}, database {database}");
        started?.Invoke(server);

        try
        {
            await Task.Delay(Timeout.Infinite, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            WriteLogLine(log, "stopping");
        }

        return ExitOk;
    }

    private static void WriteLogLine(TextWriter log, string line)
    {
        string stamp = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        lock (LogLock)
        {
            log.WriteLine($"{stamp} siren-demo: {line}");
        }
    }
}
