using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Daemon.Network;
using Websocketfy.Daemon.Ops;
using Websocketfy.Daemon.Tls;

namespace Websocketfy.Daemon;

/// <summary>Runs the gateway as a process: logging, start-up errors as exit codes, systemd
/// notifications, SIGTERM/SIGINT as the graceful stop and SIGHUP as a reload.</summary>
internal static class DaemonHost
{
    /// <param name="readConfiguration">Reads the configuration again for a reload, the same way as at start:
    /// the same command line, the environment as it was at start, the config file as it is now.</param>
    public static async Task<int> RunAsync(GatewayOptions options, Func<OptionsResolution> readConfiguration,
                                           CancellationToken stop, TextWriter stderr)
    {
        // Signals are taken over first: a SIGHUP that arrived between "listening" and here would end the
        // process (its default action). One that comes before the gateway serves waits for it.
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Gateway? serving = null;
        // SIGHUPs that arrive while a reload runs fold into one more reload after it.
        var reloads = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var onHup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Reload);
        using var onStop = stop.Register(() => stopped.TrySetResult());

        var live = new LiveOptions(options);
        // The level is read at every log call, so a reload's log-level applies at once; the format is fixed at start.
        using var loggers = DaemonLogging.Create(DaemonLogging.Resolve(options.LogFormat, Environment.GetEnvironmentVariable),
                                                 () => live.Current.LogLevel);
        // Lines wait up to LogBatchWriter.Linger to be written in batches: a crash or an exit that skips the
        // disposal below still gets them out (bounded: stderr may be stalled).
        UnhandledExceptionEventHandler onCrash = (_, _) => loggers.Flush();
        EventHandler onExit = (_, _) => loggers.Flush();
        AppDomain.CurrentDomain.UnhandledException += onCrash;
        AppDomain.CurrentDomain.ProcessExit += onExit;
        using var unhook = new Unhook(() =>
        {
            AppDomain.CurrentDomain.UnhandledException -= onCrash;
            AppDomain.CurrentDomain.ProcessExit -= onExit;
        });
        await using var gateway = CreateGateway(live, loggers, stderr, out int exitCode);
        if (gateway is null) return exitCode;
        gateway.Metrics.ReadLogLinesDroppedFrom(() => loggers.DroppedLines);
        serving = gateway;
        try
        {
            gateway.Start();
        }
        catch (CannotListenException ex)
        {
            loggers.Flush(); // what was logged before comes first
            stderr.WriteLine($"websocketfy: cannot listen on {ex.Where}: {ex.InnerException!.Message}");
            return ExitCodes.CannotListen;
        }

        using var notifier = new SystemdNotifier(Environment.GetEnvironmentVariable);
        gateway.SirenChanged += notifier.StatusChanged;
        notifier.ReportStatus(() => gateway.StatusLine);
        notifier.Ready();
        Task reloading = ReloadOnRequestAsync(reloads.Reader, gateway, readConfiguration, notifier,
                                              loggers.CreateLogger("Websocketfy.Reload"));
        await stopped.Task.ConfigureAwait(false);
        reloads.Writer.TryComplete();
        await reloading.ConfigureAwait(false);
        Task draining = gateway.StopAsync();
        notifier.Stopping();
        await draining.ConfigureAwait(false);
        return ExitCodes.Ok;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true; // we exit on our own once drained
            // A second SIGTERM or SIGINT while drain-delay runs: begin the drain now.
            if (!stopped.TrySetResult()) serving?.EndDrainDelay();
        }

        void Reload(PosixSignalContext context)
        {
            context.Cancel = true; // SIGHUP's default is to end the process
            reloads.Writer.TryWrite(true);
        }
    }

    private static async Task ReloadOnRequestAsync(ChannelReader<bool> requests, Gateway gateway,
        Func<OptionsResolution> readConfiguration, SystemdNotifier notifier, ILogger log)
    {
        while (await requests.WaitToReadAsync().ConfigureAwait(false))
        {
            requests.TryRead(out _);
            notifier.Reloading();
            try
            {
                string? file = gateway.CurrentOptions.ConfigFile;
                log.LogInformation("SIGHUP: reading the configuration again{From}", file is null ? "" : " from " + file);
                await gateway.ReloadAsync(readConfiguration()).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // A reload must never take the daemon down: it keeps serving with what it had.
                log.LogError(ex, "reload failed unexpectedly; still serving with the previous configuration");
            }
            finally
            {
                notifier.Ready();
            }
        }
    }

    private static Gateway? CreateGateway(LiveOptions live, DaemonLoggers loggers, TextWriter stderr, out int exitCode)
    {
        exitCode = ExitCodes.Ok;
        try
        {
            return new Gateway(live, loggers);
        }
        catch (StartupException ex)
        {
            loggers.Flush(); // what was logged before comes first
            stderr.WriteLine($"websocketfy: {ex.Message}");
            exitCode = ex.ExitCode;
            return null;
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            loggers.Flush();
            stderr.WriteLine($"websocketfy: root {live.Current.Root} is not usable: {ex.Message}");
            exitCode = ExitCodes.RootUnusable;
            return null;
        }
        catch (TlsCredentialsException ex)
        {
            loggers.Flush();
            stderr.WriteLine($"websocketfy: {ex.Message}");
            exitCode = ExitCodes.TlsUnusable;
            return null;
        }
    }

    private sealed class Unhook(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}
