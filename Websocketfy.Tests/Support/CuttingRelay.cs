using System.Net;
using System.Net.Sockets;

namespace Websocketfy.Tests.Support;

/// <summary>
/// A TCP relay on loopback in front of the daemon that drops its first connection after exactly
/// <c>cutAfter</c> bytes went from the daemon to the client: both sides are reset (RST, no close frame),
/// as when a hospital Wi-Fi link goes. Later connections are relayed whole. For clients that must resume.
/// </summary>
internal sealed class CuttingRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly long _cutAfter;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _relays = [];
    private readonly Task _accepting;
    private int _connections;

    public CuttingRelay(int targetPort, long cutAfter)
    {
        _target = targetPort;
        _cutAfter = cutAfter;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Set once the first connection was cut.</summary>
    public TaskCompletionSource Cut { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptSocketAsync(_stop.Token);
                bool first = Interlocked.Increment(ref _connections) == 1;
                lock (_relays) _relays.Add(RelayAsync(client, first ? _cutAfter : long.MaxValue));
            }
        }
        catch (OperationCanceledException) { }
        catch (SocketException) { }
    }

    private async Task RelayAsync(Socket client, long downstreamLimit)
    {
        using var daemon = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using (client)
        {
            try
            {
                await daemon.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
                using var ended = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                Task<long> up = PumpAsync(client, daemon, long.MaxValue, ended.Token);
                Task<long> down = PumpAsync(daemon, client, downstreamLimit, ended.Token);
                await Task.WhenAny(up, down);
                ended.Cancel();
                if (await down == downstreamLimit) Cut.TrySetResult();
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException) { }
            // A reset on both sides, not an orderly close: the link is simply gone.
            client.LingerState = new LingerOption(true, 0);
            daemon.LingerState = new LingerOption(true, 0);
        }
    }

    /// <summary>Copies until either side ends or <paramref name="limit"/> bytes went through; returns the bytes copied.</summary>
    private static async Task<long> PumpAsync(Socket from, Socket to, long limit, CancellationToken cancel)
    {
        var buffer = new byte[64 * 1024];
        long sent = 0;
        try
        {
            while (sent < limit)
            {
                int n = await from.ReceiveAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, limit - sent)), SocketFlags.None, cancel);
                if (n == 0) break;
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, cancel);
                sent += n;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException) { }
        return sent;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        Task[] relays;
        lock (_relays) relays = [.. _relays];
        await Task.WhenAll(relays);
        _stop.Dispose();
    }
}
