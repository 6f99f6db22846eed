using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Daemon.Network;
using Websocketfy.Protocol.Http;

namespace Websocketfy.Daemon.Ops;

/// <summary>
/// The ops-bind listener: plain HTTP, one request per connection, /healthz and /metrics to any client that
/// reaches it (which is why it is a separate address an operator puts on a management network). Each
/// request is bounded like a handshake on the main port (max-header-size, handshake-timeout), and at most
/// <see cref="MaxConcurrent"/> are served at once so a flood cannot cost more.
/// </summary>
internal sealed class OperatorListener : IAsyncDisposable
{
    private const int MaxConcurrent = 32;

    private readonly Listener _listener;
    private readonly OperatorEndpoints _endpoints;
    private readonly LiveOptions _live;
    private readonly Metrics _metrics;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private int _serving;

    private OperatorListener(Listener listener, OperatorEndpoints endpoints, LiveOptions live, Metrics metrics, ILogger log)
    {
        _listener = listener;
        _endpoints = endpoints;
        _live = live;
        _metrics = metrics;
        _log = log;
        _acceptLoop = listener.AcceptLoopAsync(Admit, log, _stop.Token);
    }

    /// <summary>Binds (throws SocketException when it cannot) and starts serving.</summary>
    public static OperatorListener Start(IPEndPoint at, OperatorEndpoints endpoints, LiveOptions live, Metrics metrics, ILogger log) =>
        new(Listener.Bind(at.Address, at.Port, backlog: 64), endpoints, live, metrics, log);

    public int Port => _listener.Port;

    private void Admit(Socket socket)
    {
        if (Interlocked.Increment(ref _serving) > MaxConcurrent)
        {
            Interlocked.Decrement(ref _serving);
            socket.Dispose();
            return;
        }
        _ = ServeAsync(socket);
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            try
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                deadline.CancelAfter(_live.Current.HandshakeTimeout);
                byte[]? answer = await ReadRequestAsync(socket, deadline.Token).ConfigureAwait(false);
                if (answer is null) return;
                // Connection: close, after the client had the answer.
                await LingeringClose.SendThenDrainAsync(socket, answer, long.MaxValue, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException) { }
            finally
            {
                Interlocked.Decrement(ref _serving);
            }
        }
    }

    /// <summary>The answer to the request on <paramref name="socket"/>, or null when the peer left without one.</summary>
    private async Task<byte[]?> ReadRequestAsync(Socket socket, CancellationToken ct)
    {
        var parser = new RequestHeadParser(_live.Current.MaxHeaderSize);
        byte[] buffer = new byte[2048];
        while (true)
        {
            int n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct).ConfigureAwait(false);
            if (n == 0) return null;
            switch (parser.Feed(buffer.AsSpan(0, n), out _))
            {
                case HeadParseStatus.NeedMoreData:
                    continue;
                case HeadParseStatus.TooLarge:
                    return HttpResponses.Error(431, "Request header fields too large");
                case HeadParseStatus.Malformed:
                    return HttpResponses.Error(400, "Malformed HTTP request");
            }
            _metrics.PlainHttpRequest();
            // /healthz looks at the file tree's root: file-system calls stay off the socket engine's threads.
            await new ThreadPoolHop();
            return _endpoints.Answer(parser.Head!, OperatorEndpoints.Place.OpsListener);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Dispose();
        await _acceptLoop.ConfigureAwait(false);
    }
}
