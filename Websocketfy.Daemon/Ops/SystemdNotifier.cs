using System.Net.Sockets;
using System.Text;

namespace Websocketfy.Daemon.Ops;

/// <summary>sd_notify(3) without libsystemd: READY=1 once listening, WATCHDOG=1 while alive,
/// RELOADING=1 then READY=1 around a reload, STOPPING=1 on shutdown. Does nothing when not started by systemd (no NOTIFY_SOCKET).</summary>
internal sealed class SystemdNotifier : IDisposable
{
    private readonly string? _socketPath;
    private readonly PeriodicTimer? _watchdog;

    public SystemdNotifier(Func<string, string?> environment)
    {
        string? path = environment("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(path)) return;
        // A leading '@' names a socket in the abstract namespace.
        _socketPath = path[0] == '@' ? "\0" + path[1..] : path;
        if (long.TryParse(environment("WATCHDOG_USEC"), out long usec) && usec > 0)
        {
            // Ping at half the interval, as systemd recommends.
            _watchdog = new PeriodicTimer(TimeSpan.FromMicroseconds(usec / 2.0));
            _ = PetWatchdogAsync(_watchdog);
        }
    }

    public void Ready() => Send("READY=1\nSTATUS=serving");

    /// <summary>Before a reload (SIGHUP); <see cref="Ready"/> follows when it is done, whatever its outcome.
    /// MONOTONIC_USEC lets systemd's Type=notify-reload match this message to the signal it sent.</summary>
    public void Reloading() =>
        Send(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                           $"RELOADING=1\nMONOTONIC_USEC={MonotonicClock.NowMicroseconds()}"));
    public void Stopping() => Send("STOPPING=1\nSTATUS=draining connections");

    private async Task PetWatchdogAsync(PeriodicTimer timer)
    {
        try
        {
            while (await timer.WaitForNextTickAsync().ConfigureAwait(false)) Send("WATCHDOG=1");
        }
        catch (ObjectDisposedException) { }
    }

    private void Send(string message)
    {
        if (_socketPath is null) return;
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(_socketPath));
            socket.Send(Encoding.UTF8.GetBytes(message));
        }
        catch (SocketException) { }
    }

    public void Dispose() => _watchdog?.Dispose();
}
