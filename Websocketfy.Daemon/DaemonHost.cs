using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Daemon.Ops;

namespace Websocketfy.Daemon;

/// <summary>Runs the gateway as a process: logging, start-up errors as exit codes, systemd
/// notifications, SIGTERM/SIGINT as the graceful stop and SIGHUP as the reload.</summary>
internal static class DaemonHost
{
    public static async Task<int> RunAsync(GatewayOptions options, CancellationToken stop, TextWriter stderr)
    {
        using var loggers = LoggerFactory.Create(logging => logging
            .SetMinimumLevel(options.LogLevel)
            .AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.UseUtcTimestamp = true;
                console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            })
            .AddFilter((category, level) => level >= options.LogLevel));
        await using var gateway = CreateGateway(options, loggers, stderr, out int exitCode);
        if (gateway is null) return exitCode;
        try
        {
            gateway.Start();
        }
        catch (SocketException ex)
        {
            stderr.WriteLine($"websocketfy: cannot listen on {options.Bind} port {options.Port}: {ex.Message}");
            return ExitCodes.CannotListen;
        }

        using var notifier = new SystemdNotifier(Environment.GetEnvironmentVariable);
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var onHup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true; // SIGHUP means reload here, never exit
            gateway.Reload();
        });
        using var onStop = stop.Register(() => stopped.TrySetResult());
        notifier.Ready();
        await stopped.Task.ConfigureAwait(false);
        notifier.Stopping();
        await gateway.StopAsync().ConfigureAwait(false);
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
        catch (StartupException ex)
        {
            stderr.WriteLine($"websocketfy: {ex.Message}");
            exitCode = ex.ExitCode;
            return null;
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            stderr.WriteLine($"websocketfy: root {options.Root} is not usable: {ex.Message}");
            exitCode = ExitCodes.RootUnusable;
            return null;
        }
    }
}
