using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Websocketfy.Daemon.Network;

/// <summary>The listening socket. Binding `::` is dual-stack, so IPv4 clients arrive as mapped addresses.</summary>
internal sealed class Listener : IDisposable
{
    private readonly Socket _socket;
    private volatile bool _disposed;

    private Listener(Socket socket)
    {
        _socket = socket;
        // Kept: the accept loop logs it after a failure, when the socket may already be closed.
        Port = ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>Binds and listens; throws SocketException (AddressAlreadyInUse, AccessDenied, ...) at once,
    /// so the daemon can refuse to start with a clear message.</summary>
    public static Listener Bind(IPAddress address, int port, int backlog)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.AddressFamily == AddressFamily.InterNetworkV6) socket.DualMode = true;
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(backlog);
            return new Listener(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public int Port { get; }

    /// <summary>Hands every accepted connection to <paramref name="admit"/> until <paramref name="ct"/> is cancelled
    /// or the listener disposed. A failed accept (out of descriptors and the like) is logged and retried shortly,
    /// so the connections already open keep being served.</summary>
    public async Task AcceptLoopAsync(Action<Socket> admit, ILogger log, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _socket.AcceptAsync(ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException) { return; }
            // Closed under a pending accept (shutdown): depending on the moment, that is a SocketException
            // (OperationAborted) rather than one of the above. Not a failure to log and retry.
            catch (SocketException) when (_disposed || ct.IsCancellationRequested) { return; }
            catch (SocketException ex)
            {
                log.LogWarning("accept on port {Port} failed: {Error}", Port, ex.Message);
                await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
                continue;
            }
            admit(socket);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _socket.Dispose();
    }
}
