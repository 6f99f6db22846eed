using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Daemon.Network;
using Websocketfy.Daemon.Ops;

namespace Websocketfy.Daemon;

/// <summary>Runs the gateway as a process: logging, start-up errors as exit codes, systemd
/// notifications, and SIGTERM/SIGINT as the graceful stop.</summary>
internal static class DaemonHost
{
    public static async Task<int> RunAsync(GatewayOptions options, CancellationToken stop, TextWriter stderr)
    {
        // The level can change while running (a reload sets the switch); the format is fixed at start.
        var logLevel = new LogLevelSwitch(options.LogLevel);
        using var loggers = DaemonLogging.Create(DaemonLogging.Resolve(options.LogFormat, Environment.GetEnvironmentVariable), logLevel);
        await using var gateway = CreateGateway(options, loggers, stderr, out int exitCode);
        if (gateway is null) return exitCode;
        try
        {
            gateway.Start();
        }
        catch (CannotListenException ex)
        {
            stderr.WriteLine($"websocketfy: cannot listen on {ex.Where}: {ex.InnerException!.Message}");
            return ExitCodes.CannotListen;
        }

        using var notifier = new SystemdNotifier(Environment.GetEnvironmentVariable);
        gateway.SirenChanged += notifier.StatusChanged;
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var onStop = stop.Register(() => stopped.TrySetResult());
        notifier.ReportStatus(() => gateway.StatusLine);
        notifier.Ready();
        await stopped.Task.ConfigureAwait(false);
        Task draining = gateway.StopAsync();
        notifier.Stopping();
        await draining.ConfigureAwait(false);
        return ExitCodes.Ok;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true; // we exit on our own once drained
            stopped.TrySetResult();
        }
    }

    private static Gateway? CreateGateway(GatewayOptions options, ILoggerFactory loggers, TextWriter stderr, out int exitCode)
    {
        exitCode = ExitCodes.Ok;
        try
        {
            return new Gateway(options, loggers);
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            stderr.WriteLine($"websocketfy: root {options.Root} is not usable: {ex.Message}");
            exitCode = ExitCodes.RootUnusable;
            return null;
        }
    }
}
