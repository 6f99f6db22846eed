using System.Net;
using System.Net.Sockets;

namespace Websocketfy.Tests.RealSiren;

/// <summary>
/// A TCP relay on loopback between the daemon and a SiREN server that passes every byte unchanged,
/// but can hold the server's side after a number of bytes: it then stops reading from the server,
/// as a slow network would, until released. With a reply larger than what the kernel buffers
/// between them, the server is still writing when it is held, so it can be killed mid-reply.
/// </summary>
/// <remarks>It never makes up a byte or a close: an end of stream from one side is passed to the other.</remarks>
internal sealed class PausableRelay : IAsyncDisposable
{
    // A fixed receive buffer towards the server (no auto-tuning): bounds what the kernel holds for us.
    private const int UpstreamReceiveBuffer = 64 * 1024;

    private readonly int _upstreamPort;
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _sockets = [];
    private readonly Task _accepting;
    private readonly object _lock = new();
    private long? _budget;
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PausableRelay(int upstreamPort)
    {
        _upstreamPort = upstreamPort;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen();
        _accepting = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    /// <summary>From now on, passes <paramref name="bytes"/> more server bytes (on all connections) and then holds.</summary>
    public void HoldAfter(long bytes)
    {
        lock (_lock)
        {
            _budget = bytes;
            _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Whether the held point has been reached: the server's bytes are no longer read.</summary>
    public bool IsHolding { get { lock (_lock) return _budget == 0; } }

    /// <summary>Passes everything again.</summary>
    public void Release()
    {
        lock (_lock)
        {
            _budget = null;
            _released.TrySetResult();
        }
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                Socket downstream = await _listener.AcceptAsync(_stop.Token);
                var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
                {
                    NoDelay = true,
                    ReceiveBufferSize = UpstreamReceiveBuffer,
                };
                downstream.NoDelay = true;
                lock (_lock) _sockets.AddRange([downstream, upstream]);
                _ = RelayAsync(downstream, upstream);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped.
        }
    }

    private async Task RelayAsync(Socket downstream, Socket upstream)
    {
        try
        {
            await upstream.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _upstreamPort), _stop.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            // Nothing listens: the daemon sees its connection refused-like end at once.
            downstream.Dispose();
            upstream.Dispose();
            return;
        }
        await Task.WhenAll(PumpAsync(downstream, upstream, gated: false), PumpAsync(upstream, downstream, gated: true));
        downstream.Dispose();
        upstream.Dispose();
    }

    private async Task PumpAsync(Socket from, Socket to, bool gated)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int allowed = gated ? await AllowanceAsync(buffer.Length) : buffer.Length;
                int n = await from.ReceiveAsync(buffer.AsMemory(0, allowed), SocketFlags.None, _stop.Token);
                if (n == 0) break;
                if (gated) Spend(n);
                int sent = 0;
                while (sent < n) sent += await to.SendAsync(buffer.AsMemory(sent, n - sent), SocketFlags.None, _stop.Token);
            }
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A reset or the relay's end: the other side learns it when its socket is disposed.
        }
    }

    private async Task<int> AllowanceAsync(int wanted)
    {
        while (true)
        {
            Task released;
            lock (_lock)
            {
                if (_budget is not long budget) return wanted;
                if (budget > 0) return (int)Math.Min(wanted, budget);
                released = _released.Task;
            }
            await released.WaitAsync(_stop.Token);
        }
    }

    private void Spend(int bytes)
    {
        lock (_lock)
        {
            if (_budget is long budget) _budget = Math.Max(0, budget - bytes);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        lock (_lock)
        {
            foreach (var socket in _sockets) socket.Dispose();
        }
        await _accepting;
        _stop.Dispose();
    }
}
