using System.Net.Sockets;
using System.Text;

namespace Websocketfy.Daemon.Ops;

/// <summary>sd_notify(3) without libsystemd: READY=1 once listening, WATCHDOG=1 while alive,
/// RELOADING=1 then READY=1 around a reload, STATUS= kept current, STOPPING=1 on shutdown. Does nothing when
/// not started by systemd (no NOTIFY_SOCKET).</summary>
internal sealed class SystemdNotifier : IDisposable
{
    /// <summary>How often the status line is looked at; it is sent only when it changed.</summary>
    private static readonly TimeSpan StatusPeriod = TimeSpan.FromSeconds(2);

    private readonly string? _socketPath;
    private readonly PeriodicTimer? _watchdog;
    private PeriodicTimer? _statusTimer;
    private Func<string>? _status;
    private string? _lastStatus;

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

    /// <summary>Where the STATUS= line comes from. From now on it goes with READY=1 and STOPPING=1, and is
    /// re-read every few seconds (the connection count changes all the time) and sent when it changed.</summary>
    public void ReportStatus(Func<string> status)
    {
        _status = status;
        if (_socketPath is null) return;
        _statusTimer = new PeriodicTimer(StatusPeriod);
        _ = RefreshStatusAsync(_statusTimer);
    }

    public void Ready() => Send("READY=1" + StatusAssignment());

    /// <summary>Before a reload (SIGHUP); <see cref="Ready"/> follows when it is done, whatever its outcome.
    /// MONOTONIC_USEC lets systemd's Type=notify-reload match this message to the signal it sent.</summary>
    public void Reloading() =>
        Send(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                           $"RELOADING=1\nMONOTONIC_USEC={MonotonicClock.NowMicroseconds()}"));

    /// <summary>Sends the status line now if it changed (e.g. SiREN went down).</summary>
    public void StatusChanged()
    {
        if (_status is null) return;
        string line = _status();
        if (line == Volatile.Read(ref _lastStatus)) return;
        Send("STATUS=" + Remember(line));
    }

    /// <summary>STOPPING=1; the status line keeps being refreshed while connections drain.</summary>
    public void Stopping() => Send("STOPPING=1" + StatusAssignment());

    private string StatusAssignment() => _status is null ? "" : "\nSTATUS=" + Remember(_status());

    private string Remember(string line)
    {
        Volatile.Write(ref _lastStatus, line);
        return line;
    }

    private async Task RefreshStatusAsync(PeriodicTimer timer)
    {
        try
        {
            while (await timer.WaitForNextTickAsync().ConfigureAwait(false)) StatusChanged();
        }
        catch (ObjectDisposedException) { }
    }

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

    public void Dispose()
    {
        _watchdog?.Dispose();
        _statusTimer?.Dispose();
    }
}
